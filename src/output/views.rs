//! The research views for people and spreadsheets: a trend as a table with a bar per row
//! and as CSV, concordance lines aligned on the match, similar projects and co-occurring
//! words as tables.

use crate::views::cooccur::Cooccurrences;
use crate::views::kwic::KwicLine;
use crate::views::similar::Similar;
use crate::views::trend::Trend;
use std::io::{self, Write};

/// Widest bar of a trend row, in terminal cells.
const BAR_CELLS: usize = 24;

/// The value a trend shows for a point: the share with `--share`, else the sum with `--sum`,
/// else the count.
fn shown(trend: &Trend, point: &crate::views::trend::TrendPoint) -> f64 {
    match (point.share, point.sum) {
        (Some(share), _) if trend.share => share,
        (_, Some(sum)) => sum as f64,
        _ => point.count as f64,
    }
}

fn format_value(trend: &Trend, value: f64) -> String {
    if trend.share {
        format!("{:.1}%", value * 100.0)
    } else {
        format!("{value:.0}")
    }
}

/// A bar of `cells` terminal cells at most for `value` out of `max`, in eighths of a cell.
fn bar(value: f64, max: f64, cells: usize) -> String {
    const EIGHTHS: [&str; 8] = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"];
    if max <= 0.0 || value <= 0.0 {
        return String::new();
    }
    let eighths = ((value / max) * (cells * 8) as f64).round().max(1.0) as usize;
    format!("{}{}", "█".repeat(eighths / 8), EIGHTHS[eighths % 8])
}

fn pad(text: &str, width: usize) -> String {
    let chars = text.chars().count();
    format!("{text}{}", " ".repeat(width.saturating_sub(chars)))
}

/// Writes a trend as a table: a row per bucket, for each query its value and a bar scaled
/// to that query's largest value; then each query's totals.
pub fn write_trend(out: &mut impl Write, trend: &Trend) -> io::Result<()> {
    let what = if trend.share {
        "share of all projects".to_string()
    } else if let Some(sum) = &trend.sum {
        format!("{sum} SEK summed")
    } else {
        "matching projects".to_string()
    };
    writeln!(out, "{what} by {}", trend.by)?;
    let label = trend
        .buckets
        .iter()
        .map(|b| b.chars().count())
        .chain([trend.by.chars().count()])
        .max()
        .unwrap_or(4)
        .min(40);
    let cells = (BAR_CELLS / trend.series.len().max(1)).max(8);
    let values: Vec<Vec<f64>> = trend
        .series
        .iter()
        .map(|s| s.points.iter().map(|p| shown(trend, p)).collect())
        .collect();
    let numbers: Vec<usize> = values
        .iter()
        .zip(&trend.series)
        .map(|(vs, s)| {
            vs.iter()
                .map(|v| format_value(trend, *v).len())
                .chain([s.query.chars().count().min(12)])
                .max()
                .unwrap_or(1)
        })
        .collect();
    let mut header = pad(&trend.by, label);
    for (series, width) in trend.series.iter().zip(&numbers) {
        header.push_str("  ");
        let title: String = series.query.chars().take(width + 1 + cells).collect();
        header.push_str(&pad(&title, width + 1 + cells));
    }
    writeln!(out, "{}", header.trim_end())?;
    for (row, bucket) in trend.buckets.iter().enumerate() {
        let mut line = pad(bucket, label);
        for (s, width) in numbers.iter().enumerate() {
            let max = values[s].iter().cloned().fold(0.0, f64::max);
            let value = values[s][row];
            line.push_str("  ");
            line.push_str(&format!("{:>width$} ", format_value(trend, value)));
            line.push_str(&pad(&bar(value, max, cells), cells));
        }
        writeln!(out, "{}", line.trim_end())?;
    }
    for series in &trend.series {
        write!(
            out,
            "{:?}: {} matching of {} projects",
            series.query, series.total, trend.all_total
        )?;
        if series.unbucketed > 0 {
            write!(out, ", {} without a {}", series.unbucketed, trend.by)?;
        }
        writeln!(out)?;
    }
    if trend.by == "year" {
        writeln!(
            out,
            "(a project counts in every year it runs; --by start_year counts it once)"
        )?;
    }
    Ok(())
}

/// Writes a trend as CSV, one row per query and bucket.
pub fn write_trend_csv(out: &mut impl Write, trend: &Trend) -> io::Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(["query", &trend.by, "count", "all", "share", "sum", "summed"])?;
    for series in &trend.series {
        for point in &series.points {
            let opt = |v: Option<String>| v.unwrap_or_default();
            writer.write_record([
                series.query.clone(),
                point.bucket.clone(),
                point.count.to_string(),
                point.all.to_string(),
                opt(point.share.map(|s| format!("{s:.6}"))),
                opt(point.sum.map(|s| s.to_string())),
                opt(point.summed.map(|s| s.to_string())),
            ])?;
        }
    }
    writer.flush()
}

