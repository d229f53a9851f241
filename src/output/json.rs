//! JSON output for scripts: exactly one object per command on standard output.

use serde::Serialize;
use std::io::Write;

/// Writes `value` as one pretty-printed JSON object followed by a newline.
pub fn write_json<T: Serialize>(out: &mut impl Write, value: &T) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value)?;
    writeln!(out)
}
