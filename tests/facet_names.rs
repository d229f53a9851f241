//! Story: a researcher counts projects per region, county and owner over the two real
//! project-bank exports that ship in `corpus/projektbanken/`. Each region, county and fund is
//! counted under one name, however the exports spell it (variants, mojibake, case); each
//! owner under one spelling across both files (and across files added and removed one by
//! one, `tests/data/owners/`), never merged with another; and each record still says how
//! its source wrote it.

mod common;

use fynd::index::{index_paths, NoProgress};
use fynd::ingest::read_file;
use fynd::record::ProjectRecord;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

fn shipped() -> Vec<ProjectRecord> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/projektbanken");
    [
        "projektbanken-2007-2013.csv",
        "projektbanken-2014-2020.json",
    ]
    .iter()
    .flat_map(|name| read_file(&dir.join(name)).unwrap().documents)
    .map(|d| d.record)
    .collect()
}

/// Names a reader would take for one: the same letters, whatever the case, diacritics,
/// punctuation, "och" or "med".
fn same_name(name: &str) -> String {
    let lower: String = name
        .to_lowercase()
        .chars()
        .map(|c| match c {
            'å' | 'ä' | 'á' | 'à' => 'a',
            'ö' | 'ø' | 'ó' => 'o',
            'é' | 'è' => 'e',
            'ü' => 'u',
            c if c.is_alphanumeric() || c == '+' => c,
            _ => ' ',
        })
        .collect();
    lower
        .split_whitespace()
        .filter(|w| !matches!(*w, "och" | "med"))
        .collect::<Vec<_>>()
        .join(" ")
}

fn assert_no_split(field: &str, values: impl IntoIterator<Item = String>) -> BTreeSet<String> {
    let values: BTreeSet<String> = values.into_iter().collect();
    let mut by_name: BTreeMap<String, Vec<&String>> = BTreeMap::new();
    for value in &values {
        assert!(
            !value.chars().any(|c| ('\u{80}'..='\u{9f}').contains(&c)),
            "{field}: control character left in {value:?}"
        );
        by_name.entry(same_name(value)).or_default().push(value);
    }
    let split: Vec<_> = by_name.values().filter(|v| v.len() > 1).collect();
    assert!(split.is_empty(), "{field} split: {split:?}");
    values
}

#[test]
fn regions_counties_and_funds_of_the_shipped_records_are_each_one_name() {
    let records = shipped();
    assert_eq!(records.len(), 2_123 + 374);
    let regions = assert_no_split("region", records.iter().filter_map(|r| r.region.clone()));
    assert_no_split("county", records.iter().flat_map(|r| r.counties.clone()));
    assert_no_split("fund", records.iter().filter_map(|r| r.fund.clone()));
    for official in [
        "Småland med öarna",
        "Övre Norrland",
        "Öresund-Kattegatt-Skagerrak",
    ] {
        assert!(regions.contains(official), "{official} in {regions:?}");
    }
    // The 2007–2013 CSV writes "Småland och Öarna" (109 records) and a mojibake of it (10),
    // the 2014–2020 JSON "Småland med öarna" (29): one region of 148 projects.
    let smaland: Vec<&ProjectRecord> = records
        .iter()
        .filter(|r| r.region.as_deref() == Some("Småland med öarna"))
        .collect();
    assert_eq!(smaland.len(), 148);
    assert_eq!(
        smaland
            .iter()
            .filter(|r| r.as_written.get("region").map(String::as_str) == Some("Småland och Öarna"))
            .count(),
        109
    );
    assert_eq!(
        smaland
            .iter()
            .filter(|r| r.as_written.get("region").map(String::as_str)
                == Some("Småland och Å\u{96}arna"))
            .count(),
        10
    );
    // The one CSV row whose region is mojibake keeps what the source wrote.
    let repaired = records
        .iter()
        .find(|r| r.as_written.get("region").map(String::as_str) == Some("Å\u{96}vre Norrland"))
        .expect("the mojibake row");
    assert_eq!(repaired.region.as_deref(), Some("Övre Norrland"));
}