/// Writes one concordance line: the left context right-aligned in `width` characters, two
/// spaces, the match (compound parts joined by `|`), two spaces, the right context, two
/// spaces, the record id. The match always starts at column `width + 2`.
pub fn write_kwic_line(
    out: &mut impl Write,
    line: &KwicLine,
    width: usize,
    style: super::text::Highlight,
) -> io::Result<()> {
    let left = line.left.chars().count();
    let right = line.right.chars().count();
    writeln!(
        out,
        "{}{}  {}  {}{}  {}",
        " ".repeat(width.saturating_sub(left)),
        line.left,
        style.mark(&line.shown),
        line.right,
        " ".repeat(width.saturating_sub(right)),
        line.id
    )
}

/// Writes the CSV header of concordance lines.
pub fn kwic_csv_header<W: Write>(writer: &mut csv::Writer<W>) -> csv::Result<()> {
    writer.write_record([
        "id", "field", "offset", "left", "match", "shown", "right", "part",
    ])
}

/// Writes one concordance line as a CSV row.
pub fn kwic_csv_row<W: Write>(writer: &mut csv::Writer<W>, line: &KwicLine) -> csv::Result<()> {
    writer.write_record([
        line.id.as_str(),
        line.field,
        &line.offset.to_string(),
        &line.left,
        &line.matched,
        &line.shown,
        &line.right,
        line.part.as_deref().unwrap_or(""),
    ])
}

/// Writes concordance lines as they come: aligned text lines, CSV rows, or one JSON object
/// (`{"query", "total", "lines": [...]}`) whose lines are written one by one.
pub fn write_kwic(
    out: &mut impl Write,
    lines: crate::views::kwic::KwicStream,
    width: usize,
    json: bool,
    csv: bool,
    style: super::text::Highlight,
) -> Result<(), crate::FyndError> {
    let io = |source: io::Error| crate::FyndError::Io {
        path: "<stdout>".into(),
        source,
    };
    let query = lines.query.clone();
    let total = lines.total;
    if json {
        let head = serde_json::json!({ "query": query, "total": total });
        let head = head.to_string();
        write!(out, "{},\"lines\":[", &head[..head.len() - 1]).map_err(io)?;
        for (i, line) in lines.enumerate() {
            let line = line?;
            let sep = if i == 0 { "" } else { "," };
            write!(
                out,
                "{sep}\n{}",
                serde_json::to_string(&line).expect("a line serialises")
            )
            .map_err(io)?;
        }
        writeln!(out, "]}}").map_err(io)?;
    } else if csv {
        let mut writer = csv::Writer::from_writer(out);
        kwic_csv_header(&mut writer).map_err(|e| io(e.into()))?;
        for line in lines {
            kwic_csv_row(&mut writer, &line?).map_err(|e| io(e.into()))?;
        }
        writer.flush().map_err(io)?;
    } else {
        let mut shown = 0;
        for line in lines {
            write_kwic_line(out, &line?, width, style).map_err(io)?;
            shown += 1;
        }
        writeln!(
            out,
            "{shown} lines from the {total} records matching {query:?}"
        )
        .map_err(io)?;
    }
    Ok(())
}

/// Writes similar projects: rank, score, id and title, then the shared terms.
pub fn write_similar(out: &mut impl Write, similar: &Similar) -> io::Result<()> {
    writeln!(out, "Projects like {} — {}", similar.id, similar.title)?;
    if similar.hits.is_empty() {
        writeln!(out, "No other project shares its distinctive terms.")?;
    }
    for (rank, hit) in similar.hits.iter().enumerate() {
        writeln!(
            out,
            "{:>3}. {:>6.2}  {}  {}",
            rank + 1,
            hit.score,
            hit.id,
            hit.title
        )?;
        let shared: Vec<String> = hit
            .shared
            .iter()
            .map(|t| match t.kind {
                crate::views::terms::TermSource::Word => t.word.clone(),
                crate::views::terms::TermSource::Part => format!("-{}-", t.word),
            })
            .collect();
        writeln!(out, "     shared: {}", shared.join(", "))?;
    }
    Ok(())
}

/// Writes co-occurring words as a table with their counts and log-likelihood.
pub fn write_cooccur(out: &mut impl Write, found: &Cooccurrences) -> io::Result<()> {
    writeln!(
        out,
        "Words over-represented in the {} projects matching {:?} (of {}), by log-likelihood G²",
        found.matching, found.query, found.documents
    )?;
    writeln!(
        out,
        "{:<28} {:>5} {:>8} {:>9} {:>8}  kind",
        "word", "in", "overall", "G²", "ratio"
    )?;
    for term in &found.terms {
        writeln!(
            out,
            "{:<28} {:>5} {:>8} {:>9.1} {:>8.2}  {}",
            term.word,
            term.in_matching,
            term.in_all,
            term.log_likelihood,
            term.ratio,
            term.kind.name()
        )?;
    }
    Ok(())
}
