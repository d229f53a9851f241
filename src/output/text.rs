//! Human-readable output: ranked hits with their metadata and passage, then facet counts.

use crate::index::{CheckReport, DeleteSummary, IndexSummary};
use crate::query::reading::QueryReading;
use crate::query::snippet::Passage;
use crate::query::values::ValueUsed;
use crate::query::{FacetListing, Hit, SearchResponse};
use crate::record::Date;
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

    /// `text` in bold (titles, labels).
    pub fn bold(self, text: &str) -> String {
        match self {
            Highlight::Ansi => format!("\x1b[1m{text}\x1b[0m"),
            Highlight::Plain => text.to_string(),
        }
    }

    /// `text` marked as a match.
    pub fn mark(self, text: &str) -> String {
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
        let showing = if response.offset == 0 || shown == 0 {
            shown.to_string()
        } else {
            format!("{}–{}", response.offset + 1, response.offset + shown)
        };
        writeln!(
            out,
            "{} {} for {:?}, showing {showing} ({:.1} ms)",
            response.total,
            if response.total == 1 { "hit" } else { "hits" },
            response.query,
            response.took_ms
        )?;
    }
    write_values_used(out, &response.values_used)?;
    if !response.ranges.is_empty() {
        writeln!(out, "Ranges: {}", response.ranges.join("; "))?;
    }
    if response.sort != "relevance:desc" {
        writeln!(out, "Sorted by {}", response.sort)?;
    }
    if !response.did_you_mean.is_empty() {
        let offers: Vec<String> = response
            .did_you_mean
            .iter()
            .map(|s| format!("{} → {}", s.word, s.suggestions.join(" / ")))
            .collect();
        writeln!(out, "Did you mean: {}?", offers.join(", "))?;
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
        write_hit(out, response.offset + rank + 1, hit, style)?;
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

/// Which indexed values the typed facet values matched, when that is not obvious (a value
/// matched in another case or spelling, several values, or none).
fn write_values_used(out: &mut impl Write, values: &[ValueUsed]) -> io::Result<()> {
    for value in values {
        match value.used.as_slice() {
            [] if !value.close.is_empty() => writeln!(
                out,
                "No {} is called {:?}; did you mean {}?",
                value.key,
                value.typed,
                value
                    .close
                    .iter()
                    .map(|v| format!("{v:?}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )?,
            [] => writeln!(
                out,
                "No {} is called {:?}: `fynd facets {}` lists them.",
                value.key, value.typed, value.key
            )?,
            [only] if *only == value.typed.trim() => {}
            used => writeln!(
                out,
                "{} {:?} matched {}",
                value.key,
                value.typed,
                used.iter()
                    .map(|v| format!("{v:?}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )?,
        }
    }
    Ok(())
}

fn write_hit(out: &mut impl Write, rank: usize, hit: &Hit, style: Highlight) -> io::Result<()> {
    write_hit_head(
        out,
        rank,
        &hit.title,
        &hit.id,
        [&hit.fund, &hit.region],
        (hit.start, hit.end, hit.published),
        hit.owner.as_deref(),
        style,
    )?;
    write_passage(out, &hit.passage, style)?;
    writeln!(out, "    {}", hit.path)
}

/// The first lines of a hit: rank and title, then id, fund, region and period, then owner.
#[allow(clippy::too_many_arguments)]
pub fn write_hit_head(
    out: &mut impl Write,
    rank: usize,
    title: &str,
    id: &str,
    facets: [&Option<String>; 2],
    (start, end, published): (Option<Date>, Option<Date>, Option<Date>),
    owner: Option<&str>,
    style: Highlight,
) -> io::Result<()> {
    writeln!(out, "{rank:>2}. {}", style.bold(title))?;
    let mut facts = vec![id.to_string()];
    for facet in facets {
        facts.extend(facet.clone());
    }
    match (start, end, published) {
        (Some(start), Some(end), _) => facts.push(format!("{start} – {end}")),
        (Some(start), None, _) => facts.push(format!("from {start}")),
        (None, _, Some(published)) => facts.push(format!("published {published}")),
        _ => {}
    }
    writeln!(out, "    {}", facts.join(" · "))?;
    if let Some(owner) = owner {
        writeln!(out, "    {owner}")?;
    }
    Ok(())
}

/// A passage, indented, matches marked in `style`.
pub fn write_passage(out: &mut impl Write, passage: &Passage, style: Highlight) -> io::Result<()> {
    if !passage.text.is_empty() {
        let text = passage.render(|t| t.to_string(), |t| style.mark(t));
        writeln!(out, "    {text}")?;
    }
    Ok(())
}

/// Writes every value of one facet with its count (`fynd facets KEY`).
pub fn write_facet_listing(out: &mut impl Write, listing: &FacetListing) -> io::Result<()> {
    write_values_used(out, &listing.values_used)?;
    let scope = if listing.query.trim().is_empty() {
        String::new()
    } else {
        format!(" matching {:?}", listing.query)
    };
    writeln!(
        out,
        "{}: {} values over {} documents{scope}",
        listing.facet,
        listing.values.len(),
        listing.total
    )?;
    let width = listing
        .values
        .iter()
        .map(|v| v.count.to_string().len())
        .max()
        .unwrap_or(1);
    for value in &listing.values {
        writeln!(out, "{:>width$}  {}", value.count, value.value)?;
    }
    Ok(())
}

/// Writes what an indexing run did.
pub fn write_index_summary(
    out: &mut impl Write,
    summary: &IndexSummary,
    index_dir: &str,
) -> io::Result<()> {
    writeln!(
        out,
        "Indexed {} files into {index_dir}/: {} added, {} updated, {} removed, {} unchanged.",
        summary.files_seen,
        summary.files_added,
        summary.files_updated,
        summary.files_removed,
        summary.files_unchanged
    )?;
    writeln!(
        out,
        "{} records written, {} removed; the index holds {} records.",
        summary.records_written, summary.records_removed, summary.total_records
    )?;
    if summary.owners_regrouped > 0 {
        let n = summary.owners_regrouped;
        writeln!(
            out,
            "{n} record{} already written now shown under another spelling of {} owner's name, the one most records write.",
            if n == 1 { "" } else { "s" },
            if n == 1 { "its" } else { "their" }
        )?;
    }
    if summary.lexicon_learned && summary.lexicon_files < summary.files_seen {
        writeln!(
            out,
            "The lexicon was learned from {} of the {} files, spread evenly (--lexicon-sample 0 reads them all).",
            summary.lexicon_files, summary.files_seen
        )?;
    }
    write_capped(out, "Skipped", &summary.skipped)?;
    write_capped(out, "Warnings", &summary.warnings)?;
    write_capped(
        out,
        "Columns kept in extra, no field found for them (map one with --column \"HEADER=FIELD\")",
        &summary.unrecognised_columns,
    )?;
    Ok(())
}

/// Lines of a summary list shown before the rest is only counted.
const SUMMARY_LINES: usize = 10;

/// Writes a titled list, the first [`SUMMARY_LINES`] in full and a count of the rest
/// (`--json` has them all), so a first run over a large collection stays readable.
fn write_capped(out: &mut impl Write, title: &str, lines: &[String]) -> io::Result<()> {
    if lines.is_empty() {
        return Ok(());
    }
    writeln!(out, "{title} ({}):", lines.len())?;
    for line in lines.iter().take(SUMMARY_LINES) {
        writeln!(out, "  {line}")?;
    }
    if lines.len() > SUMMARY_LINES {
        writeln!(
            out,
            "  … and {} more (fynd index --json lists them all)",
            lines.len() - SUMMARY_LINES
        )?;
    }
    Ok(())
}

/// Writes what `fynd delete` did.
pub fn write_delete_summary(out: &mut impl Write, summary: &DeleteSummary) -> io::Result<()> {
    writeln!(
        out,
        "Removed {} records; the index holds {} records.",
        summary.removed.len(),
        summary.total_records
    )?;
    if !summary.not_found.is_empty() {
        writeln!(out, "No record with id: {}", summary.not_found.join(", "))?;
    }
    Ok(())
}

/// Writes what `fynd check` found: the index's size, then each finding with what to do,
/// or that all is well.
pub fn write_check_report(out: &mut impl Write, report: &CheckReport) -> io::Result<()> {
    writeln!(
        out,
        "{} records in {} segments; the manifest lists {} files.",
        report.records, report.segments, report.manifest_files
    )?;
    if report.is_sound() {
        writeln!(
            out,
            "Every index file matches its checksum, and the manifest and the index agree."
        )?;
    }
    for advice in &report.advice {
        writeln!(out, "- {advice}")?;
    }
    Ok(())
}

/// How the query was read (`fynd search --explain`), after the hits: the match mode and
/// what it matches, the fields' weights, and for each word its terms, forms in the corpus,
/// compound split, spellings and correction.
pub fn write_reading(out: &mut impl Write, reading: &QueryReading) -> std::io::Result<()> {
    writeln!(out)?;
    writeln!(out, "How the query was read:")?;
    for line in reading.lines() {
        writeln!(out, "  {line}")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_problem_lists_are_cut_with_a_count_of_the_rest() {
        let summary = IndexSummary {
            files_seen: 2,
            files_added: 2,
            records_written: 30,
            total_records: 30,
            warnings: (1..=25)
                .map(|n| format!("a.csv:{n}: no description"))
                .collect(),
            skipped: vec!["b.bin: looks like a binary file".to_string()],
            ..IndexSummary::default()
        };
        let mut out = Vec::new();
        write_index_summary(&mut out, &summary, "index").unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains("Skipped (1):\n  b.bin: looks like a binary file\n"));
        assert!(text.contains("Warnings (25):\n  a.csv:1: no description\n"));
        assert!(text.contains("  a.csv:10: no description\n  … and 15 more"));
        assert!(!text.contains("a.csv:11:"));
    }
}
