//! The full view of one record (`fynd show ID`): every metadata field in a table, then the
//! text; or the same as one JSON object.

use super::text::Highlight;
use crate::record::ProjectRecord;
use serde_json::Value;
use std::io::{self, Write};

/// The rows of the metadata table: field name and value ("–" when the record has none).
/// Every field of the record is listed, then secondary themes and extra metadata by name,
/// then the source's own spelling of fields whose value was read or normalised.
pub fn metadata_rows(record: &ProjectRecord) -> Vec<(String, String)> {
    let text = |v: &Option<String>| v.clone().unwrap_or_else(|| "–".to_string());
    let show = |v: Option<String>| v.unwrap_or_else(|| "–".to_string());
    let list = |v: &[String]| {
        if v.is_empty() {
            "–".to_string()
        } else {
            v.join("; ")
        }
    };
    let years: Vec<String> = record.years().iter().map(i32::to_string).collect();
    let mut rows: Vec<(String, String)> = vec![
        ("id".into(), record.id.clone()),
        ("diarienummer".into(), text(&record.diarienummer)),
        ("title".into(), record.title.clone()),
        ("shape".into(), record.shape.name().to_string()),
        ("fund".into(), text(&record.fund)),
        ("region".into(), text(&record.region)),
        ("nuts2".into(), text(&record.nuts2)),
        ("country".into(), text(&record.country)),
        ("programme_cci".into(), text(&record.programme_cci)),
        ("programme_area".into(), text(&record.programme_area)),
        (
            "specific_objective".into(),
            text(&record.specific_objective),
        ),
        ("intervention_type".into(), text(&record.intervention_type)),
        ("owner".into(), text(&record.owner)),
        ("owner_org_number".into(), text(&record.owner_org_number)),
        ("project_phase".into(), text(&record.project_phase)),
        ("start".into(), show(record.start.map(|d| d.to_string()))),
        ("end".into(), show(record.end.map(|d| d.to_string()))),
        (
            "published".into(),
            show(record.published.map(|d| d.to_string())),
        ),
        ("years".into(), list(&years)),
        (
            "budget".into(),
            show(record.budget.map(|n| format!("{n} kr"))),
        ),
        (
            "granted".into(),
            show(record.granted.map(|n| format!("{n} kr"))),
        ),
        (
            "budget_eur".into(),
            show(record.budget_eur.map(|n| format!("{n} €"))),
        ),
        (
            "granted_eur".into(),
            show(record.granted_eur.map(|n| format!("{n} €"))),
        ),
        (
            "cofinancing_rate".into(),
            show(record.cofinancing_rate.map(|x| format!("{x} %"))),
        ),
        (
            "participants".into(),
            show(record.participants.map(|n| n.to_string())),
        ),
        (
            "strategic_importance".into(),
            show(
                record
                    .strategic_importance
                    .map(|b| if b { "ja" } else { "nej" }.to_string()),
            ),
        ),
        ("partners".into(), list(&record.partners)),
        ("municipalities".into(), list(&record.municipalities)),
        ("counties".into(), list(&record.counties)),
    ];
    for (theme, answer) in &record.secondary_themes {
        rows.push((format!("secondary theme: {theme}"), answer.clone()));
    }
    for (key, value) in &record.extra {
        rows.push((format!("extra: {key}"), value.clone()));
    }
    for (field, text) in &record.as_written {
        rows.push((format!("as written: {field}"), text.clone()));
    }
    rows.push(("path".into(), record.path.clone()));
    rows
}

/// Writes the record for people: title, the metadata table, then the text.
pub fn write_record(
    out: &mut impl Write,
    record: &ProjectRecord,
    style: Highlight,
) -> io::Result<()> {
    writeln!(out, "{}", style.bold(&record.title))?;
    writeln!(out)?;
    let rows = metadata_rows(record);
    let width = rows
        .iter()
        .map(|(name, _)| name.chars().count())
        .max()
        .unwrap_or(0);
    for (name, value) in &rows {
        let pad = width - name.chars().count();
        writeln!(out, "  {}{}  {value}", style.bold(name), " ".repeat(pad))?;
    }
    writeln!(out)?;
    writeln!(out, "{}", record.body.trim_end())
}

/// The record as one JSON object: every field of the record (body included) plus `years`.
pub fn record_json(record: &ProjectRecord) -> Value {
    let mut value = serde_json::to_value(record).unwrap_or(Value::Null);
    if let Value::Object(map) = &mut value {
        map.insert("years".into(), serde_json::json!(record.years()));
    }
    value
}
