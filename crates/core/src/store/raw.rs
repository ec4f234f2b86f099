//! A prefix's pages, read without etcd-client's decoding.
//!
//! etcd-client decodes a range answer into one `KeyValue` with two fresh
//! vectors per key, on the thread that received it, before anyone can look
//! at it: for 10,000 keys that is milliseconds on the critical path of
//! every `dump`. Here the answer stays one buffer; the caller finds where
//! each key's message lies (cheap) and the parsing threads decode their
//! share of it. The request goes over etcd-client's own connection (see
//! [`Tap`]), with the auth token etcd-client last sent, so endpoints, TLS,
//! timeouts and login are etcd-client's.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, RwLock};
use std::task::{Context, Poll};

use bytes::{Buf, BufMut, Bytes};
use tonic::codec::{Codec, DecodeBuf, Decoder, EncodeBuf, Encoder};
use tonic::metadata::AsciiMetadataValue;
use tonic::transport::channel::Change;
use tonic::transport::Endpoint;
use tonic::Status;

use prost::encoding::encode_varint;

/// etcd-client's connection, tapped: its requests pass through unchanged,
/// and the auth token they carry is kept for ours.
#[derive(Clone)]
pub(crate) struct Tap {
    channel: tonic::transport::Channel,
    token: Arc<RwLock<Option<http::HeaderValue>>>,
}

/// Builds etcd-client's balanced channel and keeps a [`Tap`] on it.
pub(crate) struct TapBuilder {
    pub tap: Arc<std::sync::OnceLock<Tap>>,
}

impl etcd_client::BalancedChannelBuilder for TapBuilder {
    type Error = tonic::transport::Error;

    fn balanced_channel(
        self,
        buffer_size: usize,
    ) -> Result<
        (
            etcd_client::Channel,
            tokio::sync::mpsc::Sender<Change<http::Uri, Endpoint>>,
        ),
        Self::Error,
    > {
        let (channel, updates) = tonic::transport::Channel::balance_channel(buffer_size);
        let tap = Tap {
            channel,
            token: Arc::default(),
        };
        let _ = self.tap.set(tap.clone());
        let service = tower::util::BoxCloneSyncService::new(tap);
        Ok((etcd_client::Channel::Custom(service), updates))
    }
}

type Request = http::Request<tonic::body::Body>;
type Response = http::Response<tonic::body::Body>;

impl tower::Service<Request> for Tap {
    type Response = Response;
    type Error = tower::BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<Response, tower::BoxError>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.channel.poll_ready(cx).map_err(Into::into)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        if let Some(token) = request.headers().get(TOKEN) {
            // Every request of etcd-client passes here; the token rarely changes.
            let known = self.token.read().unwrap_or_else(|e| e.into_inner()).as_ref() == Some(token);
            if !known {
                *self.token.write().unwrap_or_else(|e| e.into_inner()) = Some(token.clone());
            }
        }
        let response = tower::Service::call(&mut self.channel, request);
        Box::pin(async move { response.await.map_err(Into::into) })
    }
}

const TOKEN: &str = "token";

impl Tap {
    /// Whether etcd-client has sent an auth token yet.
    pub fn has_token(&self) -> bool {
        self.token.read().unwrap_or_else(|e| e.into_inner()).is_some()
    }

    /// One range request (`KV/Range`), the answer undecoded.
    pub async fn range(&self, request: &RangeRequest<'_>, max_response: usize) -> Result<Bytes, Status> {
        let mut grpc = tonic::client::Grpc::new(self.channel.clone()).max_decoding_message_size(max_response);
        // As etcd-client's generated code words it.
        grpc.ready()
            .await
            .map_err(|e| Status::unknown(format!("Service was not ready: {e}")))?;
        let mut call = tonic::Request::new(request.encode());
        let token = self.token.read().unwrap_or_else(|e| e.into_inner()).clone();
        if let Some(token) = token.and_then(|t| AsciiMetadataValue::try_from(t.as_bytes()).ok()) {
            call.metadata_mut().insert(TOKEN, token);
        }
        let path = http::uri::PathAndQuery::from_static("/etcdserverpb.KV/Range");
        Ok(grpc.unary(call, path, Raw).await?.into_inner())
    }
}

