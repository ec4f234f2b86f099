//! HTTP for a long-running tcfg (`render --follow`): Prometheus metrics on
//! `/metrics`, and Kubernetes probes: `/healthz` (the process runs: it is
//! watching or retrying) and `/readyz` (200 once the file reflects a
//! revision of this run, 503 before).

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use anyhow::{Context, Result};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The longest request head read; probes and scrapers send a few hundred bytes.
const MAX_HEAD: usize = 8 * 1024;

/// Install the metrics recorder and serve `addr`; `ready` answers `/readyz`.
pub async fn serve(addr: SocketAddr, ready: Arc<AtomicBool>) -> Result<()> {
    let handle = PrometheusBuilder::new()
        .install_recorder()
        .context("cannot install the metrics recorder")?;
    let listener = TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot serve metrics and probes on {addr}"))?;
    tokio::spawn(async move {
        loop {
            let Ok((conn, _)) = listener.accept().await else {
                continue;
            };
            let (handle, ready) = (handle.clone(), ready.clone());
            tokio::spawn(async move {
                let _ = answer(conn, &handle, &ready).await;
            });
        }
    });
    Ok(())
}

async fn answer(mut conn: TcpStream, metrics: &PrometheusHandle, ready: &AtomicBool) -> std::io::Result<()> {
    let mut head = Vec::with_capacity(512);
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < MAX_HEAD {
        let n = conn.read(&mut buf).await?;
        if n == 0 {
            break;
        }
        head.extend_from_slice(&buf[..n]);
    }
    let line = String::from_utf8_lossy(&head);
    let path = line.split_whitespace().nth(1).unwrap_or("");
    let path = path.split('?').next().unwrap_or("");
    let (status, kind, body) = match path {
        "/metrics" => ("200 OK", "text/plain; version=0.0.4", metrics.render()),
        "/healthz" => ("200 OK", "text/plain", "ok\n".to_string()),
        "/readyz" if ready.load(Ordering::SeqCst) => ("200 OK", "text/plain", "ready\n".to_string()),
        "/readyz" => (
            "503 Service Unavailable",
            "text/plain",
            "not ready: the file does not reflect a revision of this run yet\n".to_string(),
        ),
        _ => ("404 Not Found", "text/plain", "not found\n".to_string()),
    };
    let reply = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    conn.write_all(reply.as_bytes()).await?;
    conn.shutdown().await
}
