//! Story: a researcher asks how themes run over the years and across funds, reads every
//! occurrence of a word in context, finds projects like one she knows and the words written
//! around a theme — on the shipped corpus (`corpus/`). Each view is checked against a count
//! made another way: from the hits search exports, or from the records read straight from
//! the files.

mod common;

use common::views::{http_get, shipped_index, DUPLICATE_ID};
use fynd::index::FyndIndex;
use fynd::query::options::SearchOptions;
use fynd::query::{export, SearchRequest};
use fynd::record::ProjectRecord;
use fynd::views::kwic::{kwic, KwicOptions, KwicSort};
use fynd::views::trend::{trend, SumField, TrendBy, TrendOptions};
use std::collections::{BTreeMap, HashMap};

fn index() -> FyndIndex {
    common::open(&shipped_index().0)
}

/// Every record the shipped corpus gives, one per id (the index keeps one record per id).
fn records_by_id() -> HashMap<String, ProjectRecord> {
    shipped_index()
        .1
        .iter()
        .map(|r| (r.id.clone(), r.clone()))
        .collect()
}

/// The records search matches for `query` with `filters`, as `fynd search --format jsonl`
/// exports them.
fn exported(index: &FyndIndex, query: &str, filters: &[&str]) -> Vec<ProjectRecord> {
    let options = SearchOptions {
        filters: filters.iter().map(|f| f.to_string()).collect(),
        ..SearchOptions::new(query)
    };
    let mut request = options.request().unwrap();
    request.limit = usize::MAX;
    export::export(index, &request, false)
        .unwrap()
        .map(|hit| hit.unwrap().record)
        .collect()
}

fn per_year<'a>(records: impl Iterator<Item = &'a ProjectRecord>) -> BTreeMap<i32, u64> {
    let mut counts = BTreeMap::new();
    for record in records {
        for year in record.years() {
            *counts.entry(year).or_insert(0) += 1;
        }
    }
    counts
}

fn base(filters: &[&str]) -> SearchRequest {
    SearchOptions {
        filters: filters.iter().map(|f| f.to_string()).collect(),
        ..SearchOptions::default()
    }
    .request()
    .unwrap()
}

#[test]
fn trend_counts_per_year_equal_the_exported_hits_and_the_records() {
    let index = index();
    let searcher = index.reader().unwrap().searcher();
    let records = records_by_id();
    assert_eq!(records.len() as u64, index.num_records().unwrap());
    let queries = ["samverkan".to_string(), "digitalisering".to_string()];
    let options = TrendOptions {
        by: TrendBy::Year,
        share: true,
        sum: Some(SumField::Granted),
    };
    let got = trend(&index, &searcher, &base(&[]), &queries, options).unwrap();
    // Every year from the first to the last, in order, also years no query matches.
    let all = per_year(records.values());
    let first = *all.keys().next().unwrap();
    let last = *all.keys().last().unwrap();
    let years: Vec<String> = (first..=last).map(|y| y.to_string()).collect();
    assert_eq!(got.buckets, years);
    assert_eq!(got.all_total, records.len());
    for (series, query) in got.series.iter().zip(&queries) {
        let hits = exported(&index, query, &[]);
        assert_eq!(series.total, hits.len(), "{query}");
        assert!(series.total > 0, "{query}");
        let counts = per_year(hits.iter());
        let mut granted: BTreeMap<i32, u64> = BTreeMap::new();
        for hit in &hits {
            for year in hit.years() {
                *granted.entry(year).or_insert(0) += hit.granted.unwrap_or(0);
            }
        }
        for point in &series.points {
            let year: i32 = point.bucket.parse().unwrap();
            let want = counts.get(&year).copied().unwrap_or(0);
            assert_eq!(point.count, want, "{query} in {year}");
            assert_eq!(point.all, all.get(&year).copied().unwrap_or(0), "{year}");
            let share = point.share.unwrap();
            if point.all > 0 {
                assert!((share - want as f64 / point.all as f64).abs() < 1e-12);
            }
            assert_eq!(point.sum, Some(granted.get(&year).copied().unwrap_or(0)));
        }
        let without = hits.iter().filter(|r| r.years().is_empty()).count() as u64;
        assert_eq!(series.unbucketed, without);
    }
}

