//! The command line on the sample corpus: `show`, `facets`, `search --format`, `--sort`,
//! Swedish field names, and errors that point at the problem.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

fn fynd(args: &[&str]) -> (bool, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_fynd"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("fynd runs");
    (
        output.status.success(),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

/// The corpus indexed once by `fynd index`.
fn index() -> &'static str {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("cli-corpus");
        let _ = std::fs::remove_dir_all(&dir);
        let (ok, _, err) = fynd(&["index", "corpus/seeds", "--index", dir.to_str().unwrap()]);
        assert!(ok, "{err}");
        dir
    })
    .to_str()
    .unwrap()
}

fn ok(args: &[&str]) -> String {
    let mut all = args.to_vec();
    all.extend(["--index", index()]);
    let (ok, out, err) = fynd(&all);
    assert!(ok, "{args:?}: {err}");
    assert!(!out.contains('\x1b'), "piped output has no colour");
    out
}

fn json(args: &[&str]) -> Value {
    serde_json::from_str(&ok(args)).unwrap()
}

/// Reads CSV as RFC 4180 writes it: quoted fields may hold commas, quotes and line breaks.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = vec![];
    let mut row = vec![];
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => field.push(c),
        }
    }
    rows
}

/// `fynd show ID` prints every metadata field, then the text; `--json` the same as an object.
#[test]
fn show_prints_the_whole_record() {
    let out = ok(&["show", "23-032-S03"]);
    for line in [
        "programme_area",
        "Mellersta Norrland",
        "cofinancing_rate",
        "2024-07-31",
    ] {
        assert!(out.contains(line), "{line} missing:\n{out}");
    }
    assert!(out.contains("Samordningsförbundet Jämtlands läns övergripande målgrupp"));
    let record = json(&["show", "23-032-s03", "--json"]);
    assert_eq!(record["id"], "23-032-S03");
    assert_eq!(record["years"], serde_json::json!([2024]));
    assert_eq!(record["specific_objective"], "D1");
    assert!(record["body"].as_str().unwrap().len() > 1000);
    let (success, _, err) = fynd(&["show", "23-032", "--index", index()]);
    assert!(!success);
    assert!(
        err.contains("no record with id \"23-032\"; did you mean 23-032-S03?"),
        "{err}"
    );
}

/// `fynd facets KEY [QUERY]` lists every value with its count; Swedish key names work.
#[test]
fn facets_lists_every_value() {
    let listing = json(&["facets", "fond", "--json"]);
    assert_eq!(listing["facet"], "fund");
    assert_eq!(
        listing["values"],
        serde_json::json!([{"value": "ESF+", "count": 2}, {"value": "ESF", "count": 1}])
    );
    let out = ok(&["facets", "region", "samverkan", "--filter", "fond=esf+"]);
    assert!(
        out.contains("region: 2 values over 2 documents matching \"samverkan\""),
        "{out}"
    );
    let (success, _, err) = fynd(&["facets", "färg", "--index", index()]);
    assert!(
        !success && err.contains("unknown filter key \"färg\""),
        "{err}"
    );
}

/// `--format csv|jsonl|json` exports every hit, not a page, one column per metadata field.
#[test]
fn export_formats_hold_every_hit() {
    let total = json(&["search", "samverkan", "--json", "--limit", "1"])["total"]
        .as_u64()
        .unwrap() as usize;
    assert!(total >= 3);
    let rows = parse_csv(&ok(&["search", "samverkan", "--format", "csv"]));
    assert_eq!(rows.len(), total + 1);
    // The named columns in order, with `extra` given as one column per key, in key order.
    let named: Vec<&String> = rows[0]
        .iter()
        .filter(|c| !c.starts_with("extra."))
        .collect();
    let expected: Vec<&str> = fynd::output::export::CSV_COLUMNS
        .into_iter()
        .filter(|c| *c != "extra")
        .collect();
    assert_eq!(named, expected);
    let keys: Vec<&String> = rows[0].iter().filter(|c| c.starts_with("extra.")).collect();
    assert!(!keys.is_empty() && keys.is_sorted(), "{keys:?}");
    let first = rows[0]
        .iter()
        .position(|c| c.starts_with("extra."))
        .unwrap();
    assert_eq!(rows[0][first - 1], "secondary_themes");
    assert_eq!(rows[0][first + keys.len()], "as_written");
    assert!(rows.iter().all(|row| row.len() == rows[0].len()));
    let id_column = rows[0].iter().position(|c| c == "id").unwrap();
    assert!(rows.iter().any(|row| row[id_column] == "23-032-S03"));

    let lines = ok(&["search", "samverkan", "--format", "jsonl"]);
    let objects: Vec<Value> = lines
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(objects.len(), total);
    assert!(objects
        .iter()
        .all(|o| o["id"].is_string() && o.get("body").is_none()));

    let whole = json(&["search", "samverkan", "--format", "json"]);
    assert_eq!(whole["hits"].as_array().unwrap().len(), total);
    assert_eq!(whole["total"].as_u64().unwrap() as usize, total);

    let text = ok(&["search", "samverkan", "--format", "text", "--limit", "2"]);
    assert!(text.contains(" 2. ") && !text.contains(" 3. "), "{text}");
}

