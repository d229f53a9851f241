//! `fynd serve` over HTTP: every endpoint and every error answer, against a server started
//! in-process on a free loopback port, with an index built from `corpus/seeds`. Expected
//! answers come from the library's own functions (the CLI's `--json` contract), not from
//! written-in values.

mod common;

use common::corpus_dir;
use common::http::{get, request, Answer};
use fynd::index::{index_paths, FyndIndex, NoProgress, DEFAULT_WRITER_MEMORY};
use fynd::output::record_view::record_json;
use fynd::query::options::SearchOptions;
use fynd::query::{facet_values, lookup, search};
use fynd::schema::FacetKey;
use fynd::server::{RunningServer, ServerConfig};
use serde_json::Value;
use std::net::SocketAddr;
use std::path::Path;
use std::time::{Duration, Instant};

fn start(dir: &Path) -> RunningServer {
    let config = ServerConfig {
        port: 0,
        ..ServerConfig::new(dir)
    };
    RunningServer::start(config).unwrap()
}

/// The corpus indexed into a fresh folder (each test that changes it gets its own).
fn corpus_index() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    index_paths(
        dir.path(),
        &[corpus_dir()],
        DEFAULT_WRITER_MEMORY,
        &mut NoProgress,
    )
    .unwrap();
    dir
}

/// A search answer without its timing, for comparing.
fn untimed(mut value: Value) -> Value {
    value.as_object_mut().unwrap().remove("took_ms");
    value
}

#[test]
fn search_answers_as_the_cli_json_contract() {
    let dir = corpus_index();
    let server = start(dir.path());
    let index = FyndIndex::open(dir.path()).unwrap();
    for (path, options) in [
        ("/api/search?q=samverkan", SearchOptions::new("samverkan")),
        (
            "/api/search?q=samverkan&filter=fund:ESF%2B&sort=start:desc&limit=1&offset=1",
            SearchOptions {
                filters: vec!["fund=ESF+".into()],
                sort: Some("start:desc".into()),
                ..SearchOptions::new("samverkan")
            },
        ),
        (
            "/api/search?q=myndighetssamverkan&match=exact",
            SearchOptions {
                match_mode: Some("exact".into()),
                ..SearchOptions::new("myndighetssamverkan")
            },
        ),
        (
            "/api/search?q=myndighetssamverkan&match=broad&near=0",
            SearchOptions {
                match_mode: Some("broad".into()),
                near: Some("0".into()),
                ..SearchOptions::new("myndighetssamverkan")
            },
        ),
        (
            "/api/search?q=&from=2023&to=2024-12-31&filter=region=Mellersta%20Norrland",
            SearchOptions {
                from: Some("2023".into()),
                to: Some("2024-12-31".into()),
                filters: vec!["region=Mellersta Norrland".into()],
                ..SearchOptions::default()
            },
        ),
    ] {
        let answer = get(server.addr, path);
        assert_eq!(answer.status, 200, "{path}: {}", answer.body);
        assert!(answer.header("content-type").unwrap().contains("json"));
        let mut request = options.request().unwrap();
        if path.contains("limit=1") {
            request.limit = 1;
            request.offset = 1;
        }
        request.facet_limit = 10;
        // Through text, as the CLI prints it (f32 scores read back as the server's do).
        let expected = serde_json::to_string(&search(&index, &request).unwrap()).unwrap();
        let expected: Value = serde_json::from_str(&expected).unwrap();
        assert_eq!(untimed(answer.json()), untimed(expected), "{path}");
    }
}

#[test]
fn facet_filters_are_multi_select() {
    let dir = corpus_index();
    let server = start(dir.path());
    let all = get(server.addr, "/api/search?q=").json();
    let funds = all["facets"]["fund"].as_array().unwrap().clone();
    assert!(funds.len() >= 2, "the corpus has two funds: {funds:?}");
    let count = |fund: &Value| fund["count"].as_u64().unwrap();
    let (first, second) = (&funds[0], &funds[1]);
    let one = get(
        server.addr,
        &format!(
            "/api/search?q=&filter=fund:{}",
            enc(first["value"].as_str().unwrap())
        ),
    )
    .json();
    assert_eq!(one["total"].as_u64().unwrap(), count(first));
    // A facet's own filter does not narrow its counts.
    assert_eq!(one["facets"]["fund"], all["facets"]["fund"]);
    let both = get(
        server.addr,
        &format!(
            "/api/search?q=&filter=fund:{}&filter=fond:{}",
            enc(first["value"].as_str().unwrap()),
            enc(second["value"].as_str().unwrap())
        ),
    )
    .json();
    assert_eq!(
        both["total"].as_u64().unwrap(),
        count(first) + count(second)
    );
}

