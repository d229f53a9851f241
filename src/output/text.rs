//! Human-readable output: ranked hits with their metadata and passage, then facet counts.

use crate::index::IndexSummary;
use crate::query::{Hit, SearchResponse};
use std::io::{self, Write};

/// How to mark matched words: ANSI colour on a terminal, nothing when piped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Highlight {
    /// Bold yellow matches, bold titles.
    Ansi,
    /// No markup at all.
    Plain,
}

impl Highlight {
    /// ANSI when standard output is a terminal and `NO_COLOR` is not set.
    pub fn for_stdout() -> Highlight {
        use std::io::IsTerminal;
        if io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none() {
            Highlight::Ansi
        } else {
            Highlight::Plain
        }
    }

    fn bold(self, text: &str) -> String {
        match self {
            Highlight::Ansi => format!("\x1b[1m{text}\x1b[0m"),
            Highlight::Plain => text.to_string(),
        }
    }

    fn mark(self, text: &str) -> String {
        match self {
            Highlight::Ansi => format!("\x1b[1;33m{text}\x1b[0m"),
            Highlight::Plain => text.to_string(),
        }
    }
}

/// Writes a search response for people.
pub fn write_search(
    out: &mut impl Write,
    response: &SearchResponse,
    style: Highlight,
) -> io::Result<()> {
    let shown = response.hits.len();
    if response.total == 0 {
        writeln!(
            out,
            "No documents match {:?} ({:.1} ms).",
            response.query, response.took_ms
        )?;
    } else {
        writeln!(
            out,
            "{} {} for {:?}, showing {shown} ({:.1} ms)",
            response.total,
            if response.total == 1 { "hit" } else { "hits" },
            response.query,
            response.took_ms
        )?;
    }
    for correction in &response.corrections {
        writeln!(
            out,
            "Also searched {:?} for {:?}, which no document has.",
            correction.to, correction.from
        )?;
    }
    for (rank, hit) in response.hits.iter().enumerate() {
        writeln!(out)?;
        write_hit(out, rank + 1, hit, style)?;
    }
    let facets: Vec<_> = response
        .facets
        .iter()
        .filter(|(_, counts)| !counts.is_empty())
        .collect();
    if !facets.is_empty() {
        writeln!(out)?;
    }
    for (key, counts) in facets {
        let values: Vec<String> = counts
            .iter()
            .map(|c| format!("{} ({})", c.value, c.count))
            .collect();
        writeln!(out, "{}: {}", key.name(), values.join(", "))?;
    }
    Ok(())
}

fn write_hit(out: &mut impl Write, rank: usize, hit: &Hit, style: Highlight) -> io::Result<()> {
    writeln!(out, "{rank:>2}. {}", style.bold(&hit.title))?;
    let mut facts = vec![hit.id.clone()];
    facts.extend(hit.fund.clone());
    facts.extend(hit.region.clone());
    match (hit.start, hit.end, hit.published) {
        (Some(start), Some(end), _) => facts.push(format!("{start} – {end}")),
        (Some(start), None, _) => facts.push(format!("from {start}")),
        (None, _, Some(published)) => facts.push(format!("published {published}")),
        _ => {}
    }
    writeln!(out, "    {}", facts.join(" · "))?;
    if let Some(owner) = &hit.owner {
        writeln!(out, "    {owner}")?;
    }
    if !hit.passage.text.is_empty() {
        let passage = hit.passage.render(|t| t.to_string(), |t| style.mark(t));
        writeln!(out, "    {passage}")?;
    }
    writeln!(out, "    {}", hit.path)
}

/// Writes what an indexing run did.
pub fn write_index_summary(
    out: &mut impl Write,
    summary: &IndexSummary,
    index_dir: &str,
) -> io::Result<()> {
    writeln!(
        out,
        "Indexed {} of {} files into {index_dir}/; it now holds {} records.",
        summary.records_written, summary.files_seen, summary.total_records
    )?;
    if !summary.skipped.is_empty() {
        writeln!(out, "Skipped {} files:", summary.skipped.len())?;
        for reason in &summary.skipped {
            writeln!(out, "  {reason}")?;
        }
    }
    if !summary.warnings.is_empty() {
        writeln!(out, "{} warnings:", summary.warnings.len())?;
        for warning in &summary.warnings {
            writeln!(out, "  {warning}")?;
        }
    }
    Ok(())
}
