//! Keeping the server's file equal to a prefix: a one-shot render reads the
//! prefix; a follower renders from the watch client's cache (the client's
//! load is the only read of the prefix at start-up) and again whenever the
//! client has a newer one (it survives etcd's faults; while etcd is away
//! nothing changes and the last file stays). The client's verdict on each
//! stored value is the render's (refused values, with or without last good
//! items, are in its cache), and a render from the cache decides again only
//! the entries the client replaced, so a change costs its own keys plus one
//! pass over the others' finished blocks.
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
use crate::serving::render::{
    assemble, blocks_of, check_guards, in_precedence, keys_of, read_verdicts, Blocks, LastGood, Origin, Refusal,
    RenderOptions, Rendered, Verdict,
};
use crate::serving::status::{RendererStatus, StatusReporter};
use crate::serving::watch::{Cache, CacheEntry, Client, InvalidValue};
use crate::store::{Store, StoreError};
use crate::temporal::registry::Registry;

/// What one render did with the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The file was replaced.
    Written {
        /// The file's size.
        bytes: usize,
        /// How many keys changed.
        changed: usize,
    },
    /// The file already held this render.
    Unchanged,
    /// The guards kept the old file.
    Refused(Refusal),
}

/// Why a render could not be made or written.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error(transparent)]
    /// etcd could not be read.
    Store(#[from] StoreError),
    #[error(transparent)]
    /// The file could not be written.
    File(#[from] FileError),
}

/// What a verdict was made from: an entry of the watch client's cache, or a
/// value it refused with no last good items.
enum Decision {
    Entry(Arc<CacheEntry>),
    Refused(Arc<InvalidValue>),
}

impl Decision {
    fn same(&self, other: &Decision) -> bool {
        match (self, other) {
            (Decision::Entry(a), Decision::Entry(b)) => Arc::ptr_eq(a, b),
            (Decision::Refused(a), Decision::Refused(b)) => Arc::ptr_eq(a, b),
            _ => false,
        }
    }
}

/// The verdict on one stored value of the watch client's cache.
struct Decided {
    from: Decision,
    verdict: Verdict,
    generation: u64,
}

/// The file, and what it is rendered from.
pub struct Renderer {
    store: Store,
    registry: Arc<Registry>,
    writer: FileWriter,
    base: Blocks,
    opts: RenderOptions,
    last_good: LastGood,
    /// The keys of the file in place, and whether it is this prefix's
    /// render (whose keys are then `last_good`'s).
    previous: Vec<Key>,
    rendered_in_place: bool,
    /// The file found at start, until the first read tells which etcd
    /// cluster this is: only a render of the same prefix and cluster lends
    /// its items as last good ones.
    in_place: Option<String>,
    /// The etcd cluster read (0: not read yet).
    cluster_id: u64,
    /// The revision last rendered (written, unchanged or refused).
    revision: i64,
    /// The verdict on each entry of the watch client's cache, by stored
    /// name, with the entry it was made for: a change decides again only the
    /// entries it replaced.
    decided: foldhash::HashMap<Box<str>, Decided>,
    /// Their names in [`Verdict::precedence`] order, and the number of the
    /// render that saw each last.
    order: Vec<Box<str>>,
    generation: u64,
    /// The cache last rendered: one with the same entries needs no render
    /// (etcd answers the client's progress requests every few seconds).
    rendered_cache: Option<Arc<Cache>>,
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
        let previous = current.as_deref().map(keys_of).unwrap_or_default();
        Renderer {
            store,
            registry,
            writer,
            base: base.as_ref().map(blocks_of).unwrap_or_default(),
            opts,
            last_good: LastGood::default(),
            previous,
            in_place: current,
            rendered_in_place: false,
            cluster_id: 0,
            revision: 0,
            decided: Default::default(),
            order: Vec::new(),
            generation: 0,
            rendered_cache: None,
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

    /// The writer of the file.
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
        let read = match read_verdicts(&self.store, &self.registry, revision).await {
            Err(StoreError::Compacted { .. }) => read_verdicts(&self.store, &self.registry, None).await,
            other => other,
        };
        let (revision, cluster_id, verdicts) =
            read.inspect_err(|_| metrics::counter!("dynconfig_render_total", "outcome" => "failed").increment(1))?;
        self.learn_cluster(cluster_id);
        let (rendered, blocks) = self.assemble(&in_precedence(&verdicts), revision);
        self.finish(rendered, blocks)
    }

    /// The etcd cluster this renderer reads: the file found at start lends
    /// its items as last good ones only when it is a render of this prefix
    /// on this cluster.
    fn learn_cluster(&mut self, cluster_id: u64) {
        self.cluster_id = cluster_id;
        if let Some(text) = self.in_place.take() {
            if let Some(last) = LastGood::from_file(&text, &self.registry, self.store.prefix(), cluster_id) {
                self.last_good = last;
                self.rendered_in_place = true;
            }
        }
    }

    /// The first render of a follower: from `client`'s cache, the client's
    /// load being the one read of the prefix (one count-only request asks
    /// which etcd cluster this is).
    pub async fn start_following(&mut self, client: &Client) -> Result<(Outcome, Rendered), RenderError> {
        let cluster_id = self
            .store
            .cluster_id()
            .await
            .inspect_err(|_| metrics::counter!("dynconfig_render_total", "outcome" => "failed").increment(1))?;
        self.learn_cluster(cluster_id);
        let cache = Arc::clone(&client.cache());
        let done = self.render_cache(&cache)?;
        self.rendered_cache = Some(cache);
        Ok(done)
    }

    /// Render what the watch client's cache holds, deciding again only the
    /// entries that changed since the last render.
    pub fn render_cache(&mut self, cache: &Cache) -> Result<(Outcome, Rendered), RenderError> {
        self.generation += 1;
        let generation = self.generation;
        let mut added = false;
        let etcd_key = |name: &str| self.store.prefix().key_path(name);
        let stored = cache
            .entries()
            .map(|e| (e.name(), Decision::Entry(e.clone())))
            .chain(cache.refused().map(|(n, v)| (n, Decision::Refused(v.clone()))));
        for (name, from) in stored {
            match self.decided.get_mut(name) {
                Some(d) if d.from.same(&from) => d.generation = generation,
                found => {
                    let key = Key::new(name);
                    // The client's verdict is the render's: a served entry is
                    // its block as it is, a refused one is held back.
                    let verdict = match &from {
                        Decision::Entry(e) => match &e.invalid {
                            None => Verdict::served(&etcd_key(name), &key, &e.items(), &self.registry),
                            Some(invalid) => {
                                Verdict::refused(&etcd_key(name), &key, invalid.findings.clone(), &self.registry)
                            }
                        },
                        Decision::Refused(invalid) => {
                            Verdict::refused(&etcd_key(name), &key, invalid.findings.clone(), &self.registry)
                        }
                    };
                    let d = Decided {
                        from,
                        verdict,
                        generation,
                    };
                    match found {
                        Some(old) => *old = d,
                        None => {
                            self.decided.insert(name.into(), d);
                            added = true;
                        }
                    }
                }
            }
        }
        let before = self.decided.len();
        self.decided.retain(|_, d| d.generation == generation);
        // The order changes only when keys come or go.
        if added || self.decided.len() != before {
            let mut order: Vec<(&Box<str>, &Verdict)> = self.decided.iter().map(|(n, d)| (n, &d.verdict)).collect();
            order.sort_by(|a, b| Verdict::precedence(a.1, b.1));
            self.order = order.into_iter().map(|(n, _)| n.clone()).collect();
        }
        let verdicts: Vec<&Verdict> = self.order.iter().map(|n| &self.decided[n].verdict).collect();
        let (rendered, blocks) = self.assemble(&verdicts, cache.revision);
        self.finish(rendered, blocks)
    }

    /// The file of verdicts in [`Verdict::precedence`] order, over this
    /// renderer's base and last good state.
    fn assemble(&self, stored: &[&Verdict], revision: i64) -> (Rendered, Blocks) {
        assemble(
            stored,
            &self.base,
            &self.last_good,
            &self.registry,
            &self.opts,
            Origin {
                prefix: self.store.prefix(),
                revision,
                cluster_id: self.cluster_id,
            },
        )
    }

    /// Guard, compare and write a render.
    fn finish(&mut self, rendered: Rendered, blocks: Blocks) -> Result<(Outcome, Rendered), RenderError> {
        metrics::gauge!("dynconfig_render_held_keys").set(rendered.held.len() as f64);
        self.revision = rendered.revision;
        if let Err(refusal) = check_guards(&self.previous, &rendered, &self.opts) {
            metrics::counter!("dynconfig_render_total", "outcome" => "refused").increment(1);
            self.refused = Some(refusal.clone());
            self.report();
            return Ok((Outcome::Refused(refusal), rendered));
        }
        // The header names the revision: a file whose keys are all as
        // rendered stays, and the server does not load it again.
        if self.rendered_in_place && self.last_good.changes(&blocks) == 0 {
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
        let changed = self.last_good.remember(blocks);
        self.previous = rendered.keys.clone();
        self.rendered_in_place = true;
        self.reflect(&rendered);
        Ok((
            Outcome::Written {
                bytes: rendered.text.len(),
                changed,
            },
            rendered,
        ))
    }

    /// Render whenever `client` publishes a newer cache, until `stop` turns
    /// true; `each` hears of every render (and of every failed one, which is
    /// tried again with backoff until it succeeds).
    pub async fn follow(
        &mut self,
        client: &Client,
        mut stop: watch::Receiver<bool>,
        mut each: impl FnMut(Result<&(Outcome, Rendered), &RenderError>),
    ) {
        // Every cache the client publishes moves its revision; one the
        // client published before this subscription is already past what
        // was rendered.
        let mut revisions = client.revisions();
        let mut pending = client.revision() > self.revision;
        let mut backoff = Duration::from_millis(100);
        loop {
            if !pending {
                tokio::select! {
                    changed = revisions.changed() => {
                        if changed.is_err() {
                            return;
                        }
                    }
                    _ = stop.changed() => return,
                }
            }
            if *stop.borrow() {
                return;
            }
            let cache = Arc::clone(&client.cache());
            let same = self.rendered_cache.as_ref().is_some_and(|c| c.same_entries(&cache));
            if !pending && (cache.revision <= self.revision || same) {
                continue;
            }
            pending = false;
            let done = self.render_cache(&cache);
            match done {
                Ok(done) => {
                    self.rendered_cache = Some(cache);
                    each(Ok(&done));
                    backoff = Duration::from_millis(100);
                }
                Err(e) => {
                    each(Err(&e));
                    pending = true;
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
