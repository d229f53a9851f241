//! Story: each of the five seed documents, in its three shapes, comes out of ingest with
//! every field right. The table lists the expected value of every field of every seed;
//! a field the parser adds later must be added here too (the test checks the table is
//! complete).

use fynd::ingest::read_document;
use fynd::record::ProjectRecord;
use serde_json::{json, Value};
use std::path::Path;

fn parse(name: &str) -> ProjectRecord {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("corpus/seeds")
        .join(name);
    let parsed = read_document(&path).unwrap_or_else(|err| panic!("{err}"));
    assert!(parsed.warnings.is_empty(), "{name}: {:?}", parsed.warnings);
    parsed.record
}

/// Checks that `expected` names every field of the record except the running text and
/// the lists (checked by the caller), and that each has the expected value.
fn assert_fields(name: &str, record: &ProjectRecord, expected: Value) {
    let Value::Object(mut actual) = serde_json::to_value(record).unwrap() else {
        unreachable!()
    };
    for skipped in ["body", "path", "partners", "municipalities"] {
        actual.remove(skipped);
    }
    assert_eq!(
        actual.remove("counties"),
        Some(json!([])),
        "{name}: no seed names a county"
    );
    let expected = expected.as_object().unwrap();
    for (field, value) in &actual {
        let want = expected
            .get(field)
            .unwrap_or_else(|| panic!("{name}: the table has no expected value for {field}"));
        assert_eq!(value, want, "{name}: field {field}");
    }
    assert_eq!(
        actual.len(),
        expected.len(),
        "{name}: table names unknown fields"
    );
}

/// Body checks: how it starts and ends, and that no metadata or chrome leaked into it.
fn assert_body(name: &str, record: &ProjectRecord, starts: &str, ends: &str, absent: &[&str]) {
    assert!(
        record.body.starts_with(starts),
        "{name}: body starts {:?}",
        &record.body[..80]
    );
    assert!(
        record.body.ends_with(ends),
        "{name}: body ends {:?}",
        record.body
    );
    for text in absent {
        assert!(
            !record.body.contains(text),
            "{name}: body contains {text:?}"
        );
    }
}

#[test]
fn esf_plus_record_000() {
    let name = "000_6a160920bac181de.txt";
    let record = parse(name);
    assert_fields(
        name,
        &record,
        json!({
            "id": "23-023-S06",
            "diarienummer": "23-023-S06",
            "shape": "esf_plus_record",
            "title": "Hur kan en myndighet samordna samverkan",
            "fund": "ESF+",
            "region": "ESF Nationellt",
            "nuts2": "SE0",
            "country": "Sverige",
            "programme_cci": "2021SE05SFPR",
            "programme_area": "A",
            "specific_objective": "A1A",
            "intervention_type": "141",
            "owner": "MYNDIGHETEN FÖR YRKESHÖGSKOLAN",
            "owner_org_number": "2021006230",
            "project_phase": null,
            "start": "2023-10-02",
            "end": "2024-10-02",
            "published": null,
            "budget": null,
            "granted": null,
            "cofinancing_rate": 40.0,
            "participants": null,
            "strategic_importance": false,
            "secondary_themes": {"Motverka barnfattigdom": "Nej"},
            "extra": {},
        }),
    );
    assert_body(
        name,
        &record,
        "Förstudien handlar om hur det går att utveckla",
        "jämställdhet, tillgänglighet och icke-diskriminering.",
        &["Diarienummer", "2021SE05SFPR", "Interventionstyp"],
    );
    assert!(record.partners.is_empty() && record.municipalities.is_empty());
    assert_eq!(record.years(), vec![2023, 2024]);
}