/// Whether etcd refused a request for its auth token alone (as etcd-client
/// tells, to log in again).
pub(crate) fn is_stale_token(s: &Status) -> bool {
    s.message().contains("invalid auth token")
}

/// The fields of etcd's `RangeRequest` a prefix read sets.
pub(crate) struct RangeRequest<'a> {
    pub key: &'a [u8],
    pub range_end: &'a [u8],
    pub limit: i64,
    /// 0: the newest.
    pub revision: i64,
    /// Names only, no values.
    pub keys_only: bool,
}

impl RangeRequest<'_> {
    fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.key.len() + self.range_end.len() + 32);
        put_bytes(&mut out, 1, self.key);
        put_bytes(&mut out, 2, self.range_end);
        put_int(&mut out, 3, self.limit);
        put_int(&mut out, 4, self.revision);
        put_int(&mut out, 8, i64::from(self.keys_only));
        out
    }
}

fn put_bytes(out: &mut Vec<u8>, field: u64, b: &[u8]) {
    encode_varint(field << 3 | 2, out);
    encode_varint(b.len() as u64, out);
    out.extend_from_slice(b);
}

fn put_int(out: &mut Vec<u8>, field: u64, v: i64) {
    if v != 0 {
        encode_varint(field << 3, out);
        encode_varint(v as u64, out);
    }
}

/// The gRPC codec of undecoded messages.
struct Raw;

impl Codec for Raw {
    type Encode = Vec<u8>;
    type Decode = Bytes;
    type Encoder = Raw;
    type Decoder = Raw;

    fn encoder(&mut self) -> Raw {
        Raw
    }

    fn decoder(&mut self) -> Raw {
        Raw
    }
}

impl Encoder for Raw {
    type Item = Vec<u8>;
    type Error = Status;

    fn encode(&mut self, item: Vec<u8>, dst: &mut EncodeBuf<'_>) -> Result<(), Status> {
        dst.put_slice(&item);
        Ok(())
    }
}

impl Decoder for Raw {
    type Item = Bytes;
    type Error = Status;

    fn decode(&mut self, src: &mut DecodeBuf<'_>) -> Result<Option<Bytes>, Status> {
        // The whole message is in one buffer: this takes it without a copy.
        Ok(Some(src.copy_to_bytes(src.remaining())))
    }
}

/// A range answer, its keys counted but not decoded.
#[derive(Debug)]
pub(crate) struct RangeAnswer {
    pub revision: i64,
    /// The etcd cluster that answered.
    pub cluster_id: u64,
    pub more: bool,
    pub buf: Bytes,
    /// How many keys it holds.
    pub count: usize,
    /// Where the last key's `KeyValue` message lies.
    last: Option<(usize, usize)>,
}

/// What a malformed answer gets: etcd never sends one, so this is a sentence
/// for a proxy or a bug in between.
fn malformed(what: &str) -> Status {
    Status::internal(format!("etcd sent a malformed range answer ({what})"))
}

/// Read a varint at `*at`.
fn varint(buf: &[u8], at: &mut usize) -> Result<u64, Status> {
    let mut v = 0u64;
    for shift in (0..64).step_by(7) {
        let b = *buf.get(*at).ok_or_else(|| malformed("cut short"))?;
        *at += 1;
        v |= u64::from(b & 0x7f) << shift;
        if b < 0x80 {
            return Ok(v);
        }
    }
    Err(malformed("a number too long"))
}

/// The next field at `*at`: its number, and its value (a number, or where
/// its bytes lie).
enum Field {
    Int(u64),
    Bytes(usize, usize),
}

fn field(buf: &[u8], at: &mut usize) -> Result<(u64, Field), Status> {
    let tag = varint(buf, at)?;
    let value = match tag & 7 {
        0 => Field::Int(varint(buf, at)?),
        1 => {
            *at += 8;
            Field::Int(0)
        }
        2 => {
            let len = usize::try_from(varint(buf, at)?).map_err(|_| malformed("a length too large"))?;
            let start = *at;
            *at = start.checked_add(len).ok_or_else(|| malformed("a length too large"))?;
            Field::Bytes(start, *at)
        }
        5 => {
            *at += 4;
            Field::Int(0)
        }
        _ => return Err(malformed("an unknown wire type")),
    };
    if *at > buf.len() {
        return Err(malformed("cut short"));
    }
    Ok((tag >> 3, value))
}

