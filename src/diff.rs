//! Unified diffs of canonical YAML, coloured on a terminal.

use std::io::{self, Write};

use similar::{ChangeTag, TextDiff};

use crate::output::{paint, BOLD, DIM, GREEN};

/// Write a unified diff of `old` -> `new` under a `--- a` / `+++ b` header.
pub fn write_unified(w: &mut impl Write, old: &str, new: &str, old_name: &str, new_name: &str) -> io::Result<()> {
    let diff = TextDiff::from_lines(old, new);
    writeln!(w, "{}", paint(BOLD, format!("--- {old_name}")))?;
    writeln!(w, "{}", paint(BOLD, format!("+++ {new_name}")))?;
    for group in diff.grouped_ops(3) {
        let (first, last) = (
            group.first().expect("a group has ops"),
            group.last().expect("a group has ops"),
        );
        let (o, n) = (
            first.old_range().start..last.old_range().end,
            first.new_range().start..last.new_range().end,
        );
        writeln!(
            w,
            "{}",
            paint(
                DIM,
                format!("@@ -{},{} +{},{} @@", o.start + 1, o.len(), n.start + 1, n.len())
            )
        )?;
        for op in group {
            for change in diff.iter_changes(&op) {
                let line = change.value().trim_end_matches('\n');
                match change.tag() {
                    ChangeTag::Delete => writeln!(w, "{}", paint(crate::output::ERROR_PLAIN, format!("-{line}")))?,
                    ChangeTag::Insert => writeln!(w, "{}", paint(GREEN, format!("+{line}")))?,
                    ChangeTag::Equal => writeln!(w, " {line}")?,
                }
            }
        }
    }
    Ok(())
}
