//! The `tcfg` binary end to end, in one test binary (one link instead of
//! one per subject), a module per subject; every test that needs etcd
//! starts its own private server (`tcfg_testkit`).

mod common;

mod apply;
mod claims;
mod clusters;
mod connection;
mod dump;
mod edit;
mod etcd;
mod examples;
mod get;
mod guides;
mod hardening;
mod history;
mod offline;
mod overrides;
mod render;
mod render_follow;
mod renderers;
mod review;
mod snapshots;
mod sync;
mod terminal;
mod transcripts;
mod undo;
mod upgrade;
mod validate;
mod watch;