impl RangeAnswer {
    /// Read the header of a `RangeResponse` and count its keys.
    pub fn locate(buf: Bytes) -> Result<RangeAnswer, Status> {
        let mut answer = RangeAnswer {
            revision: 0,
            cluster_id: 0,
            more: false,
            buf: Bytes::new(),
            count: 0,
            last: None,
        };
        let mut at = 0;
        while at < buf.len() {
            match field(&buf, &mut at)? {
                // header: ResponseHeader { cluster_id = 1, revision = 3 }
                (1, Field::Bytes(start, end)) => {
                    let header = &buf[start..end];
                    let mut h = 0;
                    while h < header.len() {
                        match field(header, &mut h)? {
                            (1, Field::Int(id)) => answer.cluster_id = id,
                            (3, Field::Int(rev)) => answer.revision = rev as i64,
                            _ => {}
                        }
                    }
                }
                (2, Field::Bytes(start, end)) => {
                    answer.count += 1;
                    answer.last = Some((start, end));
                }
                (3, Field::Int(more)) => answer.more = more != 0,
                _ => {}
            }
        }
        answer.buf = buf;
        Ok(answer)
    }

    /// The last key.
    pub fn last(&self) -> Option<RawKeyValue<'_>> {
        let (s, e) = self.last?;
        RawKeyValue::decode(&self.buf[s..e]).ok()
    }

    /// The answer cut into byte ranges of `per` keys each (the last may
    /// hold fewer), in order, with how many keys each holds.
    pub fn split(&self, per: usize) -> Result<Vec<(std::ops::Range<usize>, usize)>, Status> {
        let mut parts = Vec::with_capacity(self.count.div_ceil(per.max(1)));
        let (mut at, mut start, mut n) = (0, None, 0);
        while at < self.buf.len() {
            let before = at;
            if let (2, Field::Bytes(..)) = field(&self.buf, &mut at)? {
                let first = *start.get_or_insert(before);
                n += 1;
                if n == per {
                    parts.push((first..at, n));
                    (start, n) = (None, 0);
                }
            }
        }
        if let Some(first) = start {
            parts.push((first..self.buf.len(), n));
        }
        Ok(parts)
    }
}

/// The keys in a range of an answer from [`RangeAnswer::split`].
pub(crate) fn key_values(buf: &[u8]) -> impl Iterator<Item = Result<RawKeyValue<'_>, Status>> {
    let mut at = 0;
    std::iter::from_fn(move || {
        while at < buf.len() {
            match field(buf, &mut at) {
                Ok((2, Field::Bytes(s, e))) => return Some(RawKeyValue::decode(&buf[s..e])),
                Ok(_) => {}
                Err(e) => {
                    at = buf.len();
                    return Some(Err(e));
                }
            }
        }
        None
    })
}

/// One key of an answer, decoded (borrowing the answer's bytes).
pub(crate) struct RawKeyValue<'a> {
    pub key: &'a [u8],
    pub value: &'a [u8],
    pub create_revision: i64,
    pub mod_revision: i64,
    pub version: i64,
}