fn enc(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

#[test]
fn records_facets_export_health_and_page() {
    let dir = corpus_index();
    let server = start(dir.path());
    let index = FyndIndex::open(dir.path()).unwrap();
    let addr = server.addr;

    let health = get(addr, "/healthz");
    assert_eq!(health.status, 200);
    assert_eq!(health.json()["records"], index.num_records().unwrap());

    let hit = &get(addr, "/api/search?q=samverkan").json()["hits"][0];
    let id = hit["id"].as_str().unwrap();
    let record = get(addr, &format!("/api/records/{}", enc(id)));
    assert_eq!(record.status, 200);
    let expected = record_json(&lookup::find_record(&index, id).unwrap());
    assert_eq!(record.json(), expected);
    assert!(!record.json()["body"].as_str().unwrap().is_empty());
    let lower = get(addr, &format!("/api/records/{}", enc(&id.to_lowercase())));
    assert_eq!(lower.json()["id"], id, "ids match regardless of case");

    let facets = get(addr, "/api/facets/fond?q=samverkan");
    assert_eq!(facets.status, 200, "{}", facets.body);
    let request = SearchOptions::new("samverkan").request().unwrap();
    let expected = facet_values(&index, &request, FacetKey::Fund).unwrap();
    let expected: Value = serde_json::from_str(&serde_json::to_string(&expected).unwrap()).unwrap();
    assert_eq!(facets.json(), expected);

    let total = get(addr, "/api/search?q=samverkan").json()["total"]
        .as_u64()
        .unwrap() as usize;
    let csv = get(addr, "/api/export?format=csv&q=samverkan");
    assert_eq!(csv.status, 200);
    assert!(csv.header("content-type").unwrap().starts_with("text/csv"));
    assert_eq!(csv.header("transfer-encoding"), Some("chunked"), "streamed");
    let mut reader = csv::Reader::from_reader(csv.body.as_bytes());
    let ids: Vec<String> = reader
        .records()
        .map(|row| row.unwrap()[1].to_string())
        .collect();
    assert_eq!(ids.len(), total);
    assert!(ids.contains(&id.to_string()));
    let jsonl = get(addr, "/api/export?format=jsonl&q=samverkan&limit=1");
    assert_eq!(jsonl.body.lines().count(), 1);
    assert_eq!(
        serde_json::from_str::<Value>(jsonl.body.lines().next().unwrap()).unwrap()["id"],
        id
    );

    let page = get(addr, "/");
    assert_eq!(page.status, 200);
    assert!(page
        .header("content-type")
        .unwrap()
        .starts_with("text/html"));
    assert!(page.body.contains("app.js") && page.body.contains("style.css"));
    for (path, kind) in [("/app.js", "javascript"), ("/style.css", "css")] {
        let asset = get(addr, path);
        assert_eq!(asset.status, 200);
        assert!(asset.header("content-type").unwrap().contains(kind));
        assert!(asset.body.len() > 100);
    }
}

/// Asserts `path` answers `status` with a JSON error, and returns the error object.
fn error(addr: SocketAddr, method: &str, path: &str, status: u16) -> Value {
    let answer = request(addr, method, path);
    assert_eq!(answer.status, status, "{method} {path}: {}", answer.body);
    assert!(
        answer.header("content-type").unwrap().contains("json"),
        "{path}"
    );
    let json = answer.json();
    assert!(
        !json["error"].as_str().unwrap_or_default().is_empty(),
        "{path}: {json}"
    );
    json
}

#[test]
fn every_error_is_json_with_its_status() {
    let dir = corpus_index();
    let server = start(dir.path());
    let addr = server.addr;

    let syntax = error(addr, "GET", "/api/search?q=%22skola", 400);
    assert_eq!(syntax["parameter"], "q");
    assert_eq!(syntax["position"], 0);
    let syntax = error(addr, "GET", "/api/search?q=skola%20budget%3A%3E%3Dx", 400);
    assert!(syntax["position"].as_u64().unwrap() >= 6, "{syntax}");
    let range = error(addr, "GET", "/api/search?budget=%3E%3Dabc", 400);
    assert_eq!(range["parameter"], "budget");
    assert_eq!(range["position"], 2);
    assert!(
        error(addr, "GET", "/api/search?from=2023-13-45", 400)["error"]
            .as_str()
            .unwrap()
            .contains("2023-13-45")
    );
    error(addr, "GET", "/api/search?sort=colour", 400);
    assert!(
        error(addr, "GET", "/api/search?q=a&match=fuzzy", 400)["error"]
            .as_str()
            .unwrap()
            .contains("exact, compound or broad")
    );
    error(addr, "GET", "/api/search?q=a&near=11", 400);
    error(addr, "GET", "/api/search?filter=colour:red", 400);
    error(addr, "GET", "/api/search?filter=fund", 400);
    error(addr, "GET", "/api/search?facets=fund,colour", 400);
    assert_eq!(
        error(addr, "GET", "/api/search?limit=ten", 400)["parameter"],
        "limit"
    );
    error(addr, "GET", "/api/search?limit=101", 400);
    error(addr, "GET", "/api/search?offset=20000", 400);
    assert_eq!(
        error(addr, "GET", "/api/search?page=2", 400)["parameter"],
        "page"
    );
    error(addr, "GET", "/api/search?q=a&q=b", 400);
    error(
        addr,
        "GET",
        &format!("/api/search?q={}", "a".repeat(1001)),
        400,
    );
    let many: String = (0..65).map(|i| format!("filter=fund:x{i}&")).collect();
    error(addr, "GET", &format!("/api/search?{many}"), 400);
    let filters: String = (0..33).map(|i| format!("filter=fund:x{i}&")).collect();
    error(addr, "GET", &format!("/api/search?{filters}"), 400);
    error(addr, "GET", "/api/export?format=xml", 400);
    error(addr, "GET", "/api/export?q=(skola", 400);
    error(addr, "GET", "/api/facets/fund?q=(skola", 400);
    error(addr, "GET", "/api/facets/fund?sort=start", 400);

    let missing = error(addr, "GET", "/api/records/23-032-S0", 404);
    assert!(
        missing["similar"]
            .as_array()
            .unwrap()
            .contains(&Value::from("23-032-S03")),
        "{missing}"
    );
    error(addr, "GET", "/api/facets/colour", 404);
    error(addr, "GET", "/api/nothing", 404);
    error(addr, "GET", "/index.php", 404);
    for method in ["POST", "PUT", "DELETE"] {
        error(addr, method, "/api/search", 405);
        error(addr, method, "/api/records/23-032-S03", 405);
    }
}

#[test]
fn a_slow_request_times_out_with_503() {
    let dir = corpus_index();
    let config = ServerConfig {
        port: 0,
        timeout: Duration::ZERO,
        ..ServerConfig::new(dir.path())
    };
    let server = RunningServer::start(config).unwrap();
    let err = error(server.addr, "GET", "/api/search?q=samverkan", 503);
    assert!(err["error"].as_str().unwrap().contains("timed out"));
}

/// Polls `path` until `check` holds or 20 s pass.
fn eventually(addr: SocketAddr, path: &str, check: impl Fn(&Answer) -> bool) -> Answer {
    let started = Instant::now();
    loop {
        let answer = get(addr, path);
        if check(&answer) || started.elapsed() > Duration::from_secs(20) {
            return answer;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn no_index_is_503_until_one_is_built_then_new_commits_are_seen() {
    let dir = tempfile::tempdir().unwrap();
    let index_dir = dir.path().join("index");
    let server = start(&index_dir);
    let addr = server.addr;
    for path in [
        "/healthz",
        "/api/search?q=samverkan",
        "/api/records/23-032-S03",
        "/api/facets/fund",
        "/api/export?q=",
    ] {
        error(addr, "GET", path, 503);
    }

    index_paths(
        &index_dir,
        &[corpus_dir()],
        DEFAULT_WRITER_MEMORY,
        &mut NoProgress,
    )
    .unwrap();
    let health = eventually(addr, "/healthz", |a| a.status == 200);
    assert_eq!(health.status, 200, "{}", health.body);
    let before = health.json()["records"].as_u64().unwrap();

    // A new document, indexed incrementally while the server runs.
    let extra = dir.path().join("extra");
    std::fs::create_dir_all(&extra).unwrap();
    std::fs::write(
        extra.join("ny.txt"),
        "Kvarnstensprojektet\n\nEn förstudie om kvarnstenar i bygden.\n",
    )
    .unwrap();
    index_paths(
        &index_dir,
        &[corpus_dir(), extra],
        DEFAULT_WRITER_MEMORY,
        &mut NoProgress,
    )
    .unwrap();
    let found = eventually(addr, "/api/search?q=kvarnstenar", |a| {
        a.status == 200 && a.json()["total"] == 1
    });
    assert_eq!(found.json()["total"], 1, "{}", found.body);
    let health = get(addr, "/healthz").json();
    assert_eq!(health["records"].as_u64().unwrap(), before + 1);
}

#[test]
fn a_new_lexicon_is_picked_up_and_an_unchanged_index_is_not_reopened() {
    use fynd::analysis::lexicon::{Chain, Lexicon};
    use fynd::server::IndexHolder;
    use std::sync::Arc;
    let lexicon = |l: &Lexicon| {
        let mut words = l.words();
        words.sort();
        words
    };
    let dir = tempfile::tempdir().unwrap();
    let mut index = FyndIndex::open_or_create(dir.path()).unwrap();
    let one = [common::page(
        "a",
        "Kvarnar",
        "Kvarnstenar mal mjöl i bygden.",
    )];
    index
        .rebuild(&one, Chain::Full, DEFAULT_WRITER_MEMORY)
        .unwrap();
    let holder = IndexHolder::new(dir.path());
    let first = holder.get().unwrap();
    holder.refresh();
    assert!(
        Arc::ptr_eq(&first, &holder.get().unwrap()),
        "nothing changed"
    );

    index
        .rebuild(
            &common::corpus_records(),
            Chain::Full,
            DEFAULT_WRITER_MEMORY,
        )
        .unwrap();
    holder.refresh();
    let second = holder.get().unwrap();
    let on_disk = Lexicon::load(dir.path()).unwrap().unwrap();
    assert_eq!(lexicon(&second.lexicon), lexicon(&on_disk));
    assert_ne!(lexicon(&first.lexicon), lexicon(&second.lexicon));
}

/// The server keeps one reader: many searches are answered by the same reader (same
/// `x-fynd-reader` tag, one open in `/healthz`), and a commit made by another writer after
/// the server started is seen by the very next request (no polling).
#[test]
fn one_reader_serves_every_request_and_a_new_commit_is_seen_by_the_next() {
    let dir = tempfile::tempdir().unwrap();
    let index_dir = dir.path().join("index");
    index_paths(
        &index_dir,
        &[corpus_dir()],
        DEFAULT_WRITER_MEMORY,
        &mut NoProgress,
    )
    .unwrap();
    let server = start(&index_dir);
    let addr = server.addr;
    let tag = |answer: &Answer| answer.header("x-fynd-reader").unwrap().to_string();

    let first = get(addr, "/api/search?q=samverkan");
    assert_eq!(first.status, 200, "{}", first.body);
    let first_tag = tag(&first);
    for query in ["samverkan", "kompetens", "kvarnstenar", "fund:ESF", ""] {
        for _ in 0..4 {
            let answer = get(addr, &format!("/api/search?q={}", enc(query)));
            assert_eq!(answer.status, 200, "{}", answer.body);
            assert_eq!(
                tag(&answer),
                first_tag,
                "a request was answered by another reader"
            );
        }
    }
    get(addr, "/api/records/23-032-S03");
    get(addr, "/api/facets/fund?q=samverkan");
    get(addr, "/api/export?q=samverkan");
    let health = get(addr, "/healthz").json();
    assert_eq!(health["reader"]["opens"], 1, "{health}");
    assert_eq!(health["reader"]["reloads"], 0, "{health}");
    assert_eq!(get(addr, "/api/search?q=kvarnstenar").json()["total"], 0);

    // A commit by another writer (as `fynd index` in its own process would make it).
    let extra = dir.path().join("extra");
    std::fs::create_dir_all(&extra).unwrap();
    std::fs::write(
        extra.join("ny.txt"),
        "Kvarnstensprojektet\n\nEn förstudie om kvarnstenar i bygden.\n",
    )
    .unwrap();
    index_paths(
        &index_dir,
        &[corpus_dir(), extra],
        DEFAULT_WRITER_MEMORY,
        &mut NoProgress,
    )
    .unwrap();
    let next = get(addr, "/api/search?q=kvarnstenar");
    assert_eq!(next.json()["total"], 1, "{}", next.body);
    // An incremental run with new records also saves a grown lexicon, which changes how
    // queries are analysed: the index is opened once more with it, and that one reader then
    // answers every request again.
    let next_tag = tag(&next);
    assert_ne!(next_tag, first_tag);
    for query in ["kvarnstenar", "samverkan", "kompetens"] {
        for _ in 0..4 {
            let answer = get(addr, &format!("/api/search?q={}", enc(query)));
            assert_eq!(
                tag(&answer),
                next_tag,
                "a request was answered by another reader"
            );
        }
    }
    let health = get(addr, "/healthz").json();
    assert_eq!(health["reader"]["opens"], 2, "{health}");
    assert!(
        health["reader"]["reloads"].as_u64().unwrap() <= 1,
        "{health}"
    );
    assert_eq!(get(addr, "/api/search?q=kvarnstenar").json()["total"], 1);
}

/// The holder itself: `get` hands out the same opened index and reader until the folder
/// changes; a new commit reloads that reader in place.
#[test]
fn the_holder_reloads_in_place_and_does_not_reopen_per_get() {
    use fynd::server::IndexHolder;
    use std::sync::Arc;
    let dir = corpus_index();
    let holder = IndexHolder::new(dir.path());
    let first = holder.get().unwrap();
    let before = first.searcher().num_docs();
    for _ in 0..50 {
        assert!(Arc::ptr_eq(&first, &holder.get().unwrap()));
    }
    assert_eq!(holder.stats().opens, 1);
    assert_eq!(holder.stats().reloads, 0);

    let index = FyndIndex::open(dir.path()).unwrap();
    let mut writer = index.writer(DEFAULT_WRITER_MEMORY).unwrap();
    writer
        .upsert(&common::page(
            "ny-1",
            "Kvarnar",
            "Kvarnstenar mal mjöl i bygden.",
        ))
        .unwrap();
    writer.commit().unwrap();
    drop(writer);

    let after = holder.get().unwrap();
    assert!(
        Arc::ptr_eq(&first, &after),
        "a commit alone must not re-open the index"
    );
    assert_eq!(after.searcher().num_docs(), before + 1);
    assert_eq!(holder.stats().opens, 1);
    assert_eq!(holder.stats().reloads, 1);
}

/// A rebuild is built beside the index and swapped in: the running server answers from the
/// old index until then and from the new one after, with no restart.
#[test]
fn a_rebuild_swapped_in_is_answered_from_without_a_restart() {
    use fynd::index::{index_paths_with, IndexOptions};
    let dir = tempfile::tempdir().unwrap();
    let (docs, index_dir) = (dir.path().join("docs"), dir.path().join("index"));
    std::fs::create_dir(&docs).unwrap();
    let write = |word: &str| {
        for n in 0..3 {
            let text = format!("Projekt {n} om {word}\n\nBeskrivning om {word} i bygden.\n");
            std::fs::write(docs.join(format!("p{n}.txt")), text).unwrap();
        }
    };
    write("kvarnstenar");
    index_paths(
        &index_dir,
        std::slice::from_ref(&docs),
        DEFAULT_WRITER_MEMORY,
        &mut NoProgress,
    )
    .unwrap();
    let server = start(&index_dir);
    let addr = server.addr;
    let total = |query: &str| get(addr, &format!("/api/search?q={query}")).json()["total"].clone();
    assert_eq!(total("kvarnstenar"), 3);

    write("vattenhjul");
    let options = IndexOptions {
        rebuild: true,
        ..IndexOptions::default()
    };
    index_paths_with(
        &index_dir,
        std::slice::from_ref(&docs),
        &options,
        &mut NoProgress,
    )
    .unwrap();
    let found = eventually(addr, "/api/search?q=vattenhjul", |a| {
        a.status == 200 && a.json()["total"] == 3
    });
    assert_eq!(found.json()["total"], 3, "{}", found.body);
    assert_eq!(total("kvarnstenar"), 0);
}
