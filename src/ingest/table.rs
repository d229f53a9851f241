//! Tables of records: CSV/TSV with a header row, JSON arrays of objects (bare, or under one
//! key of an object: `{"projects": [...]}`) and JSON Lines — one project per row or object,
//! columns mapped to fields by name ([`super::columns`]).

use super::columns::{self, Column, ColumnMap, Header};
use super::{content_id, IngestError, ParsedDocument};
use crate::record::{DocumentShape, ProjectRecord};
use serde_json::Value;
use std::collections::{BTreeSet, HashMap};

/// How a table is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TableFormat {
    /// Delimited text with a header row; the delimiter (',', ';' or tab).
    Delimited(u8),
    /// `[{...}, {...}]`.
    JsonArray,
    /// One JSON object per line.
    JsonLines,
    /// `{"projects": [{...}, ...]}`: one object whose only array of objects holds the
    /// records (other members, such as a count or a date, are not records).
    JsonWrapped,
}

/// The one member of a JSON object that is an array of objects, if exactly one is.
fn wrapped_records(object: &serde_json::Map<String, Value>) -> Option<&str> {
    let mut arrays = object.iter().filter(|(_, value)| {
        value
            .as_array()
            .is_some_and(|items| !items.is_empty() && items.iter().all(Value::is_object))
    });
    let (key, _) = arrays.next()?;
    arrays.next().is_none().then_some(key.as_str())
}

/// Recognises a table from its content: JSON by its first character, delimited text by a
/// header row in which at least two cells are known column names, one of them an id or a
/// project name.
pub fn detect(text: &str) -> Option<TableFormat> {
    let trimmed = text.trim_start();
    if opens_json(trimmed, '[') {
        return Some(TableFormat::JsonArray);
    }
    // An object holding the records under a key. JSON Lines fail to parse as one value at
    // their second line, so trying costs them one line.
    if trimmed.starts_with('{') {
        if let Ok(Value::Object(object)) = serde_json::from_str::<Value>(trimmed) {
            if wrapped_records(&object).is_some() {
                return Some(TableFormat::JsonWrapped);
            }
        }
    }
    let first_line = trimmed.lines().next()?.trim();
    if opens_json(first_line, '{') && first_line.ends_with('}') {
        return Some(TableFormat::JsonLines);
    }
    [b'\t', b';', b',']
        .into_iter()
        .filter_map(|delimiter| {
            let cells: Vec<Column> = first_line
                .split(delimiter as char)
                .map(|cell| columns::classify(cell.trim_matches('"')))
                .collect();
            let known = cells.iter().filter(|c| **c != Column::Other).count();
            let identifying = cells
                .iter()
                .any(|c| matches!(c, Column::Id | Column::Title));
            (known >= 2 && identifying).then_some((known, delimiter))
        })
        .max()
        .map(|(_, delimiter)| TableFormat::Delimited(delimiter))
}

/// True when `text` starts the way JSON of records does, judged on more than its first
/// character so that a text document starting "[Utkast]" or "{Projekt}" is not taken for
/// JSON and lost: `[` then an object or `]`, `{` then a key or `}` (whitespace between).
fn opens_json(text: &str, bracket: char) -> bool {
    let Some(mut rest) = text.strip_prefix(bracket) else {
        return false;
    };
    if bracket == '[' {
        rest = rest.trim_start();
        if rest.starts_with(']') {
            return true;
        }
        let Some(object) = rest.strip_prefix('{') else {
            return false;
        };
        rest = object;
    }
    rest.trim_start().starts_with(['"', '}'])
}

/// One row: its line (0 where the line is not known), its number in a JSON array, and its
/// cells as (column, text).
type Row = (usize, Option<usize>, Vec<(String, String)>);

/// The records of a table and what was wrong with it.
#[derive(Debug, Default)]
pub struct Table {
    /// One record per row, each with its warnings.
    pub documents: Vec<ParsedDocument>,
    /// Rows that were skipped, and problems with the table as a whole.
    pub problems: Vec<IngestError>,
    /// Columns no field was found for, in order of first appearance: their values are
    /// kept in each record's `extra`; `--column HEADER=FIELD` maps them.
    pub unrecognised_columns: Vec<String>,
}

