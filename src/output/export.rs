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
    /// An Excel workbook (.xlsx) with one sheet: numbers as numbers, dates as dates.
    Xlsx,
}

/// The named CSV columns, in order: every metadata field of a record (not the body text).
/// Lists are joined with "; "; the maps (`secondary_themes`, `extra`, `as_written`) are JSON
/// objects, so one `json.loads` (pandas) or `jsonlite::fromJSON` (R) turns a cell back into
/// key → value pairs. An export without `--fields` has one `extra.KEY` column per key in
/// place of `extra` where the index lists its keys (see [`ExportOptions::columns`]).
pub const CSV_COLUMNS: [&str; 34] = [
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
    "budget_eur",
    "granted_eur",
    "cofinancing_rate",
    "participants",
    "strategic_importance",
    "partners",
    "municipalities",
    "counties",
    "secondary_themes",
    "extra",
    "as_written",
];

/// Columns an export may also have, on request: the record's whole text and the passage
/// that best matches the query.
pub const OPTIONAL_COLUMNS: [&str; 2] = ["body", "passage"];

/// How an export is laid out beyond its format.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ExportOptions {
    /// The columns (CSV) or keys (JSON), in order: names from [`CSV_COLUMNS`] and
    /// [`OPTIONAL_COLUMNS`], or `extra.KEY` for one key of `extra` as a column of its own.
    /// Empty: every column of [`CSV_COLUMNS`].
    pub fields: Vec<String>,
    /// CSV that Excel with Swedish settings opens directly: a UTF-8 byte-order mark (else
    /// Excel reads Windows-1252 and garbles å, ä, ö), ';' between fields (',' is the
    /// decimal mark there) and a decimal comma in numbers with a fraction.
    pub excel: bool,
}

impl ExportOptions {
    /// Options with `fields` checked: an unknown column name is an error that lists the
    /// names there are.
    pub fn new(fields: Vec<String>, excel: bool) -> Result<ExportOptions, FyndError> {
        for field in &fields {
            let known = CSV_COLUMNS.contains(&field.as_str())
                || OPTIONAL_COLUMNS.contains(&field.as_str())
                || field
                    .strip_prefix("extra.")
                    .is_some_and(|key| !key.is_empty());
            if !known {
                return Err(FyndError::BadField {
                    field: field.clone(),
                });
            }
        }
        Ok(ExportOptions { fields, excel })
    }

    /// The columns of the export, in order: the chosen ones; else [`CSV_COLUMNS`] with
    /// `extra` replaced by one `extra.KEY` column per key of `extra_keys` (the keys the
    /// index's records have, in order), or [`CSV_COLUMNS`] as they are when the keys are not
    /// known.
    pub fn columns(&self, extra_keys: Option<&[String]>) -> Vec<String> {
        if !self.fields.is_empty() {
            return self.fields.clone();
        }
        let mut columns = Vec::with_capacity(CSV_COLUMNS.len() + extra_keys.map_or(0, <[_]>::len));
        for column in CSV_COLUMNS {
            match (column, extra_keys) {
                ("extra", Some(keys)) => {
                    columns.extend(keys.iter().map(|key| format!("extra.{key}")));
                }
                _ => columns.push(column.to_string()),
            }
        }
        columns
    }

    /// Whether the export needs the best passage of each hit.
    pub fn wants_passage(&self) -> bool {
        self.fields.iter().any(|f| f == "passage")
    }
}

/// Writes every hit of `hits` to `out` in `format`, every column. Errors reading a hit stop
/// the export and are returned; errors writing are returned as I/O errors.
pub fn write_export(
    out: &mut impl Write,
    hits: HitStream,
    format: ExportFormat,
    style: Highlight,
) -> Result<(), FyndError> {
    write_export_with(out, hits, format, style, &ExportOptions::default())
}