#[test]
fn esf_plus_record_001() {
    let name = "001_583080d64b335500.txt";
    let record = parse(name);
    assert_fields(
        name,
        &record,
        json!({
            "id": "23-032-S03",
            "diarienummer": "23-032-S03",
            "shape": "esf_plus_record",
            "title": "Förstudie stärkt samverkan",
            "fund": "ESF+",
            "region": "Mellersta Norrland",
            "nuts2": "SE32",
            "country": "Sverige",
            "programme_cci": "2021SE05SFPR",
            "programme_area": "D",
            "specific_objective": "D1",
            "intervention_type": "175",
            "owner": "SAMORDNINGSFÖRBUNDET I JÄMTLANDS LÄN",
            "owner_org_number": "2220001990",
            "project_phase": null,
            "start": "2024-01-01",
            "end": "2024-07-31",
            "published": null,
            "budget": null,
            "granted": null,
            "cofinancing_rate": 40.0,
            "participants": 0,
            "strategic_importance": false,
            "secondary_themes": {"Motverka barnfattigdom": "Nej"},
            "extra": {},
        }),
    );
    assert_body(
        name,
        &record,
        "Samordningsförbundet Jämtlands läns övergripande målgrupp",
        "samt andra relevanta samhällsaktörer.",
        &["Antal deltagare", "NUTS-2 kod", "2220001990"],
    );
    assert_eq!(record.years(), vec![2024]);
}

#[test]
fn web_page_002() {
    let name = "002_5bdeeb543aba8f28.txt";
    let record = parse(name);
    assert_fields(
        name,
        &record,
        json!({
            "id": fynd::ingest::content_id(&std::fs::read_to_string(
                Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/seeds").join(name)).unwrap()),
            "diarienummer": null,
            "shape": "web_page",
            "title": "Pilot: Regional samordning",
            "fund": null, "region": null, "nuts2": null, "country": null,
            "programme_cci": null, "programme_area": null, "specific_objective": null,
            "intervention_type": null, "owner": null, "owner_org_number": null,
            "project_phase": null, "start": null, "end": null,
            "published": null,
            "budget": null, "granted": null, "cofinancing_rate": null, "participants": null,
            "strategic_importance": null, "secondary_themes": {}, "extra": {},
        }),
    );
    assert_body(
        name,
        &record,
        "Samordnaren vill utveckla en bestående struktur",
        "E-post: emma.sterky@regeringskansliet.se",
        &["image\n", "Pilot: Regional samordning\n"],
    );
    assert!(record.id.starts_with("doc-") && record.id.len() == 20);
    assert!(record.years().is_empty());
}

#[test]
fn web_page_003() {
    let name = "003_fc3bb941faad508e.txt";
    let record = parse(name);
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("corpus/seeds")
            .join(name),
    )
    .unwrap();
    assert_fields(
        name,
        &record,
        json!({
            "id": fynd::ingest::content_id(&text),
            "diarienummer": null,
            "shape": "web_page",
            "title": "Avslutad förstudie inom ESF",
            "fund": null, "region": null, "nuts2": null, "country": null,
            "programme_cci": null, "programme_area": null, "specific_objective": null,
            "intervention_type": null, "owner": null, "owner_org_number": null,
            "project_phase": null, "start": null, "end": null,
            "published": "2016-08-25",
            "budget": null, "granted": null, "cofinancing_rate": null, "participants": null,
            "strategic_importance": null, "secondary_themes": {}, "extra": {},
        }),
    );
    assert_body(
        name,
        &record,
        "Fortsatt projekt med Finsam föreslås\n\nUnder våren har Sveriges Kommuner",
        "Rapport – Finsams roll i framtidens välfärd",
        &[
            "Actions",
            "Loading...",
            "Nyheter",
            "2016-08-25",
            "cookies",
            "Avslutad förstudie inom ESF",
        ],
    );
    assert_eq!(record.years(), vec![2016]);
}

#[test]
fn esf_project_page_004() {
    let name = "004_81830a1953d1cd11.txt";
    let record = parse(name);
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("corpus/seeds")
            .join(name),
    )
    .unwrap();
    assert_fields(
        name,
        &record,
        json!({
            "id": fynd::ingest::content_id(&text),
            "diarienummer": null,
            "shape": "esf_project_page",
            "title": "Samordnande förstudie ÖMS",
            "fund": "ESF",
            "region": "Östra Mellansverige",
            "nuts2": null, "country": null, "programme_cci": null,
            "programme_area": "Programområde 2 Ökat arbetskraftsutbud",
            "specific_objective": null, "intervention_type": null,
            "owner": "Regionförbundet Örebro",
            "owner_org_number": null,
            "project_phase": "Genomförande",
            "start": "2014-01-02",
            "end": "2014-12-31",
            "published": null,
            "budget": 6036644,
            "granted": 6036644,
            "cofinancing_rate": null, "participants": null, "strategic_importance": null,
            "secondary_themes": {},
            "extra": {
                "Kontaktperson": "Per Holmström",
                "E-post": "per.holmstrom@regionorebro.se",
                "Telefonnummer": "019-6026305",
            },
            // The amounts as the page writes them (no-break spaces between the groups),
            // beside the numbers read from them.
            "as_written": {"budget": "6\u{a0}036\u{a0}644 kr", "granted": "6\u{a0}036\u{a0}644 kr"},
        }),
    );
    assert_body(
        name,
        &record,
        "Sammanfattning\n\nDen samordnande förstudien ska skapa förutsättningar",
        "som ett komplement till egen kompetens inom området.",
        &[
            "Logotyp på utskrifter",
            "In English",
            "ProjektägareRegionförbundet",
            "6 036 644",
            "Samarbetspartners",
            "• Arboga",
        ],
    );
    for heading in [
        "Bakgrund",
        "Målsättning",
        "Tillgänglighet för personer med funktionsnedsättning",
    ] {
        assert!(
            record.body.contains(&format!("\n\n{heading}\n\n")),
            "section {heading}"
        );
    }
    assert_eq!(
        record.partners,
        [
            "Länsstyrelsen Västerås",
            "Regionförbundet Sörmland",
            "Regionförbundet Uppsala län",
            "Regionförbundet Örebro",
            "Regionförbundet Östsam"
        ]
    );
    let bullets = text
        .lines()
        .filter(|l| l.trim_start().starts_with('•'))
        .count();
    assert_eq!(record.partners.len() + record.municipalities.len(), bullets);
    assert_eq!(record.municipalities.len(), 52);
    assert_eq!(
        record.municipalities.first().map(String::as_str),
        Some("Arboga")
    );
    assert_eq!(
        record.municipalities.last().map(String::as_str),
        Some("Östhammar")
    );
    assert!(record.municipalities.iter().any(|m| m == "Västerås"));
    assert_eq!(record.years(), vec![2014]);
}

