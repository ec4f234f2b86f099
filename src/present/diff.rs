//! Unified diffs of canonical YAML, coloured on a terminal.

use std::io::{self, Write};

use similar::{ChangeTag, TextDiff};

use crate::output::{paint, BOLD, DIM, GREEN};

/// Write a unified diff of `old` -> `new` under a `--- a` / `+++ b` header.
pub fn write_unified(w: &mut impl Write, old: &str, new: &str, old_name: &str, new_name: &str) -> io::Result<()> {
    // A minimal diff of two long, unrelated lists costs time quadratic in
    // their length: past the deadline similar settles for a larger one.
    let diff = TextDiff::configure()
        .timeout(std::time::Duration::from_millis(300))
        .diff_lines(old, new);
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

#[cfg(test)]
mod tests {
    #[test]
    fn unrelated_long_lists_diff_quickly() {
        let old: String = (0..80_000).map(|i| format!("- value: {i}\n")).collect();
        let new: String = (0..80_000).map(|i| format!("- value: x{i}\n")).collect();
        // Without the deadline this takes minutes; with it, well under a second.
        let mut out = Vec::new();
        super::write_unified(&mut out, &old, &new, "a", "b").unwrap();
        let text = String::from_utf8(out).unwrap();
        // (Painted lines: the colour codes come first.)
        assert_eq!(text.lines().filter(|l| l.contains("-- value: ")).count(), 80_000);
        assert_eq!(text.lines().filter(|l| l.contains("+- value: x")).count(), 80_000);
    }
}