/// [`write_export`] with the columns and CSV dialect of `options`.
pub fn write_export_with(
    out: &mut impl Write,
    mut hits: HitStream,
    format: ExportFormat,
    style: Highlight,
    options: &ExportOptions,
) -> Result<(), FyndError> {
    let io = |source: io::Error| FyndError::Io {
        path: "<stdout>".into(),
        source,
    };
    let columns = options.columns(hits.extra_keys.as_deref());
    match format {
        ExportFormat::Csv => {
            let dialect = if options.excel {
                out.write_all("\u{feff}".as_bytes()).map_err(io)?;
                CsvDialect::EXCEL
            } else {
                CsvDialect::RFC4180
            };
            dialect
                .write_row(out, columns.iter().cloned())
                .map_err(io)?;
            for hit in hits.by_ref() {
                let hit = hit?;
                let fields = columns.iter().map(|c| cell(&hit, c, dialect.decimal));
                dialect.write_row(out, fields).map_err(io)?;
            }
        }
        ExportFormat::Jsonl => {
            for hit in hits.by_ref() {
                let object = chosen(&hit?, options);
                serde_json::to_writer(&mut *out, &object).map_err(|e| io(e.into()))?;
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
                let object = chosen(&hit?, options);
                serde_json::to_writer(&mut *out, &object).map_err(|e| io(e.into()))?;
            }
            writeln!(out, "\n]}}").map_err(io)?;
        }
        ExportFormat::Xlsx => write_xlsx(out, &mut hits, &columns)?,
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

/// A JSON row with only the chosen fields, in their order; every field of [`hit_object`]
/// when none are chosen. `extra.KEY` picks one key of `extra`; `body` and `passage` the
/// text and the best passage.
fn chosen(hit: &ExportedHit, options: &ExportOptions) -> Value {
    let object = hit_object(hit);
    if options.fields.is_empty() {
        return Value::Object(object);
    }
    let mut picked = Map::new();
    for field in &options.fields {
        let value = match (field.as_str(), field.strip_prefix("extra.")) {
            (_, Some(key)) => object
                .get("extra")
                .and_then(|extra| extra.get(key))
                .cloned()
                .unwrap_or(Value::Null),
            ("body", None) => Value::String(hit.record.body.clone()),
            ("passage", None) => hit
                .passage
                .as_ref()
                .map_or(Value::Null, |p| Value::String(p.text.clone())),
            (_, None) => object.get(field).cloned().unwrap_or(Value::Null),
        };
        picked.insert(field.clone(), value);
    }
    Value::Object(picked)
}

/// Rows a sheet holds below its header row: Excel's limit is 1 048 576 rows in all.
pub const XLSX_MAX_HITS: usize = 1_048_575;

/// Characters a cell holds at most in Excel; a longer text (a body) is cut there, with "…".
const XLSX_MAX_CELL_CHARS: usize = 32_767;

/// A cell as a spreadsheet should type it.
enum TypedCell {
    Number(f64),
    Date(crate::record::Date),
    Text(String),
}

/// The cell of `hit` in `column`, typed: amounts, counts, rates and the score as numbers,
/// dates as dates, everything else as the CSV writes it.
fn typed_cell(hit: &ExportedHit, column: &str) -> TypedCell {
    let r = &hit.record;
    let number = |n: Option<u64>| n.map(|n| TypedCell::Number(n as f64));
    let date = |d: Option<crate::record::Date>| d.map(TypedCell::Date);
    let typed = match column {
        "score" => Some(TypedCell::Number(f64::from(hit.score))),
        "budget" => number(r.budget),
        "granted" => number(r.granted),
        "budget_eur" => number(r.budget_eur),
        "granted_eur" => number(r.granted_eur),
        "participants" => number(r.participants),
        "cofinancing_rate" => r.cofinancing_rate.map(TypedCell::Number),
        "start" => date(r.start),
        "end" => date(r.end),
        "published" => date(r.published),
        _ => None,
    };
    typed.unwrap_or_else(|| TypedCell::Text(cell(hit, column, '.')))
}

/// Writes the hits as an xlsx workbook: a bold header row, then one row per hit. The rows
/// go to a temporary file as they come (rust_xlsxwriter's constant-memory mode), and the
/// finished file is copied to `out`, so memory does not grow with the export.
fn write_xlsx(
    out: &mut impl Write,
    hits: &mut HitStream,
    columns: &[String],
) -> Result<(), FyndError> {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, XlsxError};
    use std::io::{Seek, SeekFrom};
    if hits.remaining() > XLSX_MAX_HITS {
        return Err(FyndError::BadExport {
            message: format!(
                "{} hits do not fit in one Excel sheet (at most {XLSX_MAX_HITS} rows): export \
                 with --format csv (or --excel), or narrow the search",
                hits.remaining()
            ),
        });
    }
    let xlsx = |err: XlsxError| FyndError::BadExport {
        message: format!("cannot write the xlsx file: {err}"),
    };
    let io = |source: io::Error| FyndError::Io {
        path: "<xlsx>".into(),
        source,
    };
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    let day = Format::new().set_num_format("yyyy-mm-dd");
    let sheet = workbook
        .add_worksheet_with_constant_memory()
        .map_err(xlsx)?;
    sheet.set_name("fynd").map_err(xlsx)?;
    for (col, name) in columns.iter().enumerate() {
        sheet
            .write_string_with_format(0, col as u16, name, &bold)
            .map_err(xlsx)?;
    }
    for (at, hit) in hits.by_ref().enumerate() {
        let hit = hit?;
        let row = at as u32 + 1;
        for (col, name) in columns.iter().enumerate() {
            let col = col as u16;
            match typed_cell(&hit, name) {
                TypedCell::Number(n) => {
                    sheet.write_number(row, col, n).map_err(xlsx)?;
                }
                TypedCell::Date(d) => {
                    // Excel has no dates before 1900: such a (mistyped) date stays text.
                    match ExcelDateTime::from_ymd(d.year as u16, d.month, d.day) {
                        Ok(excel) if d.year >= 1900 => {
                            sheet
                                .write_datetime_with_format(row, col, &excel, &day)
                                .map_err(xlsx)?;
                        }
                        _ => {
                            sheet.write_string(row, col, d.to_string()).map_err(xlsx)?;
                        }
                    }
                }
                TypedCell::Text(text) if text.is_empty() => {}
                TypedCell::Text(text) => {
                    let text = if text.chars().count() > XLSX_MAX_CELL_CHARS {
                        let cut: String = text.chars().take(XLSX_MAX_CELL_CHARS - 1).collect();
                        cut + "…"
                    } else {
                        text
                    };
                    sheet.write_string(row, col, text).map_err(xlsx)?;
                }
            }
        }
    }
    let mut file = tempfile::tempfile().map_err(io)?;
    workbook.save_to_writer(&mut file).map_err(xlsx)?;
    file.seek(SeekFrom::Start(0)).map_err(io)?;
    let stdout = |source: io::Error| FyndError::Io {
        path: "<stdout>".into(),
        source,
    };
    io::copy(&mut file, out).map_err(stdout)?;
    Ok(())
}

/// How CSV is written: the field separator and the decimal mark of numbers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct CsvDialect {
    separator: u8,
    decimal: char,
}

