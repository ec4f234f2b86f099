//! `tcfg edit`: a key's stored list (or one item's value) in `$VISUAL` /
//! `$EDITOR`, as `kubectl edit` does it: validated on save and reopened
//! with the findings at the top, then shown, confirmed and written with
//! compare-and-swap and its record, the one way every write goes.

use std::io::Write as _;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use clap::Args;
use tcfg_core::changes::buffer::{Buffer, Saved, Target};
use tcfg_core::changes::commit::Change;
use tcfg_core::changes::edit::read_for_change;
use tcfg_core::changes::plan::key_plan;
use tcfg_core::temporal::validate::Options;
use tcfg_core::Level;

use crate::app::{commit_key_write, refuse_unread_scope, written_name, ScopeArgs, WriteArgs};
use crate::error::bail;
use crate::error::Result;
use crate::exit;
use crate::global::GlobalArgs;
use crate::output;
use crate::present::report::write_findings;

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  tcfg edit frontend.namespaceRPS                       # the whole list\n  tcfg edit frontend.namespaceRPS --namespace payments  # one item's value\n  EDITOR=nano tcfg edit history.defaultActivityRetryPolicy -m \"INC-7: fewer retries\"\n\nThe editor is $VISUAL, else $EDITOR, else vi. The buffer starts with the key's type, default and description as comments. On save the text is validated as `tcfg put` validates a value; with errors the editor opens again with the findings at the top. An unchanged or emptied buffer writes nothing (exit 0); a buffer saved again unchanged after such a reopening ends the edit (exit 1, nothing written), so a script used as the editor never loops. Then the change is shown and confirmed (--yes skips), and written only if nobody changed the key since it was read."
)]
pub struct EditArgs {
    /// The key, in any case (stored under its registered spelling)
    #[arg(value_name = "KEY", add = clap_complete::ArgValueCandidates::new(crate::app::complete::keys))]
    pub key_name: String,

    #[command(flatten)]
    pub scope: ScopeArgs,

    #[command(flatten)]
    pub write: WriteArgs,

    /// Accept a key the release does not register (custom server builds)
    #[arg(long)]
    pub allow_unknown_keys: bool,
}

pub async fn run(global: &GlobalArgs, args: EditArgs) -> Result<u8> {
    let registry = crate::app::registry(global)?;
    let name = written_name(&registry, &args.key_name, args.allow_unknown_keys)?;
    let target = if args.scope.given() {
        let scope = args.scope.constraints()?;
        refuse_unread_scope(&registry, &name, &scope)?;
        Target::Item(scope)
    } else {
        Target::List
    };
    let crate::app::Opened { intent, place, store } =
        crate::app::open_write(global, &registry, "edit", Vec::new(), &args.write).await?;
    // A freeze is told before the editor opens, not after the work in it
    // (the write checks again); a dry run is told with its diff.
    if !args.write.dry_run {
        crate::app::write::told_of_freeze(&store, &intent, false).await?;
    }
    let (read, current) = read_for_change(&store, &name).await?;
    let stored = read.registered_or_first(store.prefix(), &name);
    let where_ = format!("{} on {place}", store.prefix());
    let buffer = match stored.map(|s| (&s.items, &s.raw)) {
        None => Buffer::open(&name, target, &[], &registry, &where_),
        Some((Ok(items), _)) => Buffer::open(&name, target, items, &registry, &where_),
        Some((Err(_), raw)) if target == Target::List => Buffer::open_unparseable(&name, raw, &registry, &where_),
        Some((Err(findings), _)) => {
            let what = crate::present::report::unparseable(stored.expect("stored"), findings);
            bail!("{what}: cannot change one item of it; `tcfg edit {name}` without scope flags edits the whole list");
        }
    };
    let opts = Options {
        allow_unknown_keys: args.allow_unknown_keys,
        ..Default::default()
    };
    let file = EditFile::create(&name)?;
    let mut text = buffer.text.clone();
    let mut reopened = false;
    loop {
        file.write(&text)?;
        run_editor(file.path())?;
        let saved = file.read()?;
        let origin = file.path().display().to_string();
        let findings = match buffer.read(&origin, &saved, &registry, &opts) {
            Saved::Emptied => {
                writeln!(output::stderr(), "the buffer was emptied: nothing written")?;
                return Ok(exit::OK);
            }
            Saved::Unchanged => {
                writeln!(output::stderr(), "{name} unchanged: nothing written")?;
                return Ok(exit::OK);
            }
            Saved::Invalid(findings) => findings,
            Saved::Items(items, warnings) => {
                let plan = key_plan(store.prefix(), &name, &read.stored, &items, &registry, read.revision);
                let change = Change::of_plan(&plan, &current, &registry);
                if change.findings().iter().any(|f| f.level == Level::Error) {
                    // What the change does wrong (read partitions below
                    // write partitions) is fixed in the buffer too.
                    change.findings().to_vec()
                } else {
                    write_findings(&mut output::stderr(), &warnings, &Default::default())?;
                    return commit_key_write(&store, &name, &plan, change, &intent, args.write, &place).await;
                }
            }
        };
        if reopened && saved == text {
            let sources = [(origin.clone(), saved.clone())].into_iter().collect();
            write_findings(&mut output::stderr(), &findings, &sources)?;
            bail!("the buffer was saved again without a change: {name} is not written");
        }
        text = buffer.reopened(&saved, &findings);
        reopened = true;
    }
}