impl<'a> RawKeyValue<'a> {
    /// Decode an `mvccpb.KeyValue` message.
    pub fn decode(msg: &'a [u8]) -> Result<RawKeyValue<'a>, Status> {
        let mut kv = RawKeyValue {
            key: &[],
            value: &[],
            create_revision: 0,
            mod_revision: 0,
            version: 0,
        };
        let mut at = 0;
        while at < msg.len() {
            match field(msg, &mut at)? {
                (1, Field::Bytes(s, e)) => kv.key = &msg[s..e],
                (2, Field::Int(v)) => kv.create_revision = v as i64,
                (3, Field::Int(v)) => kv.mod_revision = v as i64,
                (4, Field::Int(v)) => kv.version = v as i64,
                (5, Field::Bytes(s, e)) => kv.value = &msg[s..e],
                _ => {}
            }
        }
        Ok(kv)
    }
}

/// `KeyValue` messages back to back, as a range answer holds them.
#[cfg(test)]
pub(crate) fn encode_key_values(kvs: &[(&str, &[u8], i64)]) -> Bytes {
    let mut out = Vec::new();
    for (key, value, rev) in kvs {
        let mut m = Vec::new();
        put_bytes(&mut m, 1, key.as_bytes());
        put_int(&mut m, 2, *rev);
        put_int(&mut m, 3, *rev);
        put_int(&mut m, 4, 1);
        put_bytes(&mut m, 5, value);
        put_bytes(&mut out, 2, &m);
    }
    Bytes::from(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kv(key: &str, value: &str, create: i64, modr: i64, version: i64) -> Vec<u8> {
        let mut m = Vec::new();
        put_bytes(&mut m, 1, key.as_bytes());
        put_int(&mut m, 2, create);
        put_int(&mut m, 3, modr);
        put_int(&mut m, 4, version);
        put_bytes(&mut m, 5, value.as_bytes());
        put_int(&mut m, 6, 0);
        m
    }

    #[test]
    fn an_answer_is_located_and_its_keys_decoded() {
        let mut header = Vec::new();
        put_int(&mut header, 1, 14841639068965178418u64 as i64);
        put_int(&mut header, 2, 10276657743932975437u64 as i64);
        put_int(&mut header, 3, 812);
        put_int(&mut header, 4, 2);
        let mut answer = Vec::new();
        put_bytes(&mut answer, 1, &header);
        put_bytes(&mut answer, 2, &kv("/p/a.b", "- value: 1\n", 5, 811, 3));
        put_bytes(&mut answer, 2, &kv("/p/a.c", "", 7, 7, 1));
        put_int(&mut answer, 3, 1);
        put_int(&mut answer, 4, 2);
        let a = RangeAnswer::locate(Bytes::from(answer)).unwrap();
        assert_eq!((a.revision, a.more, a.count), (812, true, 2));
        assert_eq!(a.last().unwrap().key, b"/p/a.c");
        let parts = a.split(1).unwrap();
        assert_eq!(parts.len(), 2);
        assert_eq!((parts[0].1, parts[1].1), (1, 1));
        let first: Vec<_> = key_values(&a.buf[parts[0].0.clone()])
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(first.len(), 1);
        assert_eq!(first[0].key, b"/p/a.b");
        assert_eq!(first[0].value, b"- value: 1\n");
        assert_eq!(
            (first[0].create_revision, first[0].mod_revision, first[0].version),
            (5, 811, 3)
        );
        let all: Vec<_> = key_values(&a.buf[a.split(5).unwrap()[0].0.clone()])
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(all.len(), 2);
        assert_eq!((all[1].key, all[1].value), (&b"/p/a.c"[..], &b""[..]));
    }

    #[test]
    fn a_malformed_answer_is_an_error_not_a_panic() {
        let mut answer = Vec::new();
        put_bytes(&mut answer, 2, &kv("/p/a.b", "- value: 1\n", 5, 811, 3));
        for cut in 0..answer.len() {
            let part = Bytes::copy_from_slice(&answer[..cut]);
            if let Ok(a) = RangeAnswer::locate(part) {
                for (range, _) in a.split(1).unwrap() {
                    let _ = key_values(&a.buf[range]).count();
                }
            }
        }
        assert!(RangeAnswer::locate(Bytes::from_static(&[0x13])).is_err());
        assert!(RangeAnswer::locate(Bytes::from_static(&[0x12, 0xff, 0xff, 0xff, 0xff, 0x0f])).is_err());
    }

    #[test]
    fn a_request_encodes_as_etcd_reads_it() {
        let mut r = RangeRequest {
            key: b"/p/",
            range_end: b"/p0",
            limit: 50_000,
            revision: 0,
            keys_only: false,
        };
        let mut expected = vec![0x0a, 3, b'/', b'p', b'/', 0x12, 3, b'/', b'p', b'0', 0x18];
        encode_varint(50_000, &mut expected);
        assert_eq!(r.encode(), expected);
        // keys_only is field 8, a varint.
        r.keys_only = true;
        expected.extend([0x40, 1]);
        assert_eq!(r.encode(), expected);
    }
}