/// [`same_name`] without the legal form a company name ends with: names a reader takes for
/// one owner. Stricter than fynd's grouping, so owners that agree here must be one.
fn same_owner(name: &str) -> String {
    let mut words: Vec<String> = same_name(name).split(' ').map(str::to_string).collect();
    while words.len() > 1 {
        let n = words.len();
        if matches!(words[n - 1].as_str(), "ab" | "aktiebolag" | "publ") {
            words.pop();
        } else if n > 2 && words[n - 2] == "ek" && words[n - 1] == "för" {
            words.truncate(n - 2);
        } else {
            break;
        }
    }
    words.join(" ")
}

/// [`same_owner`] also without "län", "läns" and a genitive "s": looser than fynd's
/// grouping, so owners fynd groups must agree here (and no two names that differ in any
/// other word are ever one owner).
fn loosely_same_owner(name: &str) -> String {
    same_owner(name)
        .split(' ')
        .filter(|w| !matches!(*w, "lan" | "lans"))
        .map(|w| w.strip_suffix('s').unwrap_or(w))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The owner a record's source wrote, mojibake repaired (as the facet names are; see the
/// region test above).
fn written_owner(record: &ProjectRecord) -> Option<String> {
    record
        .as_written
        .get("owner")
        .or(record.owner.as_ref())
        .map(|written| fynd::ingest::names::clean(written))
}

/// The shipped project-bank exports indexed once, as `fynd index corpus/projektbanken` does.
fn shipped_index() -> Vec<ProjectRecord> {
    let dir = common::scratch_dir("owners-shipped");
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/projektbanken");
    index_paths(&dir, &[corpus], 50_000_000, &mut NoProgress).unwrap();
    common::open(&dir).stored_records().unwrap()
}

#[test]
fn an_owner_is_one_name_across_the_two_project_bank_exports() {
    // As read, file by file: the two exports spell many owners differently from each
    // other ("KARLSTADS UNIVERSITET" in the 2007–2013 CSV, "Karlstads Universitet" in the
    // 2014–2020 JSON).
    let read = shipped();
    let mut spellings: BTreeMap<String, BTreeMap<String, BTreeSet<String>>> = BTreeMap::new();
    for record in &read {
        if let Some(owner) = &record.owner {
            spellings
                .entry(same_owner(owner))
                .or_default()
                .entry(owner.clone())
                .or_default()
                .insert(record.path.clone());
        }
    }
    let across_files = spellings
        .values()
        .filter(|variants| {
            variants.len() > 1 && variants.values().flatten().collect::<BTreeSet<_>>().len() > 1
        })
        .count();
    assert!(
        across_files > 10,
        "{across_files} owners spelled apart across the files"
    );

    // Indexed: each is one facet value, and no two owners were merged.
    let records = shipped_index();
    assert_eq!(records.len(), read.len());
    assert_no_split_owners(&records);
    let mut shown: BTreeMap<String, BTreeSet<&str>> = BTreeMap::new();
    for record in &records {
        let owner = record.owner.as_deref().unwrap_or_default();
        let written = written_owner(record).unwrap_or_default();
        assert_eq!(
            loosely_same_owner(owner),
            loosely_same_owner(&written),
            "{} is shown under {owner:?}",
            record.id
        );
        shown.entry(same_owner(owner)).or_default().insert(owner);
    }

    // Karlstads universitet: shown as most records of both files write it, each record
    // keeping its source's spelling.
    let karlstad = same_owner("Karlstads universitet");
    let variants = &spellings[&karlstad];
    assert!(variants.len() > 1, "{variants:?}");
    let count = |spelling: &str| {
        read.iter()
            .filter(|r| r.owner.as_deref() == Some(spelling))
            .count()
    };
    let most = variants.keys().max_by_key(|s| count(s)).unwrap();
    let grouped: Vec<&ProjectRecord> = records
        .iter()
        .filter(|r| written_owner(r).is_some_and(|w| same_owner(&w) == karlstad))
        .collect();
    assert_eq!(
        grouped.len(),
        variants.keys().map(|s| count(s)).sum::<usize>()
    );
    for record in &grouped {
        assert_eq!(record.owner.as_deref(), Some(most.as_str()));
    }
    assert!(grouped.iter().any(|r| r.as_written.contains_key("owner")));
    assert!(grouped.iter().all(|r| {
        let written = written_owner(r).unwrap();
        (written == *most) != r.as_written.contains_key("owner")
    }));

    // 27 rows of the CSV write "Malmö stad", one "MALMÖ STAD".
    let malmo: Vec<&ProjectRecord> = records
        .iter()
        .filter(|r| same_name(r.owner.as_deref().unwrap_or("")) == "malmo stad")
        .collect();
    assert_eq!(malmo.len(), 28);
    assert!(malmo
        .iter()
        .all(|r| r.owner.as_deref() == Some("Malmö stad")));
    assert_eq!(
        malmo
            .iter()
            .filter(|r| r.as_written.get("owner").map(String::as_str) == Some("MALMÖ STAD"))
            .count(),
        1
    );
}

fn assert_no_split_owners(records: &[ProjectRecord]) {
    let mut by_name: BTreeMap<String, BTreeSet<&str>> = BTreeMap::new();
    for owner in records.iter().filter_map(|r| r.owner.as_deref()) {
        by_name.entry(same_owner(owner)).or_default().insert(owner);
    }
    let split: Vec<_> = by_name.values().filter(|v| v.len() > 1).collect();
    assert!(split.is_empty(), "owner split: {split:?}");
}

/// `fynd index PATH --index DIR --json`, the summary parsed.
fn index_json(path: &Path, dir: &Path) -> serde_json::Value {
    let output = common::fynd(&[
        "index",
        path.to_str().unwrap(),
        "--index",
        dir.to_str().unwrap(),
        "--json",
    ]);
    assert!(output.status.success(), "{output:?}");
    serde_json::from_slice(&output.stdout).unwrap()
}

/// Owner and the owner as written of every record of the index in `dir`, by id.
fn owners_of(dir: &Path) -> BTreeMap<String, (Option<String>, Option<String>)> {
    common::open(dir)
        .stored_records()
        .unwrap()
        .into_iter()
        .map(|r| {
            (
                r.id.clone(),
                (r.owner.clone(), r.as_written.get("owner").cloned()),
            )
        })
        .collect()
}

#[test]
fn an_owner_is_grouped_across_files_as_files_come_and_go() {
    // A region office's Excel sheet and a project bank's JSON: "HÖGSKOLAN I GÄVLE" in the
    // sheet; "Högskolan i Gävle" twice and once as mojibake in the JSON; "Krinova AB" and
    // "KRINOVA AKTIEBOLAG"; "Coompanion Jämtland ek. för." and "Coompanion Jämtland";
    // Högskolan Väst and Högskolan Dalarna, two other owners.
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/owners");
    let sheet = "region-beviljat-excel.csv";
    let bank = "projektbanken-api.json";
    let folder = common::scratch_dir("owners-folder");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::copy(data.join(sheet), folder.join(sheet)).unwrap();
    let dir = common::scratch_dir("owners-incremental");

    // The sheet alone: its own spellings.
    index_json(&folder, &dir);
    let alone = owners_of(&dir);
    assert_eq!(
        alone["2019-4010301"],
        (Some("HÖGSKOLAN I GÄVLE".into()), None)
    );

    // The JSON added: Högskolan i Gävle is written so by three records to one, and the
    // sheet's record, already in the index, is rewritten under it.
    std::fs::copy(data.join(bank), folder.join(bank)).unwrap();
    let summary = index_json(&folder, &dir);
    assert_eq!(summary["files_added"], 1);
    assert!(
        summary["owners_regrouped"].as_u64().unwrap() >= 1,
        "{summary}"
    );
    let both = owners_of(&dir);
    let gavle = (Some("Högskolan i Gävle".to_string()), None);
    assert_eq!(both["20204711"], gavle);
    assert_eq!(
        both["2019-4010301"],
        (
            Some("Högskolan i Gävle".into()),
            Some("HÖGSKOLAN I GÄVLE".into())
        )
    );
    assert_eq!(
        both["20204713"],
        (
            Some("Högskolan i Gävle".into()),
            Some("HÃ¶gskolan i GÃ¤vle".into())
        )
    );
    // A tie (one record each) goes to the spelling with fewer capitals, then the first in
    // order: never to the file read first.
    assert_eq!(both["20204714"].0.as_deref(), Some("Krinova AB"));
    assert_eq!(both["2019-4010303"].0.as_deref(), Some("Krinova AB"));
    assert_eq!(
        both["2019-4010304"].0.as_deref(),
        Some("Coompanion Jämtland")
    );
    assert_eq!(
        both["2019-4010304"].1.as_deref(),
        Some("Coompanion Jämtland ek. för.")
    );
    // Other owners stay apart.
    assert_eq!(both["2019-4010302"].0.as_deref(), Some("Högskolan Väst"));
    assert_eq!(both["20204716"].0.as_deref(), Some("Högskolan Dalarna"));
    let facets = common::fynd(&[
        "facets",
        "owner",
        "--index",
        dir.to_str().unwrap(),
        "--json",
    ]);
    let facets: serde_json::Value = serde_json::from_slice(&facets.stdout).unwrap();
    let values: Vec<(String, u64)> = facets["values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["value"].as_str().unwrap().to_string(),
                v["count"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        values[0],
        ("Högskolan i Gävle".to_string(), 4),
        "{values:?}"
    );
    assert_eq!(values.len(), 5, "{values:?}");

    // Built in one run from both files, the index groups the same way.
    let once = common::scratch_dir("owners-once");
    index_json(&data, &once);
    assert_eq!(owners_of(&once), both);

    // The JSON gone: the sheet's records are shown as the sheet writes them again.
    std::fs::remove_file(folder.join(bank)).unwrap();
    let summary = index_json(&folder, &dir);
    assert_eq!(summary["files_removed"], 1);
    assert_eq!(owners_of(&dir), alone);
}

#[test]
fn a_run_stopped_before_its_records_were_regrouped_is_finished_by_the_next() {
    use fynd::index::manifest::Manifest;
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/owners");
    let dir = common::scratch_dir("owners-stopped");
    index_json(&data, &dir);
    let grouped = owners_of(&dir);
    // As a run leaves the index when it stops between the commit of its records and their
    // regrouping: a record under a spelling its group no longer has, and the manifest
    // naming that spelling.
    {
        let index = common::open(&dir);
        let mut record = index
            .stored_records()
            .unwrap()
            .into_iter()
            .find(|r| r.id == "2019-4010301")
            .unwrap();
        record.owner = Some("HÖGSKOLAN I GÄVLE".into());
        record.as_written.remove("owner");
        let mut writer = index.writer(50_000_000).unwrap();
        writer.upsert(&record).unwrap();
        writer.commit().unwrap();
        let mut manifest = Manifest::load(&dir).unwrap();
        manifest
            .owners_to_regroup
            .insert("HÖGSKOLAN I GÄVLE".into());
        manifest.save(&dir).unwrap();
    }
    assert_ne!(owners_of(&dir), grouped);
    let summary = index_json(&data, &dir);
    assert_eq!(summary["files_unchanged"], 2);
    assert_eq!(summary["owners_regrouped"], 1);
    assert_eq!(owners_of(&dir), grouped);
    assert!(Manifest::load(&dir).unwrap().owners_to_regroup.is_empty());
}
