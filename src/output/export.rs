//! Exporting every hit (`fynd search --format csv|jsonl|json|text`): one row or object per
//! hit with one column per metadata field, written as the hits are loaded, so nothing but the
//! current hit is held in memory.

use super::text::{write_passage, Highlight};
use crate::query::export::{ExportedHit, HitStream};
use crate::record::ProjectRecord;
use crate::FyndError;
use serde_json::{Map, Value};
use std::io::{self, Write};

/// The export formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    /// Comma-separated values with a header row (RFC 4180 quoting).
    Csv,
    /// One JSON object per line.
    Jsonl,
    /// One JSON object: `{"query", "total", "hits": [...]}`.
    Json,
    /// The human-readable listing, every hit with its passage.
    Text,
}

/// The CSV columns, in order: every metadata field of a record (not the body text).
pub const CSV_COLUMNS: [&str; 30] = [
    "score",
    "id",
    "diarienummer",
    "title",
    "path",
    "shape",
    "fund",
    "region",
    "nuts2",
    "country",
    "programme_cci",
    "programme_area",
    "specific_objective",
    "intervention_type",
    "owner",
    "owner_org_number",
    "project_phase",
    "start",
    "end",
    "published",
    "years",
    "budget",
    "granted",
    "cofinancing_rate",
    "participants",
    "strategic_importance",
    "partners",
    "municipalities",
    "secondary_themes",
    "extra",
];

/// Writes every hit of `hits` to `out` in `format`. Errors reading a hit stop the export
/// and are returned; errors writing are returned as I/O errors.
pub fn write_export(
    out: &mut impl Write,
    mut hits: HitStream,
    format: ExportFormat,
    style: Highlight,
) -> Result<(), FyndError> {
    let io = |source: io::Error| FyndError::Io {
        path: "<stdout>".into(),
        source,
    };
    match format {
        ExportFormat::Csv => {
            write_csv_row(out, CSV_COLUMNS.iter().map(|c| c.to_string())).map_err(io)?;
            for hit in hits.by_ref() {
                write_csv_row(out, csv_fields(&hit?).into_iter()).map_err(io)?;
            }
        }
        ExportFormat::Jsonl => {
            for hit in hits.by_ref() {
                serde_json::to_writer(&mut *out, &hit_object(&hit?)).map_err(|e| io(e.into()))?;
                writeln!(out).map_err(io)?;
            }
        }
        ExportFormat::Json => {
            write!(
                out,
                "{{\"query\": {}, \"total\": {}, \"values_used\": {}, \"hits\": [",
                Value::String(hits.query.clone()),
                hits.total,
                serde_json::to_string(&hits.values_used).map_err(|e| io(e.into()))?
            )
            .map_err(io)?;
            let mut first = true;
            for hit in hits.by_ref() {
                out.write_all(if first { b"\n  " } else { b",\n  " })
                    .map_err(io)?;
                first = false;
                serde_json::to_writer(&mut *out, &hit_object(&hit?)).map_err(|e| io(e.into()))?;
            }
            writeln!(out, "\n]}}").map_err(io)?;
        }
        ExportFormat::Text => {
            writeln!(
                out,
                "{} {} for {:?}, exporting {}",
                hits.total,
                if hits.total == 1 { "hit" } else { "hits" },
                hits.query,
                hits.remaining()
            )
            .map_err(io)?;
            for (rank, hit) in hits.by_ref().enumerate() {
                let hit = hit?;
                writeln!(out).map_err(io)?;
                write_exported_hit(out, rank + 1, &hit, style).map_err(io)?;
            }
        }
    }
    Ok(())
}

fn write_exported_hit(
    out: &mut impl Write,
    rank: usize,
    hit: &ExportedHit,
    style: Highlight,
) -> io::Result<()> {
    let r = &hit.record;
    super::text::write_hit_head(
        out,
        rank,
        &r.title,
        &r.id,
        [&r.fund, &r.region],
        (r.start, r.end, r.published),
        r.owner.as_deref(),
        style,
    )?;
    if let Some(passage) = &hit.passage {
        write_passage(out, passage, style)?;
    }
    writeln!(out, "    {}", r.path)
}

/// A record's metadata as one JSON object (every field but the body), with its score and
/// years: the row of `--format jsonl` and `--format json`.
pub fn hit_object(hit: &ExportedHit) -> Value {
    let mut object = Map::new();
    object.insert("score".into(), serde_json::json!(hit.score));
    if let Value::Object(fields) = record_value(&hit.record) {
        for (key, value) in fields {
            if key != "body" {
                object.insert(key, value);
            }
        }
    }
    object.insert("years".into(), serde_json::json!(hit.record.years()));
    Value::Object(object)
}

fn record_value(record: &ProjectRecord) -> Value {
    serde_json::to_value(record).unwrap_or(Value::Null)
}

/// The CSV fields of one hit, in [`CSV_COLUMNS`] order. Lists are joined with "; ", maps
/// written as "key: value; …", absent values left empty.
pub fn csv_fields(hit: &ExportedHit) -> Vec<String> {
    let r = &hit.record;
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    let num = |v: Option<u64>| v.map(|n| n.to_string()).unwrap_or_default();
    let date = |v: Option<crate::record::Date>| v.map(|d| d.to_string()).unwrap_or_default();
    let map = |m: &std::collections::BTreeMap<String, String>| {
        m.iter()
            .map(|(k, v)| format!("{k}: {v}"))
            .collect::<Vec<_>>()
            .join("; ")
    };
    vec![
        format!("{:.4}", hit.score),
        r.id.clone(),
        opt(&r.diarienummer),
        r.title.clone(),
        r.path.clone(),
        r.shape.name().to_string(),
        opt(&r.fund),
        opt(&r.region),
        opt(&r.nuts2),
        opt(&r.country),
        opt(&r.programme_cci),
        opt(&r.programme_area),
        opt(&r.specific_objective),
        opt(&r.intervention_type),
        opt(&r.owner),
        opt(&r.owner_org_number),
        opt(&r.project_phase),
        date(r.start),
        date(r.end),
        date(r.published),
        r.years()
            .iter()
            .map(i32::to_string)
            .collect::<Vec<_>>()
            .join("; "),
        num(r.budget),
        num(r.granted),
        r.cofinancing_rate
            .map(|x| x.to_string())
            .unwrap_or_default(),
        num(r.participants),
        r.strategic_importance
            .map(|b| if b { "true" } else { "false" }.to_string())
            .unwrap_or_default(),
        r.partners.join("; "),
        r.municipalities.join("; "),
        map(&r.secondary_themes),
        map(&r.extra),
    ]
}

/// One CSV line: fields separated by commas, quoted when they hold a comma, quote, or line
/// break (quotes doubled), ended by CRLF as RFC 4180 asks.
pub fn write_csv_row(out: &mut impl Write, fields: impl Iterator<Item = String>) -> io::Result<()> {
    for (i, field) in fields.enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        if field.contains([',', '"', '\n', '\r']) {
            write!(out, "\"{}\"", field.replace('"', "\"\""))?;
        } else {
            out.write_all(field.as_bytes())?;
        }
    }
    out.write_all(b"\r\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_only_what_needs_it() {
        let mut out = Vec::new();
        let fields = ["plain", "a, b", "say \"hi\"", "two\nlines", ""];
        write_csv_row(&mut out, fields.iter().map(|f| f.to_string())).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "plain,\"a, b\",\"say \"\"hi\"\"\",\"two\nlines\",\r\n"
        );
    }
}
