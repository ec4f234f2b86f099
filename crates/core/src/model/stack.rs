//! Recursion over values of any depth.
//!
//! yaml.v3 accepts 10,000 levels of nesting, and aliases can nest deeper
//! still; a stored value reaches every process that embeds this crate, on
//! threads whose stacks it does not choose. Every recursive walk over a
//! value goes through [`deep`], which moves to a fresh stack segment when
//! the current one runs low, so depth costs memory, never a crash.

/// Stack a level may use before the walk moves to a fresh segment.
const RED_ZONE: usize = 128 * 1024;
/// The size of each fresh segment.
const SEGMENT: usize = 2 * 1024 * 1024;

/// Run one level of a recursive walk.
#[inline]
pub(crate) fn deep<R>(f: impl FnOnce() -> R) -> R {
    stacker::maybe_grow(RED_ZONE, SEGMENT, f)
}