/// Parses every row of a table, columns read through `map`. A row that cannot be read is
/// reported (with its line) and skipped; the other rows are returned, one record per id
/// (the last row with it).
pub fn parse(
    path: &str,
    text: &str,
    format: TableFormat,
    map: &ColumnMap,
) -> Result<Table, IngestError> {
    let rows = parse_rows(path, text, format, map)?;
    Ok(Table {
        documents: super::last_of_each_id(rows.documents),
        problems: rows.problems,
        unrecognised_columns: rows.unrecognised_columns,
    })
}

/// A table's rows as records, each with its 1-based line (0 where a row has none), before
/// one record per id is kept.
pub(crate) struct Rows {
    /// One record per row read, in the table's order.
    pub documents: Vec<(usize, ParsedDocument)>,
    /// Rows that were skipped, and problems with the table as a whole.
    pub problems: Vec<IngestError>,
    /// Columns no field was found for, in order of first appearance.
    pub unrecognised_columns: Vec<String>,
}

/// [`parse`] without keeping one record per id: every row read, with its line.
pub(crate) fn parse_rows(
    path: &str,
    text: &str,
    format: TableFormat,
    map: &ColumnMap,
) -> Result<Rows, IngestError> {
    let mut rows: Vec<Row> = Vec::new();
    let mut problems = Vec::new();
    // Rows read with their quotes as text (line, reason): warnings on their records.
    let mut repaired: Vec<(usize, String)> = Vec::new();
    let problem = |line: Option<usize>, reason: String| IngestError {
        path: path.to_string(),
        line,
        reason,
    };
    match format {
        TableFormat::Delimited(delimiter) => {
            let table = super::delimited::read(text, delimiter);
            for (line, cells) in table.rows {
                let cells = table.headers.iter().cloned().zip(cells);
                rows.push((line, None, cells.collect()));
            }
            repaired = table.repaired;
            problems.extend(
                table
                    .skipped
                    .into_iter()
                    .map(|(line, reason)| problem(line, reason)),
            );
        }
        TableFormat::JsonArray | TableFormat::JsonWrapped => {
            let values: Vec<Value> = if format == TableFormat::JsonArray {
                serde_json::from_str(text).map_err(|err| {
                    problem(
                        Some(err.line()),
                        format!("not a valid JSON array of objects: {err}"),
                    )
                })?
            } else {
                let Ok(Value::Object(mut object)) = serde_json::from_str::<Value>(text) else {
                    return Err(problem(None, "not a valid JSON object".to_string()));
                };
                let key = wrapped_records(&object)
                    .map(str::to_string)
                    .ok_or_else(|| problem(None, "no array of records in the object".into()))?;
                match object.remove(&key) {
                    Some(Value::Array(items)) => items,
                    _ => Vec::new(),
                }
            };
            for (index, value) in values.into_iter().enumerate() {
                match object_cells(value) {
                    Some(cells) => rows.push((0, Some(index + 1), cells)),
                    None => problems.push(problem(
                        None,
                        format!(
                            "element {} of the array is not an object; skipped",
                            index + 1
                        ),
                    )),
                }
            }
        }
        TableFormat::JsonLines => {
            for (index, line) in text.lines().enumerate() {
                if line.trim().is_empty() {
                    continue;
                }
                match serde_json::from_str::<Value>(line)
                    .ok()
                    .and_then(object_cells)
                {
                    Some(cells) => rows.push((index + 1, None, cells)),
                    None => problems.push(problem(
                        Some(index + 1),
                        "not a JSON object; line skipped".to_string(),
                    )),
                }
            }
        }
    }
    let mut headers: HashMap<String, Header> = HashMap::new();
    let mut unrecognised: Vec<String> = Vec::new();
    let mut seen_unrecognised: BTreeSet<String> = BTreeSet::new();
    let mut documents: Vec<(usize, ParsedDocument)> = rows
        .into_iter()
        .map(|(line, element, cells)| {
            for (name, _) in &cells {
                if !headers.contains_key(name) {
                    let header = map.header(name);
                    if header.column == Column::Other && seen_unrecognised.insert(name.clone()) {
                        unrecognised.push(name.clone());
                    }
                    headers.insert(name.clone(), header);
                }
            }
            (
                line,
                record_from_cells(path, line, element, &cells, &headers),
            )
        })
        .collect();
    for (line, reason) in repaired {
        // Rows are in line order.
        if let Ok(at) = documents.binary_search_by_key(&line, |(l, _)| *l) {
            documents[at].1.warnings.push(problem(Some(line), reason));
        }
    }
    Ok(Rows {
        documents,
        problems,
        unrecognised_columns: unrecognised,
    })
}

