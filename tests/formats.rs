//! Story: documents arrive from many places — saved web pages, database exports in CSV, TSV,
//! JSON and JSON Lines, text from old Windows systems — and each lands as the same records.

mod common;

use common::corpus_dir;
use fynd::index::{index_paths, FyndIndex, NoProgress, DEFAULT_WRITER_MEMORY};
use fynd::ingest::{parse_bytes, read_document};
use fynd::query::{search, SearchRequest};
use fynd::record::{Date, DocumentShape};

fn seed(name: &str) -> String {
    std::fs::read_to_string(corpus_dir().join(name)).unwrap()
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[test]
fn a_record_saved_as_a_web_page_reads_like_the_text() {
    let text = seed("000_6a160920bac181de.txt");
    let lines: String = text
        .lines()
        .map(|line| format!("<div>{}</div>\n", escape(line)))
        .collect();
    let html = format!(
        "<!DOCTYPE html><html><head><title>Projekt | Projektbanken</title>\
         <script>track()</script></head><body><nav>Meny Start Sök</nav>\
         <main>{lines}</main><div class=\"cookie-notice\">Vi använder kakor</div></body></html>"
    );
    let from_html = parse_bytes("000.html", html.as_bytes())
        .unwrap()
        .documents
        .remove(0)
        .record;
    let from_text = read_document(&corpus_dir().join("000_6a160920bac181de.txt"))
        .unwrap()
        .record;
    assert_eq!(from_html.shape, DocumentShape::EsfPlusRecord);
    assert_eq!(from_html.id, from_text.id);
    assert_eq!(from_html.title, from_text.title);
    assert_eq!(from_html.owner, from_text.owner);
    assert_eq!(from_html.start, from_text.start);
    assert_eq!(
        from_html.body.split_whitespace().collect::<Vec<_>>(),
        from_text.body.split_whitespace().collect::<Vec<_>>()
    );
    for chrome in ["track()", "Meny", "kakor", "Projektbanken"] {
        assert!(!from_html.body.contains(chrome), "{chrome} left out");
    }
}

#[test]
fn a_news_page_in_html_keeps_its_title_date_and_text() {
    let html = "<html><head><title>Avslutad förstudie – Finsam</title></head><body>\
        <header><a href='/'>Finsam.se</a></header><article><h1>Avslutad förstudie inom ESF</h1>\
        <p>2016-08-25</p><p>Under våren har <em>SKL</em> bedrivit en förstudie om myndighetssamverkan.</p>\
        </article><footer>Kontakt</footer></body></html>";
    let record = parse_bytes("news.html", html.as_bytes())
        .unwrap()
        .documents
        .remove(0)
        .record;
    assert_eq!(record.shape, DocumentShape::WebPage);
    assert_eq!(record.title, "Avslutad förstudie inom ESF");
    assert_eq!(record.published, Date::parse("2016-08-25"));
    assert_eq!(
        record.body,
        "Under våren har SKL bedrivit en förstudie om myndighetssamverkan."
    );
}

#[test]
fn encodings_and_line_ends_do_not_change_the_record() {
    let text = seed("001_583080d64b335500.txt");
    let reference = parse_bytes("001.txt", text.as_bytes())
        .unwrap()
        .documents
        .remove(0)
        .record;
    let crlf = text.replace('\n', "\r\n");
    let cr = text.replace('\n', "\r");
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(text.as_bytes());
    let utf16le: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    let utf16be: Vec<u8> = [0xFE, 0xFF]
        .into_iter()
        .chain(text.encode_utf16().flat_map(u16::to_be_bytes))
        .collect();
    let (windows_1252, _, unmappable) = encoding_rs::WINDOWS_1252.encode(&text);
    assert!(!unmappable, "the seed fits in Windows-1252");
    for (name, bytes) in [
        ("crlf", crlf.into_bytes()),
        ("cr", cr.into_bytes()),
        ("utf-8 bom", bom),
        ("utf-16le", utf16le),
        ("utf-16be", utf16be),
        ("windows-1252", windows_1252.into_owned()),
    ] {
        let record = parse_bytes("001.txt", &bytes)
            .unwrap()
            .documents
            .remove(0)
            .record;
        assert_eq!(record, reference, "{name}");
    }
}

#[test]
fn tables_in_every_format_and_header_spelling_give_the_same_records() {
    let csv = "Diarienummer,Projektnamn,Projektägare,Region,Län,Kommuner,Startdatum,Slutdatum,Beviljat belopp SEK,Beskrivning,Färg\n\
               T-1,Samverkan i norr,Region Norrbotten,Övre Norrland,Norrbotten,\"Luleå, Piteå\",2020-01-01,2021-06-30,\"1 500 000\",\"Ett projekt om samverkan.\nTvå rader.\",blå\n\
               T-2,Kompetens i syd,Region Skåne,Sydsverige,Skåne,Malmö,2019-03-01,2019-12-31,250000,Kompetensförsörjning i Skåne.,röd\n";
    let tsv = "arende_id\tprojektnamn\tstodmottagare\tomrade\tlan\tkommuner\tprojekt_starttid\tprojekt_sluttid\tbeviljat_belopp_sek\tprojektbeskrivning\tFärg\n\
               T-1\tSamverkan i norr\tRegion Norrbotten\tÖvre Norrland\tNorrbotten\tLuleå, Piteå\t2020-01-01\t2021-06-30\t1500000\t\"Ett projekt om samverkan.\nTvå rader.\"\tblå\n\
               T-2\tKompetens i syd\tRegion Skåne\tSydsverige\tSkåne\tMalmö\t2019-03-01\t2019-12-31\t250000\tKompetensförsörjning i Skåne.\tröd\n";
    let jsonl = r#"{"ärende-id": "T-1", "projektnamn": "Samverkan i norr", "stödmottagare": "Region Norrbotten", "område": "Övre Norrland", "län": "Norrbotten", "kommuner": ["Luleå", "Piteå"], "projekt_starttid": "2020-01-01", "projekt_sluttid": "2021-06-30", "beviljat_belopp_sek": 1500000, "projektbeskrivning": "Ett projekt om samverkan.\nTvå rader.", "Färg": "blå"}
{"ärende-id": "T-2", "projektnamn": "Kompetens i syd", "stödmottagare": "Region Skåne", "område": "Sydsverige", "län": "Skåne", "kommuner": "Malmö", "projekt_starttid": "2019-03-01", "projekt_sluttid": "2019-12-31", "beviljat_belopp_sek": 250000, "projektbeskrivning": "Kompetensförsörjning i Skåne.", "Färg": "röd"}
"#;
    let json_array = format!("[{}]", jsonl.trim().replace('\n', ","));
    let mut results = Vec::new();
    for (name, text) in [
        ("t.csv", csv.to_string()),
        ("t.tsv", tsv.to_string()),
        ("t.jsonl", jsonl.to_string()),
        ("t.json", json_array),
    ] {
        let contents = parse_bytes(name, text.as_bytes()).unwrap();
        assert!(
            contents.problems.is_empty(),
            "{name}: {:?}",
            contents.problems
        );
        let mut records: Vec<_> = contents
            .documents
            .into_iter()
            .map(|d| {
                let mut r = d.record;
                r.path = String::new();
                r
            })
            .collect();
        assert_eq!(records.len(), 2, "{name}");
        let first = &records[0];
        assert_eq!(first.id, "T-1", "{name}");
        assert_eq!(first.title, "Samverkan i norr");
        assert_eq!(first.owner.as_deref(), Some("Region Norrbotten"));
        assert_eq!(first.region.as_deref(), Some("Övre Norrland"));
        assert_eq!(first.counties, ["Norrbotten"]);
        assert_eq!(first.municipalities, ["Luleå", "Piteå"]);
        assert_eq!(first.start, Date::parse("2020-01-01"));
        assert_eq!(first.granted, Some(1_500_000));
        assert_eq!(first.body, "Ett projekt om samverkan.\nTvå rader.");
        assert_eq!(
            first.extra.get("Färg").map(String::as_str),
            Some("blå"),
            "unknown columns kept"
        );
        records.iter_mut().for_each(|r| r.extra.clear());
        // The CSV writes the amount grouped ("1 500 000"): kept as written beside the number.
        if name == "t.csv" {
            assert_eq!(records[0].as_written["granted"], "1 500 000");
        }
        records.iter_mut().for_each(|r| r.as_written.clear());
        results.push((name, records));
    }
    for (name, records) in &results[1..] {
        let mut reference = results[0].1.clone();
        // CSV names the amount column differently; everything else must agree.
        for r in reference.iter_mut() {
            r.extra.clear();
        }
        assert_eq!(records, &reference, "{name} agrees with t.csv");
    }
}

#[test]
fn bad_values_and_bad_rows_are_reported_with_file_and_line_and_the_rest_is_indexed() {
    let dir = tempfile::tempdir().unwrap();
    let docs = dir.path().join("docs");
    std::fs::create_dir(&docs).unwrap();
    let write = |name: &str, text: &str| std::fs::write(docs.join(name), text).unwrap();
    write(
        "a_first.txt",
        "24-001-S01 - Första versionen\n\nDiarienummer:\n24-001-S01\nNamn:\nFörsta versionen\n\
         Startdatum:\n2024-13-45\nBerörd fond:\nESF+\n\nText om samverkan.\n",
    );
    write(
        "b_second.txt",
        "24-001-S01 - Andra versionen\n\nDiarienummer:\n24-001-S01\nNamn:\nAndra versionen\n\
         Startdatum:\n2024-01-01\nBerörd fond:\nESF+\n\nText om samordning.\n",
    );
    write(
        "table.csv",
        "arende_id,projektnamn,beviljat_belopp_sek,projektbeskrivning\n\
         R-1,Rad ett,tusen kronor,Beskrivning ett\n\
         R-2,Rad två,2000,\n",
    );
    write(
        "broken.json",
        "[{\"arende_id\": \"J-0\", \"projektnamn\": \"x\"},\n 42,\n {oops}]",
    );
    write("mixed.json", "[{\"arende_id\": \"J-1\", \"projektnamn\": \"Jsonprojekt\", \"projektbeskrivning\": \"Text.\"}, 42]");
    let index_dir = dir.path().join("index");
    let summary = index_paths(
        &index_dir,
        std::slice::from_ref(&docs),
        DEFAULT_WRITER_MEMORY,
        &mut NoProgress,
    )
    .unwrap();
    let all = |list: &[String]| list.join("\n");
    assert_eq!(
        summary.total_records, 4,
        "24-001-S01 once, R-1, R-2, J-1: {summary:?}"
    );
    let warnings = all(&summary.warnings);
    assert!(
        warnings.contains("a_first.txt:8: Startdatum: \"2024-13-45\" is not a date"),
        "{warnings}"
    );
    assert!(
        warnings
            .contains("table.csv:2: beviljat_belopp_sek: \"tusen kronor\" is not an exact amount"),
        "{warnings}"
    );
    assert!(
        warnings.contains("table.csv:3: record R-2 has no description"),
        "{warnings}"
    );
    assert!(
        warnings.contains("b_second.txt: same id 24-001-S01 as a record in")
            && warnings.contains("a_first.txt"),
        "{warnings}"
    );
    let skipped = all(&summary.skipped);
    assert!(
        skipped.contains("broken.json:3: not a valid JSON array of objects: key must be a string"),
        "{skipped}"
    );
    assert!(
        skipped.contains("mixed.json: element 2 of the array is not an object; skipped"),
        "{skipped}"
    );

    let index = FyndIndex::open(&index_dir).unwrap();
    let response = search(&index, &SearchRequest::new("id:24-001-S01")).unwrap();
    assert_eq!(response.total, 1);
    assert_eq!(
        response.hits[0].title, "Andra versionen",
        "the later file wins"
    );
}