#[test]
fn trend_by_start_year_and_by_fund_follow_the_filters() {
    let index = index();
    let searcher = index.reader().unwrap().searcher();
    let records = records_by_id();
    let filters = ["fund=ERUF"];
    let options = |by| TrendOptions {
        by,
        share: false,
        sum: None,
    };
    let queries = ["utveckling".to_string()];
    let got = trend(
        &index,
        &searcher,
        &base(&filters),
        &queries,
        options(TrendBy::StartYear),
    )
    .unwrap();
    let hits = exported(&index, "utveckling", &filters);
    assert_eq!(got.series[0].total, hits.len());
    let mut by_start: BTreeMap<String, u64> = BTreeMap::new();
    for hit in &hits {
        if let Some(start) = hit.start {
            *by_start.entry(start.year.to_string()).or_insert(0) += 1;
        }
    }
    for point in &got.series[0].points {
        assert_eq!(
            point.count,
            by_start.get(&point.bucket).copied().unwrap_or(0)
        );
    }
    let eruf = records
        .values()
        .filter(|r| r.fund.as_deref() == Some("ERUF"))
        .count();
    assert_eq!(got.all_total, eruf);

    let got = trend(
        &index,
        &searcher,
        &base(&[]),
        &queries,
        options(TrendBy::Facet(fynd::schema::FacetKey::Fund)),
    )
    .unwrap();
    let hits = exported(&index, "utveckling", &[]);
    let mut by_fund: HashMap<String, u64> = HashMap::new();
    for hit in &hits {
        if let Some(fund) = &hit.fund {
            *by_fund.entry(fund.clone()).or_insert(0) += 1;
        }
    }
    let funds: std::collections::HashSet<&String> =
        records.values().filter_map(|r| r.fund.as_ref()).collect();
    assert_eq!(got.buckets.len(), funds.len(), "every fund is a bucket");
    for point in &got.series[0].points {
        assert_eq!(
            point.count,
            by_fund.get(&point.bucket).copied().unwrap_or(0)
        );
    }
}

#[test]
fn trend_on_the_command_line_prints_a_table_csv_and_a_labelled_chart() {
    let dir = &shipped_index().0;
    let svg = common::scratch_dir("trend-svg").with_extension("svg");
    let run = |args: &[&str]| {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_fynd"))
            .args(args)
            .arg("--index")
            .arg(dir)
            .output()
            .unwrap();
        assert!(output.status.success(), "{:?}", output);
        String::from_utf8(output.stdout).unwrap()
    };
    let table = run(&["trend", "samverkan", "--plot", svg.to_str().unwrap()]);
    assert!(table.contains('█'), "{table}");
    assert!(table.lines().any(|l| l.starts_with("2010 ")), "{table}");
    let chart = std::fs::read_to_string(&svg).unwrap();
    assert!(chart.starts_with("<svg"));
    assert!(chart.contains("matching projects"), "y axis labelled");
    assert!(chart.contains("year"), "x axis labelled");
    assert!(chart.contains("samverkan"), "legend names the query");
    let csv = run(&["trend", "samverkan", "--by", "fund", "--csv"]);
    assert!(
        csv.starts_with("query,fund,count,all,share,sum,summed"),
        "{csv}"
    );
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_fynd"))
        .args(["trend", "x", "--by", "colour", "--index"])
        .arg(dir)
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("start_year"));
}

#[test]
fn trend_charts_as_png_hold_each_series_in_its_colour_and_labelled_axes() {
    let dir = &shipped_index().0;
    let png_path = common::scratch_dir("trend-png").with_extension("png");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_fynd"))
        .args(["trend", "samverkan", "innovation", "--plot"])
        .arg(&png_path)
        .arg("--index")
        .arg(dir)
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let decoder = png::Decoder::new(std::io::BufReader::new(
        std::fs::File::open(&png_path).unwrap(),
    ));
    let mut reader = decoder.read_info().unwrap();
    let mut pixels = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut pixels).unwrap();
    assert_eq!((info.width, info.height), (1920, 1080));
    assert_eq!(info.color_type, png::ColorType::Rgb);
    let rgb: Vec<[u8; 3]> = pixels.chunks(3).map(|p| [p[0], p[1], p[2]]).collect();
    // Both series are drawn, each in its own colour.
    for colour in [[0, 114, 178], [213, 94, 0]] {
        let drawn = rgb.iter().filter(|p| **p == colour).count();
        assert!(drawn > 1000, "{colour:?}: {drawn} pixels");
    }
    // Text is drawn: dark pixels in the y axis's label strip and under the x axis.
    let dark = |x0: u32, x1: u32, y0: u32, y1: u32| {
        (y0..y1)
            .flat_map(|y| (x0..x1).map(move |x| (x, y)))
            .filter(|(x, y)| rgb[(y * 1920 + x) as usize].iter().all(|c| *c < 100))
            .count()
    };
    assert!(dark(0, 100, 300, 800) > 200, "y axis label");
    assert!(dark(400, 1500, 1000, 1080) > 200, "x axis label");
    // Another extension is refused, naming the file and what to write.
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_fynd"))
        .args(["trend", "samverkan", "--plot", "chart.jpg", "--index"])
        .arg(dir)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("chart.jpg") && stderr.contains(".png"),
        "{stderr}"
    );
}