/// `$VISUAL`, else `$EDITOR`, else `vi`, run by the shell (as git runs it,
/// so `EDITOR="code --wait"` works) on `path`.
fn run_editor(path: &Path) -> Result<()> {
    let editor = ["VISUAL", "EDITOR"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|e| !e.trim().is_empty()))
        .unwrap_or_else(|| "vi".to_string());
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("{editor} \"$1\""))
        .arg("sh")
        .arg(path)
        .status();
    match status {
        Ok(s) if s.success() => Ok(()),
        Ok(s) => bail!("the editor ({editor}) ended with {s}: nothing written"),
        Err(e) => bail!("cannot run the editor ({editor}): {e}; set VISUAL or EDITOR"),
    }
}

/// The buffer's file: in a directory of its own, readable by this user
/// only, created exclusively and never through a symlink; removed at the
/// end.
struct EditFile {
    dir: PathBuf,
    path: PathBuf,
}

impl EditFile {
    fn create(name: &str) -> Result<EditFile> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let dir = std::env::temp_dir().join(format!("tcfg-edit-{}-{nanos}", std::process::id()));
        std::fs::DirBuilder::new()
            .mode(0o700)
            .create(&dir)
            .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", output::escape_path(&dir)))?;
        // The name helps the editor pick YAML; a key name never holds `/`.
        let safe: String = name
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '.' || c == '_' || c == '-' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        let path = dir.join(format!("{safe}.yaml"));
        Ok(EditFile { dir, path })
    }

    fn path(&self) -> &Path {
        &self.path
    }

    fn write(&self, text: &str) -> Result<()> {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .custom_flags(libc::O_NOFOLLOW)
            .mode(0o600)
            .open(&self.path)
            .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", output::escape_path(&self.path)))?;
        f.write_all(text.as_bytes())?;
        Ok(())
    }

    fn read(&self) -> Result<String> {
        let bytes = std::fs::read(&self.path).map_err(|e| {
            anyhow::anyhow!(
                "cannot read {} back: {e}; nothing written",
                output::escape_path(&self.path)
            )
        })?;
        String::from_utf8(bytes).map_err(|_| {
            anyhow::anyhow!(
                "{} is not UTF-8 text after the edit: nothing written",
                output::escape_path(&self.path)
            )
            .into()
        })
    }
}

impl Drop for EditFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