#[test]
fn shape_is_chosen_by_content_not_file_name() {
    use fynd::ingest::parse_document;
    use fynd::record::DocumentShape;
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/seeds");
    let esf_plus = std::fs::read_to_string(dir.join("000_6a160920bac181de.txt")).unwrap();
    let page = std::fs::read_to_string(dir.join("004_81830a1953d1cd11.txt")).unwrap();
    // Same content under misleading names, with Windows line ends.
    let record = parse_document("page.html", &esf_plus.replace('\n', "\r\n"))
        .unwrap()
        .record;
    assert_eq!(record.shape, DocumentShape::EsfPlusRecord);
    assert_eq!(record.id, "23-023-S06");
    let record = parse_document("23-023-S06.txt", &page).unwrap().record;
    assert_eq!(record.shape, DocumentShape::EsfProjectPage);
}

#[test]
fn unknown_keys_are_kept_and_bad_values_are_reported_with_their_line() {
    use fynd::ingest::parse_document;
    let text = "24-001-S01 - Testprojekt\n\nDiarienummer:\n24-001-S01\nNamn:\nTestprojekt\n\
                Startdatum:\n2024-13-45\nSlutdatum:\n2025-06-30\nBerörd fond:\nESF+\n\
                Ny nyckel:\nNytt värde\n\nBeskrivning.\n";
    let parsed = parse_document("x.txt", text).unwrap();
    assert_eq!(
        parsed.record.extra.get("Ny nyckel").map(String::as_str),
        Some("Nytt värde")
    );
    assert_eq!(
        parsed.record.extra.get("Startdatum").map(String::as_str),
        Some("2024-13-45")
    );
    assert_eq!(parsed.record.start, None);
    assert_eq!(parsed.record.body, "Beskrivning.");
    assert_eq!(parsed.warnings.len(), 1);
    assert_eq!(parsed.warnings[0].line, Some(8));
    assert!(parsed.warnings[0]
        .to_string()
        .starts_with("x.txt:8: Startdatum"));
}
