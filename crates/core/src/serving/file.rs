//! Replacing the file a Temporal server polls, as its file client needs it
//! replaced: never in place (the server reads with no lock, and a truncated
//! file that still parses drops keys), and always with a modification time
//! strictly after the previous file's (the server ignores a file whose
//! mtime did not move forward, and filesystems keep times as coarse as 1 s
//! or 2 s).

use std::fs::{self, File};
use std::io::{self, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// Why the file could not be replaced.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("{} is not in a directory that exists ({})", path.display(), dir.display())]
    /// The file's directory does not exist.
    NoDirectory {
        /// The file.
        path: PathBuf,
        /// Its directory.
        dir: PathBuf,
    },
    #[error("cannot {what} {}: {source}", path.display())]
    /// A filesystem call failed.
    Io {
        /// What was being done (`create`, `rename`, ...).
        what: &'static str,
        /// The file or directory.
        path: PathBuf,
        #[source]
        /// What the filesystem said.
        source: io::Error,
    },
    #[error("the filesystem of {} does not keep a modification time later than {previous:?}", path.display())]
    /// The filesystem cannot give the new file a later modification time.
    Mtime {
        /// The file.
        path: PathBuf,
        /// The previous file's modification time.
        previous: SystemTime,
    },
}

/// The steps by which a later mtime is tried when the filesystem rounds the
/// first one down to the previous file's.
const MTIME_STEPS: [Duration; 5] = [
    Duration::from_nanos(1),
    Duration::from_micros(1),
    Duration::from_millis(10),
    Duration::from_secs(1),
    Duration::from_secs(2),
];

/// The file a server reads, replaced atomically.
#[derive(Debug)]
pub struct FileWriter {
    path: PathBuf,
    mode: u32,
    /// The mtime of the file now in place (the newest this writer made, or
    /// the one it found).
    last_mtime: Option<SystemTime>,
}

impl FileWriter {
    /// A writer for `path`. The file keeps the mode it has; a new file gets
    /// `mode` (0644 when `None`).
    pub fn new(path: impl Into<PathBuf>, mode: Option<u32>) -> Result<FileWriter, FileError> {
        let path = path.into();
        let dir = parent(&path);
        if !dir.is_dir() {
            return Err(FileError::NoDirectory { path, dir });
        }
        remove_stale_temporaries(&path, &dir);
        let existing = fs::metadata(&path).ok();
        let mode = mode.unwrap_or_else(|| existing.as_ref().map_or(0o644, |m| m.permissions().mode() & 0o7777));
        Ok(FileWriter {
            last_mtime: existing.and_then(|m| m.modified().ok()),
            path,
            mode,
        })
    }

    /// The file it replaces.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The text of the file now in place, if there is one.
    pub fn current(&self) -> Option<String> {
        fs::read_to_string(&self.path).ok()
    }

    /// Replace the file with `bytes`: a temporary file in the same
    /// directory, written and synced, its mtime set after the previous
    /// file's, renamed over the file, and the directory synced. Returns the
    /// new file's mtime.
    pub fn write(&mut self, bytes: &[u8]) -> Result<SystemTime, FileError> {
        let dir = parent(&self.path);
        let name = self
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        // An unpredictable name, created exclusively (O_EXCL: never through
        // a symlink or over a file planted there) with its mode from the
        // start; the PID in it lets a restarted writer remove what a killed
        // one left.
        let io = |what: &'static str, path: &Path| {
            let path = path.to_path_buf();
            move |source| FileError::Io { what, path, source }
        };
        let mut tmp = tempfile::Builder::new()
            .prefix(&format!(".{name}.tcfg-{}-", std::process::id()))
            .suffix(".tmp")
            .permissions(fs::Permissions::from_mode(self.mode))
            .tempfile_in(&dir)
            .map_err(io("create a temporary file beside", &self.path))?;
        let tmp_path = tmp.path().to_path_buf();
        let mtime = (|| {
            let f = tmp.as_file_mut();
            // The mode given at creation is masked by the umask; the file's
            // mode is what it was, or what was asked.
            f.set_permissions(fs::Permissions::from_mode(self.mode))
                .map_err(io("set the mode of", &tmp_path))?;
            f.write_all(bytes).map_err(io("write", &tmp_path))?;
            let mtime = self.later_mtime(f, &tmp_path)?;
            f.sync_all().map_err(io("sync", &tmp_path))?;
            Ok::<_, FileError>(mtime)
        })()?;
        // On an error the temporary file is removed when `tmp` is dropped.
        tmp.persist(&self.path).map_err(|e| FileError::Io {
            what: "replace",
            path: self.path.clone(),
            source: e.error,
        })?;
        File::open(&dir)
            .and_then(|d| d.sync_all())
            .map_err(io("sync the directory of", &self.path))?;
        self.last_mtime = Some(mtime);
        Ok(mtime)
    }

    /// Set `f`'s mtime to now, or later than the previous file's when now is
    /// not (a clock tick, a coarse filesystem): the time the filesystem
    /// keeps is read back until it is strictly later.
    fn later_mtime(&self, f: &File, tmp: &Path) -> Result<SystemTime, FileError> {
        let now = SystemTime::now();
        let Some(previous) = self.last_mtime else {
            f.set_modified(now).map_err(|source| FileError::Io {
                what: "set the modification time of",
                path: tmp.to_path_buf(),
                source,
            })?;
            return kept_mtime(f, tmp);
        };
        for step in MTIME_STEPS {
            let want = now.max(previous + step);
            f.set_modified(want).map_err(|source| FileError::Io {
                what: "set the modification time of",
                path: tmp.to_path_buf(),
                source,
            })?;
            let kept = kept_mtime(f, tmp)?;
            if kept > previous {
                return Ok(kept);
            }
        }
        Err(FileError::Mtime {
            path: self.path.clone(),
            previous,
        })
    }
}