/// `value` with every float narrowed to an f32 (an f32 written and read back as JSON
/// differs from its f64 widening; an f64 may be read back a last bit off).
fn rounded(value: serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::Number(n) if n.is_f64() => Value::from(n.as_f64().unwrap() as f32),
        Value::Array(items) => Value::Array(items.into_iter().map(rounded).collect()),
        Value::Object(map) => {
            Value::Object(map.into_iter().map(|(k, v)| (k, rounded(v))).collect())
        }
        other => other,
    }
}

#[test]
fn views_answer_over_http_as_on_the_command_line() {
    let (dir, _) = shipped_index();
    let server = fynd::server::RunningServer::start(fynd::server::ServerConfig {
        port: 0,
        ..fynd::server::ServerConfig::new(dir)
    })
    .unwrap();
    let (status, body) = http_get(
        server.addr,
        "/api/trend?q=samverkan&q=digitalisering&by=year&share=1&filter=fund:ERUF",
    );
    assert_eq!(status, 200, "{body}");
    let answer: serde_json::Value = serde_json::from_str(&body).unwrap();
    let index = index();
    let searcher = index.reader().unwrap().searcher();
    let want = trend(
        &index,
        &searcher,
        &base(&["fund=ERUF"]),
        &["samverkan".to_string(), "digitalisering".to_string()],
        TrendOptions {
            by: TrendBy::Year,
            share: true,
            sum: None,
        },
    )
    .unwrap();
    let mut want = serde_json::to_value(&want).unwrap();
    let mut answer = answer;
    want["took_ms"] = 0.into();
    answer["took_ms"] = 0.into();
    assert_eq!(rounded(answer), rounded(want));
    let (status, body) = http_get(server.addr, "/api/trend?by=year");
    assert_eq!(status, 400, "{body}");
    let (status, body) = http_get(server.addr, "/api/trend?q=a&colour=red");
    assert_eq!(status, 400);
    assert!(body.contains("share"), "{body}");
    let (status, body) = http_get(
        server.addr,
        "/api/kwic?q=samverkan&width=25&sort=left&limit=20",
    );
    assert_eq!(status, 200, "{body}");
    let answer: serde_json::Value = serde_json::from_str(&body).unwrap();
    let (total, lines) = kwic_lines(
        &index,
        "samverkan",
        KwicOptions {
            width: 25,
            sort: KwicSort::Left,
            limit: 20,
        },
    );
    assert_eq!(answer["total"], total);
    assert_eq!(answer["lines"], serde_json::to_value(&lines).unwrap());
    let (status, _) = http_get(server.addr, "/api/kwic?q=samverkan&limit=5000");
    assert_eq!(status, 400);
    let (status, body) = http_get(server.addr, &format!("/api/similar/{DUPLICATE_ID}?limit=3"));
    assert_eq!(status, 200, "{body}");
    let answer: serde_json::Value = serde_json::from_str(&body).unwrap();
    let want = fynd::views::similar::similar(&index, &searcher, DUPLICATE_ID, 3).unwrap();
    let mut want = serde_json::to_value(&want).unwrap();
    let mut answer = answer;
    want["took_ms"] = 0.into();
    answer["took_ms"] = 0.into();
    assert_eq!(rounded(answer), rounded(want));
    let (status, _) = http_get(server.addr, "/api/similar/no-such-id");
    assert_eq!(status, 404);
    let (status, body) = http_get(
        server.addr,
        "/api/cooccur?q=digitalisering&limit=5&min_count=2",
    );
    assert_eq!(status, 200, "{body}");
    let request = SearchOptions::new("digitalisering").request().unwrap();
    let options = fynd::views::cooccur::CooccurOptions {
        limit: 5,
        min_count: 2,
    };
    let want = fynd::views::cooccur::cooccur(&index, &searcher, &request, options).unwrap();
    let mut want = serde_json::to_value(&want).unwrap();
    let mut answer: serde_json::Value = serde_json::from_str(&body).unwrap();
    want["took_ms"] = 0.into();
    answer["took_ms"] = 0.into();
    assert_eq!(rounded(answer), rounded(want));
    // The page asks the same endpoints for its trend, concordance, similar projects and map.
    let (status, script) = http_get(server.addr, "/app.js");
    assert_eq!(status, 200);
    for endpoint in [
        "api/trend?",
        "api/kwic?",
        "api/similar/",
        "api/facets/county?",
    ] {
        assert!(script.contains(endpoint), "the page uses {endpoint}");
    }
    let (_, page) = http_get(server.addr, "/");
    assert!(page.contains(r#"role="tablist""#) && page.contains(r#"data-view="kwic""#));
    assert!(page.contains(r#"data-view="map""#));
    server.stop().unwrap();
}

fn flatten(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn kwic_lines(
    index: &FyndIndex,
    query: &str,
    options: KwicOptions,
) -> (usize, Vec<fynd::views::kwic::KwicLine>) {
    let searcher = index.reader().unwrap().searcher();
    let request = SearchOptions::new(query).request().unwrap();
    let stream = kwic(index, &searcher, &request, options).unwrap();
    let total = stream.total;
    (total, stream.map(Result::unwrap).collect())
}

#[test]
fn every_kwic_line_holds_a_match_that_is_in_its_record() {
    let index = index();
    let records = records_by_id();
    let options = KwicOptions {
        width: 30,
        sort: KwicSort::Doc,
        limit: 0,
    };
    let (total, lines) = kwic_lines(&index, "samverkan", options);
    assert_eq!(total, exported(&index, "samverkan", &[]).len());
    assert!(lines.len() > total, "every occurrence, not one per record");
    let mut compounds = 0;
    for line in &lines {
        let record = &records[&line.id];
        let text = if line.field == "title" {
            &record.title
        } else {
            &record.body
        };
        assert_eq!(
            &text[line.offset..line.offset + line.matched.len()],
            line.matched
        );
        // The match, or a suspended compound the analyzer completes from the next words
        // ("forsknings- och innovationssamverkan").
        let suspended =
            line.right.starts_with('-') && line.right.to_lowercase().contains("samverk");
        assert!(
            line.matched.to_lowercase().contains("samverk") || suspended,
            "{line:?}"
        );
        assert_eq!(line.shown.replace('|', ""), line.matched);
        assert!(line.left.chars().count() <= 30 && line.right.chars().count() <= 30);
        assert!(
            flatten(&text[..line.offset]).ends_with(line.left.trim()),
            "{line:?}"
        );
        assert!(flatten(&text[line.offset + line.matched.len()..]).starts_with(line.right.trim()));
        if line.shown.contains('|') {
            compounds += 1;
            assert!(
                line.part
                    .as_deref()
                    .is_some_and(|p| p.to_lowercase().starts_with("samverkan")),
                "{line:?}"
            );
        }
    }
    assert!(compounds > 0, "compounds shown with their boundary");
    // Every occurrence in a record of the seed corpus: as many lines as "samverka" occurs.
    let seed = "23-023-S06";
    let record = &records[seed];
    let written = format!("{} {}", record.title, record.body)
        .to_lowercase()
        .matches("samverka")
        .count();
    assert_eq!(lines.iter().filter(|l| l.id == seed).count(), written);

    // On the command line the match starts at column width + 2 of every line.
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_fynd"))
        .args([
            "kwic",
            "samverkan",
            "--width",
            "30",
            "--limit",
            "200",
            "--index",
        ])
        .arg(&shipped_index().0)
        .output()
        .unwrap();
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    let printed: Vec<&str> = text.lines().collect();
    assert_eq!(printed.len(), 201, "200 lines and a summary");
    for (row, line) in printed[..200].iter().zip(&lines) {
        let at: String = row.chars().skip(32).collect();
        assert!(at.starts_with(&line.shown), "{row:?} / {line:?}");
        assert!(row.ends_with(&line.id));
    }
}

#[test]
fn kwic_sorts_by_context_and_limits() {
    let index = index();
    let sorted = |sort| {
        kwic_lines(
            &index,
            "samverkan",
            KwicOptions {
                width: 20,
                sort,
                limit: 50,
            },
        )
        .1
    };
    let left = sorted(KwicSort::Left);
    assert_eq!(left.len(), 50);
    let key = |l: &fynd::views::kwic::KwicLine| {
        l.left
            .split_whitespace()
            .rev()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    assert!(left.windows(2).all(|w| key(&w[0]) <= key(&w[1])));
    let right = sorted(KwicSort::Right);
    let key = |l: &fynd::views::kwic::KwicLine| format!("{} {}", l.matched, l.right).to_lowercase();
    assert!(right.windows(2).all(|w| key(&w[0]) <= key(&w[1])));
    // The first lines of the whole sorted concordance, not of a part of it.
    let (_, all) = kwic_lines(
        &index,
        "samverkan",
        KwicOptions {
            width: 20,
            sort: KwicSort::Right,
            limit: 0,
        },
    );
    assert_eq!(right[..], all[..50]);
}

#[test]
fn a_page_of_kwic_lines_in_search_order_is_the_head_of_the_whole_concordance() {
    // Property: a page (which reads the best records first, and orders every hit only when
    // their lines do not fill it) is the first lines of the concordance over every hit in
    // order, whatever the query's frequency, the page's size, or where the words stand
    // (records matched by their fund alone have no lines).
    let index = index();
    for query in [
        "samverkan",
        "kommun",
        "digitalisering",
        "projekt",
        "digitalisering OR fund:ERUF",
    ] {
        let (total, all) = kwic_lines(
            &index,
            query,
            KwicOptions {
                width: 25,
                sort: KwicSort::Doc,
                limit: 0,
            },
        );
        assert!(!all.is_empty(), "{query}");
        for limit in [1, 7, 40, 100, 333] {
            let (page_total, page) = kwic_lines(
                &index,
                query,
                KwicOptions {
                    width: 25,
                    sort: KwicSort::Doc,
                    limit,
                },
            );
            assert_eq!(page_total, total, "{query} {limit}");
            assert_eq!(page[..], all[..limit.min(all.len())], "{query} {limit}");
        }
    }
}

#[test]
fn kwic_in_exact_mode_shows_no_compounds() {
    let index = index();
    let searcher = index.reader().unwrap().searcher();
    let options = SearchOptions {
        match_mode: Some("exact".into()),
        ..SearchOptions::new("samverkan")
    };
    let request = options.request().unwrap();
    let lines: Vec<_> = kwic(
        &index,
        &searcher,
        &request,
        KwicOptions {
            width: 20,
            sort: KwicSort::Doc,
            limit: 0,
        },
    )
    .unwrap()
    .map(Result::unwrap)
    .collect();
    assert!(!lines.is_empty());
    assert!(lines
        .iter()
        .all(|l| l.part.is_none() && !l.shown.contains('|')));
}

#[test]
fn kwic_finds_every_occurrence_in_a_huge_document() {
    let sentence = "Projektet stärker samverkan i regionen. ";
    let times = 8_000; // about 320 kB: several analysed pieces
    let body = sentence.repeat(times);
    let records = vec![
        common::page("huge", "Stort dokument", &body),
        common::page("small", "Litet", "Ingen träff här."),
    ];
    let (_dir, index) = common::index_of(&records, fynd::analysis::lexicon::Chain::Full);
    let (total, lines) = kwic_lines(
        &index,
        "samverkan",
        KwicOptions {
            width: 10,
            sort: KwicSort::Doc,
            limit: 0,
        },
    );
    assert_eq!(total, 1);
    assert_eq!(lines.len(), times);
    for (n, line) in lines.iter().enumerate() {
        assert_eq!(line.offset, n * sentence.len() + "Projektet stärker ".len());
    }
}

#[test]
fn a_records_near_duplicate_ranks_first_in_similar_with_shared_terms_from_both() {
    let index = index();
    let searcher = index.reader().unwrap().searcher();
    let records = records_by_id();
    let original = common::views::original(&shipped_index().1[..shipped_index().1.len() - 1]);
    let found = fynd::views::similar::similar(&index, &searcher, &original.id, 5).unwrap();
    assert_eq!(found.id, original.id);
    assert_eq!(found.hits.len(), 5);
    assert_eq!(found.hits[0].id, DUPLICATE_ID, "{:?}", found.hits);
    assert!(found.hits.iter().all(|hit| hit.id != original.id));
    assert!(found.hits.windows(2).all(|w| w[0].score >= w[1].score));
    let duplicate = &found.hits[0];
    assert!(
        duplicate.shared.len() * 2 > found.terms.len(),
        "the copy shares most terms"
    );
    // Every shared term stands for a word written in both records.
    for hit in &found.hits {
        let other = &records[&hit.id];
        assert!(!hit.shared.is_empty());
        for term in &hit.shared {
            let in_text = |r: &ProjectRecord| {
                format!("{} {}", r.title, r.body)
                    .to_lowercase()
                    .contains(&term.word)
            };
            assert!(in_text(&original), "{term:?}");
            if term.kind == fynd::views::terms::TermSource::Word {
                assert!(found.terms.contains(term));
            }
            let _ = other;
        }
    }
    // The other way round: the original ranks first for its copy.
    let back = fynd::views::similar::similar(&index, &searcher, DUPLICATE_ID, 1).unwrap();
    assert_eq!(back.hits[0].id, original.id);
    let err = fynd::views::similar::similar(&index, &searcher, "no-such-id", 1).unwrap_err();
    assert!(err.to_string().contains("no record"), "{err}");
}

#[test]
fn cooccur_counts_add_up_and_equal_a_count_over_the_records() {
    let index = index();
    let searcher = index.reader().unwrap().searcher();
    let records = records_by_id();
    let request = SearchOptions::new("digitalisering").request().unwrap();
    let options = fynd::views::cooccur::CooccurOptions {
        limit: 15,
        min_count: 2,
    };
    let found = fynd::views::cooccur::cooccur(&index, &searcher, &request, options).unwrap();
    let hits: std::collections::HashSet<String> = exported(&index, "digitalisering", &[])
        .into_iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(found.matching as usize, hits.len());
    assert_eq!(found.documents as usize, records.len());
    assert_eq!(found.score, "log_likelihood");
    assert!(!found.terms.is_empty());
    // Every term's document counts, counted again by analysing every record's text: words
    // in the title and body, parts in every text field (as the parts field holds them).
    let mut analyzer = index.analyzer();
    let mut has: HashMap<(String, &str), (u64, u64)> = HashMap::new();
    let wanted: std::collections::HashSet<(String, &str)> = found
        .terms
        .iter()
        .map(|t| (t.term.clone(), t.kind.name()))
        .collect();
    for record in records.values() {
        let mut words = std::collections::HashSet::new();
        let mut parts = std::collections::HashSet::new();
        for text in [&record.title, &record.body] {
            let analysis = analyzer.analyze(text);
            words.extend(analysis.words.into_iter().map(|t| t.term));
        }
        let owner = record.owner.clone().unwrap_or_default();
        let texts = [&record.title, &record.body, &owner]
            .into_iter()
            .chain(&record.partners)
            .chain(&record.municipalities);
        for text in texts {
            parts.extend(analyzer.analyze(text).parts.into_iter().map(|t| t.term));
        }
        let matching = hits.contains(&record.id);
        for key in &wanted {
            let present = match key.1 {
                "word" => words.contains(&key.0),
                _ => parts.contains(&key.0),
            };
            if present {
                let entry = has.entry(key.clone()).or_insert((0, 0));
                entry.0 += u64::from(matching);
                entry.1 += 1;
            }
        }
    }
    let (m, r) = (found.matching, found.documents);
    let own: Vec<String> = analyzer
        .analyze("digitalisering")
        .words
        .into_iter()
        .map(|t| t.term)
        .collect();
    for term in &found.terms {
        let (a, n) = has[&(term.term.clone(), term.kind.name())];
        assert_eq!((term.in_matching, term.in_all), (a, n), "{term:?}");
        assert!(a >= 2 && a <= m && a <= n && n - a <= r - m);
        let (b, c) = (m - a, n - a);
        let d = r - m - c;
        assert_eq!(a + b + c + d, r);
        let g2 = fynd::views::cooccur::log_likelihood(a, b, c, d);
        assert!((term.log_likelihood - g2).abs() < 1e-9);
        assert!((term.expected - n as f64 * m as f64 / r as f64).abs() < 1e-9);
        assert!(
            a as f64 / m as f64 > c as f64 / (r - m) as f64,
            "over-represented"
        );
        assert!(
            !own.contains(&term.term),
            "the query's own terms are left out: {term:?}"
        );
    }
    assert!(found
        .terms
        .windows(2)
        .all(|w| w[0].log_likelihood >= w[1].log_likelihood));
}
