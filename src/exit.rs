//! Exit codes, documented in the README. Scripts depend on them.

/// Success; for `validate`: the files are valid.
pub const OK: u8 = 0;
/// An error, an invalid file, or a usage mistake.
pub const ERROR: u8 = 1;
/// `diff` (and `apply --dry-run`, `sync --dry-run`): there are changes.
pub const CHANGES: u8 = 2;
/// etcd could not be reached, or refused the login or the request.
pub const UNREACHABLE: u8 = 3;
/// A write was sent but its answer lost, and reading back could not
/// tell whether it was applied.
pub const OUTCOME_UNKNOWN: u8 = 4;
/// `--wait`: the write was made, but not every renderer reported it in time.
pub const BEHIND: u8 = 5;
