//! The `tcfg` binary end to end, in one test binary (one link instead of
//! one per subject), a module per subject; every test that needs etcd
//! starts its own private server (`tcfg_testkit`).

mod common;

mod apply;
mod claims;
mod clusters;
mod etcd;
mod hardening;
mod history;
mod offline;
mod render;
mod snapshots;
mod upgrade;
mod watch;