/// The cells of a JSON object as (column, text) pairs; `None` for anything but an object.
fn object_cells(value: Value) -> Option<Vec<(String, String)>> {
    let Value::Object(object) = value else {
        return None;
    };
    Some(
        object
            .into_iter()
            .filter_map(|(key, value)| {
                let text = match value {
                    Value::Null => return None,
                    Value::String(text) => text,
                    Value::Array(items) => items
                        .iter()
                        .map(|item| {
                            item.as_str()
                                .map_or_else(|| item.to_string(), str::to_string)
                        })
                        .collect::<Vec<_>>()
                        .join(", "),
                    other => other.to_string(),
                };
                Some((key, text))
            })
            .collect(),
    )
}

fn record_from_cells(
    path: &str,
    line: usize,
    element: Option<usize>,
    cells: &[(String, String)],
    headers: &HashMap<String, Header>,
) -> ParsedDocument {
    let mut record = ProjectRecord::new(path, DocumentShape::TableRecord);
    let mut warnings = Vec::new();
    let at = (line > 0).then_some(line);
    // A JSON array has no line per record: the warning names the record's place instead.
    let place = element.map_or(String::new(), |n| format!("record {n}: "));
    for (name, value) in cells {
        let header = headers[name];
        columns::apply(&mut record, name, header, value, &mut |reason| {
            warnings.push(IngestError {
                path: path.to_string(),
                line: at,
                reason: format!("{place}{reason}"),
            })
        });
    }
    if record.fund.is_none() {
        record.fund = infer_fund(&record);
    }
    super::names::normalize_record(&mut record);
    record.id = match &record.diarienummer {
        Some(id) => id.clone(),
        None => {
            let joined: Vec<String> = cells.iter().map(|(k, v)| format!("{k}={v}")).collect();
            content_id(&joined.join("\n"))
        }
    };
    if record.title.is_empty() {
        record.title = record.id.clone();
    }
    if record.body.trim().is_empty() {
        warnings.push(IngestError {
            path: path.to_string(),
            line: at,
            reason: format!(
                "record {} has no description; indexed by its metadata only",
                record.id
            ),
        });
    }
    ParsedDocument { record, warnings }
}

/// The fund, where a Tillväxtverket project-bank export only implies it: the JSON export's
/// `_source` link ends in `#page=eruf`, and the 2007–2013 CSV names the target programme
/// (`malprogram`): Interreg programmes are listed as Interreg, the regional competitiveness
/// programmes ("Mål 2 …") are Regional Fund (ERUF) money.
fn infer_fund(record: &ProjectRecord) -> Option<String> {
    for (name, value) in &record.extra {
        let name = columns::normalize(name);
        if name == "source" {
            if let Some((_, page)) = value.rsplit_once("#page=") {
                return Some(page.to_uppercase());
            }
        }
        if name == "malprogram" {
            return Some(if value.contains("Interreg") {
                "Interreg".to_string()
            } else {
                "ERUF".to_string()
            });
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_recognised_by_content() {
        assert_eq!(detect("[{\"a\": 1}]"), Some(TableFormat::JsonArray));
        assert_eq!(
            detect("{\"projektnamn\": \"x\"}\n{}"),
            Some(TableFormat::JsonLines)
        );
        assert_eq!(
            detect("Diarienummer;Projektnamn;Region\n1;a;b"),
            Some(TableFormat::Delimited(b';'))
        );
        assert_eq!(
            detect("arende_id\tprojektnamn\n1\ta"),
            Some(TableFormat::Delimited(b'\t'))
        );
        assert_eq!(
            detect("Samverkan, region och namn i en vanlig mening.\n"),
            None
        );
        assert_eq!(detect("[ ]"), Some(TableFormat::JsonArray));
        assert_eq!(
            detect("[\n  {\n    \"id\": 1}]"),
            Some(TableFormat::JsonArray)
        );
        // A bracket alone does not make JSON.
        assert_eq!(detect("[Utkast] Projektet om samverkan.\n"), None);
        assert_eq!(detect("[{Projekt}]\nText.\n"), None);
        assert_eq!(detect("{Projekt} Samverkan {2023}\nText.\n"), None);
    }
}
