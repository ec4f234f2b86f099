//! Tables: framed on a terminal, plain columns (grep-able) in a pipe.

use std::io::Write;

use comfy_table::{presets, ContentArrangement, Table};

use crate::output;

/// A table that fits a terminal, and stays plain (grep-able) in a pipe.
pub fn new_table() -> Table {
    let mut table = Table::new();
    if output::stdout_is_terminal() {
        table.load_preset(presets::UTF8_HORIZONTAL_ONLY);
        table.set_content_arrangement(ContentArrangement::Dynamic);
    } else {
        table.load_preset(presets::NOTHING);
        table.set_content_arrangement(ContentArrangement::Disabled);
    }
    table
}

/// Print a table without the padding comfy-table leaves at line ends.
pub fn write_table(out: &mut impl Write, table: &Table) -> std::io::Result<()> {
    for line in table.to_string().lines() {
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}
