//! Keeping the server's file equal to a prefix: render once, then again
//! after every change the watch client delivers (it survives etcd's faults;
//! while etcd is away no change arrives and the last file stays).
//!
//! Metrics: `dynconfig_render_total{outcome}` (`written`, `unchanged`,
//! `refused`, `failed`), `dynconfig_render_revision`,
//! `dynconfig_render_last_write_timestamp_seconds`,
//! `dynconfig_render_held_keys`.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;

use crate::model::document::Document;
use crate::model::key::Key;
use crate::serving::file::{FileError, FileWriter};
use crate::serving::render::{check_guards, keys_of, render, LastGood, Refusal, RenderOptions, Rendered};
use crate::serving::status::{RendererStatus, StatusReporter};
use crate::serving::watch::Client;
use crate::store::{Store, StoreError};
use crate::temporal::registry::Registry;

/// What one render did with the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The file was replaced.
    Written { bytes: usize, changed: usize },
    /// The file already held this render.
    Unchanged,
    /// The guards kept the old file.
    Refused(Refusal),
}

/// Why a render could not be made or written.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    File(#[from] FileError),
}

/// The file, and what it is rendered from.
pub struct Renderer {
    store: Store,
    registry: Arc<Registry>,
    writer: FileWriter,
    base: Option<Document>,
    opts: RenderOptions,
    last_good: LastGood,
    /// The keys and text of the file in place.
    previous: Vec<Key>,
    current: Option<String>,
    /// The revision last rendered (written, unchanged or refused).
    revision: i64,
    /// What the record says: the revision the file reflects (0: no render
    /// of this run yet), its held-back keys, the newest refusal.
    reporter: Option<StatusReporter>,
    reflects: i64,
    held: Vec<String>,
    refused: Option<Refusal>,
}

impl Renderer {
    /// A renderer for the file `writer` replaces; what the file holds now
    /// (when it is a render without errors) is the last good state.
    pub fn new(
        store: Store,
        registry: Arc<Registry>,
        writer: FileWriter,
        base: Option<Document>,
        opts: RenderOptions,
    ) -> Renderer {
        let current = writer.current();
        let last_good = current
            .as_deref()
            .and_then(|t| LastGood::from_file(t, &registry))
            .unwrap_or_default();
        let previous = current.as_deref().map(keys_of).unwrap_or_default();
        Renderer {
            store,
            registry,
            writer,
            base,
            opts,
            last_good,
            previous,
            current,
            revision: 0,
            reporter: None,
            reflects: 0,
            held: Vec::new(),
            refused: None,
        }
    }

    /// Report every render to `reporter` (the record `--wait` reads).
    pub fn with_reporter(mut self, reporter: StatusReporter) -> Renderer {
        self.reporter = Some(reporter);
        self
    }

    pub fn writer(&self) -> &FileWriter {
        &self.writer
    }

    /// What this renderer's record says now.
    pub fn status(&self, name: &str) -> RendererStatus {
        RendererStatus {
            name: name.into(),
            revision: self.reflects,
            at: RendererStatus::now(),
            file: self.writer.path().display().to_string(),
            held: self.held.clone(),
            refused: self.refused.as_ref().map(ToString::to_string),
            version: self.opts.generator.clone(),
        }
    }

    /// Stop reporting: the record is removed now rather than when its lease
    /// ends.
    pub async fn shutdown(self) {
        if let Some(r) = self.reporter {
            r.stop().await;
        }
    }

    fn reflect(&mut self, rendered: &Rendered) {
        self.reflects = rendered.revision;
        self.held = rendered.held.iter().map(|h| h.etcd_key.clone()).collect();
        self.refused = None;
        self.report();
    }

    fn report(&self) {
        if let Some(r) = &self.reporter {
            r.report(self.status(r.name()));
        }
    }

