//! A TCP proxy in front of an etcd member, to cut and heal the network
//! between a client and the server on demand.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

/// Forwards 127.0.0.1:PORT to a target while open.
pub struct Proxy {
    pub addr: SocketAddr,
    open: Arc<AtomicBool>,
    /// Answers stop once a connection has sent more than this many bytes.
    mute_after: Arc<AtomicU64>,
    /// Set once a connection passed `mute_after`: from then on every
    /// connection, open or new, gets no answers until `unmute`.
    muted: Arc<AtomicBool>,
    /// Bytes of answers dropped so far.
    dropped: Arc<AtomicU64>,
    /// Connections clients opened (refused ones too).
    connections: Arc<AtomicU64>,
    generation: watch::Sender<u64>,
    task: tokio::task::JoinHandle<()>,
}

impl Proxy {
    pub async fn start(target: SocketAddr) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let open = Arc::new(AtomicBool::new(true));
        let (generation, gen_rx) = watch::channel(0u64);
        let o = open.clone();
        let mute_after = Arc::new(AtomicU64::new(u64::MAX));
        let mute = mute_after.clone();
        let muted = Arc::new(AtomicBool::new(false));
        let silenced = muted.clone();
        let dropped = Arc::new(AtomicU64::new(0));
        let dropped_total = dropped.clone();
        let connections = Arc::new(AtomicU64::new(0));
        let accepted = connections.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((client, _)) = listener.accept().await else {
                    continue;
                };
                accepted.fetch_add(1, Ordering::SeqCst);
                // The generation before `open`: `cut` closes, then bumps the
                // generation, so a connection accepted during a cut is either
                // refused here or cut by the bump (read the other way round,
                // one could slip through a cut).
                let mut cut = gen_rx.clone();
                let start = *cut.borrow_and_update();
                if !o.load(Ordering::SeqCst) {
                    drop(client);
                    continue;
                }
                let mute = mute.clone();
                let silenced = silenced.clone();
                let dropped = dropped_total.clone();
                tokio::spawn(async move {
                    let Ok(server) = TcpStream::connect(target).await else {
                        return;
                    };
                    let (mut cr, mut cw) = client.into_split();
                    let (mut sr, mut sw) = server.into_split();
                    let sent = Arc::new(AtomicU64::new(0));
                    tokio::select! {
                        _ = forward(&mut cr, &mut sw, &sent, None) => {}
                        _ = forward(&mut sr, &mut cw, &sent, Some((&mute, &silenced, &dropped))) => {}
                        _ = cut.wait_for(|g| *g != start) => {}
                    }
                });
            }
        });
        Proxy {
            addr,
            open,
            mute_after,
            muted,
            dropped,
            connections,
            generation,
            task,
        }
    }

    pub fn endpoint(&self) -> String {
        self.addr.to_string()
    }

    /// Drop every connection and refuse new ones.
    pub fn cut(&self) {
        self.open.store(false, Ordering::SeqCst);
        self.generation.send_modify(|g| *g += 1);
    }

    /// From now on, once a connection has sent more than `bytes`, no
    /// connection gets answers any more (they are read from the server and
    /// dropped), while what clients send still reaches the server: a large
    /// write is applied, its answer is lost, and so is every answer after
    /// it, on that connection or any other the client opens to check.
    pub fn mute_answers_after(&self, bytes: u64) {
        self.muted.store(false, Ordering::SeqCst);
        self.mute_after.store(bytes, Ordering::SeqCst);
    }

    /// Answers flow again.
    pub fn unmute(&self) {
        self.mute_after.store(u64::MAX, Ordering::SeqCst);
        self.muted.store(false, Ordering::SeqCst);
    }

    /// How many connections clients have opened so far (refused ones too).
    pub fn connections(&self) -> u64 {
        self.connections.load(Ordering::SeqCst)
    }

    /// How many bytes of answers were dropped so far.
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::SeqCst)
    }

    /// Accept connections again.
    pub fn heal(&self) {
        self.open.store(true, Ordering::SeqCst);
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Copy one direction of a connection. The client's direction counts what
/// it sent; the server's drops its answers once that count passes `mute`.
async fn forward(
    from: &mut tokio::net::tcp::OwnedReadHalf,
    to: &mut tokio::net::tcp::OwnedWriteHalf,
    sent: &AtomicU64,
    mute: Option<(&AtomicU64, &AtomicBool, &AtomicU64)>,
) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = match from.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        match mute {
            None => {
                sent.fetch_add(n as u64, Ordering::SeqCst);
            }
            Some((limit, muted, dropped))
                if muted.load(Ordering::SeqCst) || sent.load(Ordering::SeqCst) > limit.load(Ordering::SeqCst) =>
            {
                muted.store(true, Ordering::SeqCst);
                dropped.fetch_add(n as u64, Ordering::SeqCst);
                continue;
            }
            Some(_) => {}
        }
        if to.write_all(&buf[..n]).await.is_err() {
            return;
        }
    }
}
