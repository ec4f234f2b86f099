//! How long a put takes to reach the file `tcfg render --follow` keeps: put
//! one key, then wait (inotify: no spinning, which would take a core from
//! the renderer) until FILE is replaced (a rename gives it a new inode)
//! with the new value; CHANGES times, one after the other. Prints
//! `p50_ms p99_ms max_ms`.
//!
//! usage: tcfg-bench-render ENDPOINT ETCD_KEY FILE CHANGES

use std::os::unix::fs::MetadataExt;
use std::time::{Duration, Instant};

use etcd_client::Client;

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, endpoint, key, file, changes] = args.as_slice() else {
        eprintln!("usage: tcfg-bench-render ENDPOINT ETCD_KEY FILE CHANGES");
        std::process::exit(2);
    };
    let changes: usize = changes.parse().expect("CHANGES is a number");
    let mut client = Client::connect([endpoint.as_str()], None).await.expect("connect");
    let inode = || std::fs::metadata(file).map(|m| m.ino()).unwrap_or(0);
    let dir = std::path::Path::new(file).parent().expect("FILE has a directory");
    let renames = Renames::watch(dir);
    let mut took = Vec::with_capacity(changes);
    for i in 0..changes {
        // A value no earlier change wrote, so every put changes the file.
        let value = 1_000_000 + i;
        let before = inode();
        let started = Instant::now();
        client
            .put(key.as_str(), format!("- value: {value}\n"), None)
            .await
            .expect("put");
        let needle = format!("value: {value}\n");
        loop {
            if inode() != before && std::fs::read_to_string(file).is_ok_and(|t| t.contains(&needle)) {
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "change {i} never reached {file}"
            );
            renames.next(Duration::from_millis(100));
        }
        took.push(started.elapsed());
    }
    took.sort();
    let at = |q: f64| took[((took.len() as f64 * q).ceil() as usize).clamp(1, took.len()) - 1];
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{:.2} {:.2} {:.2}",
        ms(at(0.50)),
        ms(at(0.99)),
        ms(*took.last().unwrap())
    );
}

/// Files renamed into a directory, as inotify reports them.
struct Renames(i32);

impl Renames {
    fn watch(dir: &std::path::Path) -> Renames {
        use std::os::unix::ffi::OsStrExt;
        let path = std::ffi::CString::new(dir.as_os_str().as_bytes()).expect("a path");
        // SAFETY: plain system calls on a descriptor this process owns.
        unsafe {
            let fd = libc::inotify_init1(libc::IN_CLOEXEC);
            assert!(fd >= 0, "inotify_init1");
            let w = libc::inotify_add_watch(fd, path.as_ptr(), libc::IN_MOVED_TO | libc::IN_CLOSE_WRITE);
            assert!(w >= 0, "inotify_add_watch");
            Renames(fd)
        }
    }

    /// Wait for the next event, at most `limit`.
    fn next(&self, limit: Duration) {
        let mut pfd = libc::pollfd {
            fd: self.0,
            events: libc::POLLIN,
            revents: 0,
        };
        let mut buf = [0u8; 4096];
        // SAFETY: the buffers are valid for their lengths.
        unsafe {
            if libc::poll(&mut pfd, 1, limit.as_millis() as i32) > 0 {
                libc::read(self.0, buf.as_mut_ptr().cast(), buf.len());
            }
        }
    }
}