/// `--sort start:desc` orders by start date, latest first; documents without one come last.
#[test]
fn sort_by_start_descending() {
    let response = json(&["search", "", "--sort", "start:desc", "--json"]);
    assert_eq!(response["sort"], "start:desc");
    let starts: Vec<&Value> = response["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| &h["start"])
        .collect();
    let dated: Vec<&str> = starts.iter().filter_map(|s| s.as_str()).collect();
    assert!(dated.windows(2).all(|w| w[0] >= w[1]), "{dated:?}");
    let first_null = starts
        .iter()
        .position(|s| s.is_null())
        .unwrap_or(starts.len());
    assert!(starts[first_null..].iter().all(|s| s.is_null()));
    let (success, _, err) = fynd(&["search", "x", "--sort", "title", "--index", index()]);
    assert!(
        !success && err.contains("cannot sort by \"title\""),
        "{err}"
    );
}

/// Swedish field names work in the query; the JSON answer keeps the foundation's keys and
/// adds which facet value was used.
#[test]
fn swedish_field_names_and_the_json_contract() {
    let response = json(&["search", "ägare:\"Regionförbundet Örebro\"", "--json"]);
    assert_eq!(response["total"], 1);
    assert_eq!(response["hits"][0]["owner"], "Regionförbundet Örebro");
    for key in ["query", "total", "took_ms", "hits", "facets"] {
        assert!(response.get(key).is_some(), "{key}");
    }
    for key in [
        "id", "path", "title", "score", "fund", "region", "owner", "start", "end", "snippet",
    ] {
        assert!(response["hits"][0].get(key).is_some(), "{key}");
    }
    let response = json(&["search", "samverkan", "--filter", "fond=esf+", "--json"]);
    assert_eq!(response["total"], 2);
    assert_eq!(
        response["values_used"][0]["used"],
        serde_json::json!(["ESF+"])
    );
    let text = ok(&["search", "samverkan", "--filter", "fond=esf+"]);
    assert!(text.contains("fund \"esf+\" matched \"ESF+\""), "{text}");
    // Nothing matches: the suggestion on stdout, the "no match" on stderr, exit code 1.
    let (success, text, err) = fynd(&[
        "search",
        "",
        "--filter",
        "region=norrland",
        "--index",
        index(),
    ]);
    assert!(!success && err.contains("no record matches"), "{err}");
    assert!(
        text.contains("No region is called \"norrland\"; did you mean \"Mellersta Norrland\"?"),
        "{text}"
    );
    let text = ok(&["search", "", "--limit", "2", "--offset", "2"]);
    assert!(text.contains("5 hits for \"\", showing 3–4"), "{text}");
    assert!(text.contains("\n 3. ") && text.contains("\n 4. "), "{text}");
}

/// Errors in ranges say what is wrong and point at it, in the query and in flags.
#[test]
fn range_errors_point_at_the_problem() {
    let (success, _, err) = fynd(&["search", "budget:>=abc", "--index", index()]);
    assert!(!success);
    assert!(
        err.contains("error: query syntax error at position 10: budget needs a whole number here, not \"abc\"")
            && err.contains("  budget:>=abc\n           ^"),
        "{err}"
    );
    let (success, _, err) = fynd(&["search", "", "--start", "[2023 TO", "--index", index()]);
    assert!(
        !success && err.contains("--start at position 1: this range is never closed"),
        "{err}"
    );
}