    /// Render the prefix at `revision` (the newest when `None`, or when that
    /// revision is compacted) and write it unless the guards refuse.
    pub async fn render_at(&mut self, revision: Option<i64>) -> Result<(Outcome, Rendered), RenderError> {
        let snapshot = match self.store.snapshot(&self.registry, revision).await {
            Err(StoreError::Compacted { .. }) => self.store.snapshot(&self.registry, None).await,
            other => other,
        }
        .inspect_err(|_| metrics::counter!("dynconfig_render_total", "outcome" => "failed").increment(1))?;
        let (rendered, doc) = render(
            &snapshot,
            self.base.as_ref(),
            &self.last_good,
            &self.registry,
            &self.opts,
        );
        metrics::gauge!("dynconfig_render_held_keys").set(rendered.held.len() as f64);
        self.revision = rendered.revision;
        if let Err(refusal) = check_guards(&self.previous, &rendered, &self.opts) {
            metrics::counter!("dynconfig_render_total", "outcome" => "refused").increment(1);
            self.refused = Some(refusal.clone());
            self.report();
            return Ok((Outcome::Refused(refusal), rendered));
        }
        if self.current.as_deref() == Some(rendered.text.as_str()) {
            metrics::counter!("dynconfig_render_total", "outcome" => "unchanged").increment(1);
            metrics::gauge!("dynconfig_render_revision").set(rendered.revision as f64);
            self.reflect(&rendered);
            return Ok((Outcome::Unchanged, rendered));
        }
        if let Err(e) = self.writer.write(rendered.text.as_bytes()) {
            metrics::counter!("dynconfig_render_total", "outcome" => "failed").increment(1);
            return Err(e.into());
        }
        metrics::counter!("dynconfig_render_total", "outcome" => "written").increment(1);
        metrics::gauge!("dynconfig_render_revision").set(rendered.revision as f64);
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0.0, |d| d.as_secs_f64());
        metrics::gauge!("dynconfig_render_last_write_timestamp_seconds").set(now);
        let changed = changed_keys(&self.last_good, &doc);
        self.last_good.remember(&doc);
        self.previous = rendered.keys.clone();
        self.current = Some(rendered.text.clone());
        self.reflect(&rendered);
        Ok((
            Outcome::Written {
                bytes: rendered.text.len(),
                changed,
            },
            rendered,
        ))
    }

    /// Render after every change `client` delivers until `stop` turns
    /// true; `each` hears of every render (and of every failed one, which is
    /// tried again with backoff until it succeeds or a newer change comes).
    pub async fn follow(
        &mut self,
        client: &Client,
        mut stop: watch::Receiver<bool>,
        mut each: impl FnMut(Result<&(Outcome, Rendered), &RenderError>),
    ) {
        let mut changes = client.subscribe();
        // A change the client took in before this subscription is not
        // delivered to it, but its cache is already past what was rendered.
        let mut pending = Some(client.revision()).filter(|r| *r > self.revision);
        let mut backoff = Duration::from_millis(100);
        loop {
            if pending.is_none() {
                tokio::select! {
                    set = changes.recv() => match set {
                        Some(set) => pending = Some(set.revision),
                        None => return,
                    },
                    _ = stop.changed() => return,
                }
            }
            // Changes that queued up meanwhile are one render.
            while let Ok(set) = changes.try_recv() {
                pending = Some(set.revision);
            }
            if *stop.borrow() {
                return;
            }
            match self.render_at(pending).await {
                Ok(done) => {
                    each(Ok(&done));
                    pending = None;
                    backoff = Duration::from_millis(100);
                }
                Err(e) => {
                    each(Err(&e));
                    tokio::select! {
                        _ = tokio::time::sleep(backoff) => {}
                        _ = stop.changed() => return,
                    }
                    backoff = (backoff * 2).min(Duration::from_secs(10));
                }
            }
        }
    }
}

/// How many keys differ between the last good state (what the file in
/// place holds, when it is a render) and the new document.
fn changed_keys(before: &LastGood, new: &Document) -> usize {
    let after: std::collections::BTreeMap<&Key, _> = new.entries.iter().map(|e| (&e.key, &e.items)).collect();
    let changed = after.iter().filter(|(k, items)| before.get(k) != Some(**items)).count();
    changed + before.keys().filter(|k| !after.contains_key(k)).count()
}