impl CsvDialect {
    /// RFC 4180: commas, decimal point.
    const RFC4180: CsvDialect = CsvDialect {
        separator: b',',
        decimal: '.',
    };
    /// Excel with Swedish settings: semicolons, decimal comma.
    const EXCEL: CsvDialect = CsvDialect {
        separator: b';',
        decimal: ',',
    };

    fn write_row(
        &self,
        out: &mut impl Write,
        fields: impl Iterator<Item = String>,
    ) -> io::Result<()> {
        write_row_separated(out, fields, self.separator)
    }
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
/// years: the row of `--format jsonl` and `--format json`. The body and the passage are
/// there only when chosen with `--fields` (they are the bulk of an export).
pub fn hit_object(hit: &ExportedHit) -> Map<String, Value> {
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
    object
        .entry("as_written")
        .or_insert_with(|| Value::Object(Map::new()));
    object
}

fn record_value(record: &ProjectRecord) -> Value {
    serde_json::to_value(record).unwrap_or(Value::Null)
}

/// The cell of one hit in column `column` (a name of [`CSV_COLUMNS`],
/// [`OPTIONAL_COLUMNS`] or `extra.KEY`): lists joined with "; ", maps as JSON objects,
/// numbers with a fraction written with `decimal`, absent values empty.
pub fn cell(hit: &ExportedHit, column: &str, decimal: char) -> String {
    let r = &hit.record;
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    let num = |v: Option<u64>| v.map(|n| n.to_string()).unwrap_or_default();
    let date = |v: Option<crate::record::Date>| v.map(|d| d.to_string()).unwrap_or_default();
    let fraction = |text: String| text.replace('.', &decimal.to_string());
    let map = |m: &std::collections::BTreeMap<String, String>| {
        if m.is_empty() {
            String::new()
        } else {
            serde_json::to_string(m).unwrap_or_default()
        }
    };
    if let Some(key) = column.strip_prefix("extra.") {
        return r.extra.get(key).cloned().unwrap_or_default();
    }
    match column {
        "score" => fraction(format!("{:.4}", hit.score)),
        "id" => r.id.clone(),
        "diarienummer" => opt(&r.diarienummer),
        "title" => r.title.clone(),
        "path" => r.path.clone(),
        "shape" => r.shape.name().to_string(),
        "fund" => opt(&r.fund),
        "region" => opt(&r.region),
        "nuts2" => opt(&r.nuts2),
        "country" => opt(&r.country),
        "programme_cci" => opt(&r.programme_cci),
        "programme_area" => opt(&r.programme_area),
        "specific_objective" => opt(&r.specific_objective),
        "intervention_type" => opt(&r.intervention_type),
        "owner" => opt(&r.owner),
        "owner_org_number" => opt(&r.owner_org_number),
        "project_phase" => opt(&r.project_phase),
        "start" => date(r.start),
        "end" => date(r.end),
        "published" => date(r.published),
        "years" => r
            .years()
            .iter()
            .map(i32::to_string)
            .collect::<Vec<_>>()
            .join("; "),
        "budget" => num(r.budget),
        "granted" => num(r.granted),
        "budget_eur" => num(r.budget_eur),
        "granted_eur" => num(r.granted_eur),
        "cofinancing_rate" => r
            .cofinancing_rate
            .map(|x| fraction(x.to_string()))
            .unwrap_or_default(),
        "participants" => num(r.participants),
        "strategic_importance" => r
            .strategic_importance
            .map(|b| if b { "true" } else { "false" }.to_string())
            .unwrap_or_default(),
        "partners" => r.partners.join("; "),
        "municipalities" => r.municipalities.join("; "),
        "counties" => r.counties.join("; "),
        "secondary_themes" => map(&r.secondary_themes),
        "extra" => map(&r.extra),
        "as_written" => map(&r.as_written),
        "body" => r.body.clone(),
        "passage" => hit
            .passage
            .as_ref()
            .map(|p| p.text.clone())
            .unwrap_or_default(),
        _ => String::new(),
    }
}

/// The CSV fields of one hit, in [`CSV_COLUMNS`] order.
pub fn csv_fields(hit: &ExportedHit) -> Vec<String> {
    CSV_COLUMNS.iter().map(|c| cell(hit, c, '.')).collect()
}

/// One CSV line: fields separated by commas, quoted when they hold a comma, quote, or line
/// break (quotes doubled), ended by CRLF as RFC 4180 asks.
pub fn write_csv_row(out: &mut impl Write, fields: impl Iterator<Item = String>) -> io::Result<()> {
    write_row_separated(out, fields, b',')
}

/// One CSV line with `separator` between fields; a field holding the separator, a quote or
/// a line break is quoted.
fn write_row_separated(
    out: &mut impl Write,
    fields: impl Iterator<Item = String>,
    separator: u8,
) -> io::Result<()> {
    for (i, field) in fields.enumerate() {
        if i > 0 {
            out.write_all(&[separator])?;
        }
        if field.contains([separator as char, '"', '\n', '\r']) {
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