/// Temporary files a writer killed mid-write left beside the file (their
/// process is gone): removed, so that restarts do not pile them up.
fn remove_stale_temporaries(path: &Path, dir: &Path) {
    let Some(name) = path.file_name().map(|n| n.to_string_lossy().into_owned()) else {
        return;
    };
    let (head, tail) = (format!(".{name}.tcfg-"), ".tmp");
    // `.NAME.tcfg-PID-RANDOM.tmp` (older writers: `.NAME.tcfg-PID.tmp`).
    let Ok(entries) = fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let file = e.file_name().to_string_lossy().into_owned();
        let Some(pid) = file
            .strip_prefix(&head)
            .and_then(|r| r.strip_suffix(tail))
            .map(|r| r.split('-').next().unwrap_or(r))
        else {
            continue;
        };
        let alive = pid
            .parse::<u32>()
            .is_ok_and(|p| Path::new(&format!("/proc/{p}")).exists());
        if !alive {
            let _ = fs::remove_file(e.path());
        }
    }
}

fn kept_mtime(f: &File, tmp: &Path) -> Result<SystemTime, FileError> {
    f.metadata().and_then(|m| m.modified()).map_err(|source| FileError::Io {
        what: "read the modification time of",
        path: tmp.to_path_buf(),
        source,
    })
}

fn parent(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_replacement_is_whole_and_later_than_the_one_before() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("dc.yaml");
        let mut w = FileWriter::new(&path, None).unwrap();
        let mut last = None;
        // Many writes within one clock tick: each mtime strictly later.
        for i in 0..200 {
            let text = format!("k.v:\n  - value: {i}\n");
            let mtime = w.write(text.as_bytes()).unwrap();
            assert_eq!(fs::read_to_string(&path).unwrap(), text);
            assert_eq!(fs::metadata(&path).unwrap().modified().unwrap(), mtime);
            if let Some(l) = last {
                assert!(mtime > l, "write {i}: {mtime:?} after {l:?}");
            }
            last = Some(mtime);
        }
        // No temporary file is left behind.
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn the_file_keeps_its_mode_and_a_new_one_is_0644() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("new.yaml");
        FileWriter::new(&path, None).unwrap().write(b"a").unwrap();
        assert_eq!(fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o644);
        fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).unwrap();
        FileWriter::new(&path, None).unwrap().write(b"b").unwrap();
        assert_eq!(fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o640);
        FileWriter::new(&path, Some(0o600)).unwrap().write(b"c").unwrap();
        assert_eq!(fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
    }

    #[test]
    fn a_later_file_even_when_the_previous_one_is_in_the_future() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("dc.yaml");
        fs::write(&path, "old").unwrap();
        let future = SystemTime::now() + Duration::from_secs(3600);
        File::options()
            .write(true)
            .open(&path)
            .unwrap()
            .set_modified(future)
            .unwrap();
        let mtime = FileWriter::new(&path, None).unwrap().write(b"new").unwrap();
        assert!(mtime > future);
    }

    #[test]
    fn temporaries_of_a_killed_writer_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("dc.yaml");
        let stale = dir.path().join(".dc.yaml.tcfg-4194303.tmp");
        let live = dir.path().join(format!(".dc.yaml.tcfg-{}.tmp", std::process::id()));
        let other = dir.path().join(".other.yaml.tcfg-4194303.tmp");
        let stale_new = dir.path().join(".dc.yaml.tcfg-4194303-Xa8kQ2.tmp");
        for p in [&stale, &live, &other, &stale_new] {
            fs::write(p, "half a fi").unwrap();
        }
        FileWriter::new(&path, None).unwrap();
        assert!(!stale.exists(), "a dead writer's temporary file is removed");
        assert!(!stale_new.exists(), "in either naming");
        assert!(
            live.exists() && other.exists(),
            "a live writer's, and another file's, stay"
        );
    }

    #[test]
    fn a_planted_symlink_never_redirects_the_write() {
        // Once the temporary's name was `.NAME.tcfg-PID.tmp`, opened with
        // create+truncate: a symlink there (PID 1 in a container) made the
        // renderer overwrite its target and chmod it.
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim");
        fs::write(&victim, "precious").unwrap();
        fs::set_permissions(&victim, fs::Permissions::from_mode(0o600)).unwrap();
        let path = dir.path().join("dc.yaml");
        let planted = dir.path().join(format!(".dc.yaml.tcfg-{}.tmp", std::process::id()));
        std::os::unix::fs::symlink(&victim, &planted).unwrap();
        let mut w = FileWriter::new(&path, None).unwrap();
        for i in 0..3 {
            w.write(format!("k.v:\n  - value: {i}\n").as_bytes()).unwrap();
        }
        assert_eq!(fs::read_to_string(&victim).unwrap(), "precious");
        assert_eq!(fs::metadata(&victim).unwrap().permissions().mode() & 0o777, 0o600);
        assert_eq!(fs::read_to_string(&path).unwrap(), "k.v:\n  - value: 2\n");
        assert!(
            fs::symlink_metadata(&path).unwrap().file_type().is_file(),
            "the file is a file, not a link"
        );
    }

    #[test]
    fn a_missing_directory_is_named() {
        let e = FileWriter::new("/nonexistent/dir/dc.yaml", None).unwrap_err();
        assert_eq!(
            e.to_string(),
            "/nonexistent/dir/dc.yaml is not in a directory that exists (/nonexistent/dir)"
        );
    }
}
