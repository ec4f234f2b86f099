//! A command on a pseudo-terminal, for tests of what tcfg does on a
//! terminal: prompts, keys such as Ctrl-C, colours.

use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::{AsRawFd, FromRawFd};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, ExitStatus};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

/// A child whose standard input, output and error are one terminal.
pub struct Pty {
    master: File,
    /// The terminal's other end, kept to read its settings meanwhile.
    slave: Option<File>,
    child: Child,
    output: Arc<(Mutex<Vec<u8>>, Condvar)>,
    reader: Option<std::thread::JoinHandle<()>>,
}

impl Pty {
    pub fn spawn(cmd: Command) -> Pty {
        Pty::spawn_sized(cmd, 40, 120)
    }

    /// [`Pty::spawn`] on a terminal of `rows` by `cols`.
    pub fn spawn_sized(mut cmd: Command, rows: u16, cols: u16) -> Pty {
        let (mut master, mut slave) = (0, 0);
        let size = libc::winsize {
            ws_row: rows,
            ws_col: cols,
            ws_xpixel: 0,
            ws_ypixel: 0,
        };
        // SAFETY: openpty fills two descriptors we then own.
        let rc = unsafe { libc::openpty(&mut master, &mut slave, std::ptr::null_mut(), std::ptr::null(), &size) };
        assert_eq!(rc, 0, "openpty: {}", std::io::Error::last_os_error());
        // SAFETY: fresh descriptors from openpty, owned from here on.
        let (master, slave) = unsafe { (File::from_raw_fd(master), File::from_raw_fd(slave)) };
        cmd.stdin(slave.try_clone().unwrap())
            .stdout(slave.try_clone().unwrap())
            .stderr(slave.try_clone().unwrap());
        // SAFETY: only setsid and ioctl between fork and exec: the terminal
        // becomes the child's controlling terminal (for Ctrl-C).
        unsafe {
            cmd.pre_exec(|| {
                libc::setsid();
                libc::ioctl(0, libc::TIOCSCTTY, 0);
                Ok(())
            });
        }
        let child = cmd.spawn().expect("spawn on the terminal");
        let output: Arc<(Mutex<Vec<u8>>, Condvar)> = Arc::default();
        let (reader, sink) = (master.try_clone().unwrap(), output.clone());
        let reader = std::thread::spawn(move || {
            let mut reader = reader;
            let mut buf = [0u8; 4096];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.0.lock().unwrap().extend_from_slice(&buf[..n]);
                sink.1.notify_all();
            }
        });
        Pty {
            master,
            slave: Some(slave),
            child,
            output,
            reader: Some(reader),
        }
    }

    /// Wait until the terminal shows `text`; everything shown so far.
    pub fn expect(&self, text: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        let (lock, cond) = &*self.output;
        let mut out = lock.lock().unwrap();
        loop {
            let shown = String::from_utf8_lossy(&out).into_owned();
            if shown.contains(text) {
                return shown;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            assert!(
                !left.is_zero(),
                "the terminal never showed {text:?}; it shows:\n{shown}"
            );
            out = cond.wait_timeout(out, left).unwrap().0;
        }
    }

    /// Wait until the terminal shows `text` (true) or the program ends
    /// without showing it (false).
    pub fn shows_before_exit(&mut self, text: &str) -> bool {
        let deadline = Instant::now() + Duration::from_secs(20);
        let (lock, cond) = &*self.output;
        let mut out = lock.lock().unwrap();
        loop {
            if String::from_utf8_lossy(&out).contains(text) {
                return true;
            }
            if self.child.try_wait().unwrap().is_some() || Instant::now() > deadline {
                return false;
            }
            out = cond.wait_timeout(out, Duration::from_millis(20)).unwrap().0;
        }
    }

    /// Type on the terminal.
    pub fn send(&mut self, bytes: &[u8]) {
        self.master.write_all(bytes).unwrap();
    }

    /// Wait for the child; its status and everything the terminal showed.
    pub fn wait(mut self) -> (ExitStatus, String) {
        let deadline = Instant::now() + Duration::from_secs(20);
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            if Instant::now() > deadline {
                let shown = String::from_utf8_lossy(&self.output.0.lock().unwrap()).into_owned();
                panic!("the program on the terminal did not end; it shows:\n{shown}");
            }
            std::thread::sleep(Duration::from_millis(5));
        };
        // With every end of the terminal closed, the reader sees the end of
        // what the child wrote.
        self.slave = None;
        if let Some(r) = self.reader.take() {
            let _ = r.join();
        }
        let shown = String::from_utf8_lossy(&self.output.0.lock().unwrap()).into_owned();
        (status, shown)
    }

    /// Whether the terminal echoes what is typed (a password prompt turns
    /// this off while it reads).
    pub fn echoes(&self) -> bool {
        let slave = self.slave.as_ref().expect("the terminal is open");
        let mut t = std::mem::MaybeUninit::<libc::termios>::uninit();
        // SAFETY: tcgetattr fills `t` when it returns 0.
        let rc = unsafe { libc::tcgetattr(slave.as_raw_fd(), t.as_mut_ptr()) };
        assert_eq!(rc, 0);
        unsafe { t.assume_init() }.c_lflag & libc::ECHO != 0
    }

    /// Wait until the terminal's echo is `on` (a program sets it after it
    /// printed its prompt).
    pub fn wait_for_echo(&self, on: bool) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while self.echoes() != on {
            assert!(
                Instant::now() < deadline,
                "echo never turned {}",
                if on { "on" } else { "off" }
            );
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}

impl Drop for Pty {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
