//! `fynd serve` under hostile and heavy use: idle and slow connections are closed, the
//! connection limit answers clearly, a `Host` that is not loopback is refused (DNS
//! rebinding), the access token is required where set (and always beyond loopback), an
//! export that fails part-way is cut short instead of ending as a complete answer, a request
//! past its deadline frees its worker (its work stops), and the server's memory after 200
//! clients and 500 idle sockets stays bounded. The OpenAPI description is checked against
//! the real routes and answers.

mod common;

use common::corpus_dir;
use common::http::{get, parse, request_with, Answer};
use fynd::index::{index_paths, NoProgress, DEFAULT_WRITER_MEMORY};
use fynd::server::{RunningServer, ServerConfig};
use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The seed documents indexed into a fresh folder.
fn seeds_index() -> tempfile::TempDir {
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

fn start(config: ServerConfig) -> RunningServer {
    RunningServer::start(ServerConfig { port: 0, ..config }).unwrap()
}

/// Whether the server closes `stream` (end of file, or a reset) within `within`, reading
/// and discarding whatever it sends first.
fn closed_within(stream: &mut TcpStream, within: Duration) -> bool {
    stream.set_read_timeout(Some(within)).unwrap();
    let mut buffer = [0u8; 4096];
    loop {
        match stream.read(&mut buffer) {
            Ok(0) => return true,
            Ok(_) => continue,
            Err(err) => {
                return !matches!(
                    err.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                )
            }
        }
    }
}

#[test]
fn idle_slow_and_kept_alive_connections_are_closed_at_the_header_timeout() {
    let dir = seeds_index();
    let server = start(ServerConfig {
        header_timeout: Duration::from_secs(1),
        ..ServerConfig::new(dir.path())
    });
    let addr = server.addr;

    // A connection that sends nothing.
    let mut idle = TcpStream::connect(addr).unwrap();
    assert!(closed_within(&mut idle, Duration::from_secs(20)));

    // A request whose headers never end (slowloris): a byte every 100 ms would keep it
    // going for a minute; the server closes it at its header timeout.
    let mut slow = TcpStream::connect(addr).unwrap();
    slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n")
        .unwrap();
    let started = Instant::now();
    let mut closed = false;
    for byte in b"X-Slow: ".iter().cycle().take(600) {
        if slow.write_all(&[*byte]).is_err() {
            closed = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
        if closed_within(&mut slow, Duration::from_millis(1)) {
            closed = true;
            break;
        }
    }
    assert!(closed, "a slow request is held for {:?}", started.elapsed());

    // A keep-alive connection after its answer.
    let mut kept = TcpStream::connect(addr).unwrap();
    kept.write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .unwrap();
    let mut reader = BufReader::new(kept.try_clone().unwrap());
    let mut status = String::new();
    reader.read_line(&mut status).unwrap();
    assert!(status.contains(" 200 "), "{status}");
    assert!(closed_within(&mut kept, Duration::from_secs(20)));
}

#[test]
fn a_connection_beyond_the_limit_waits_its_turn_or_is_told_to_come_back() {
    let dir = seeds_index();
    let server = start(ServerConfig {
        max_connections: 1,
        header_timeout: Duration::from_secs(60),
        ..ServerConfig::new(dir.path())
    });
    let addr = server.addr;
    // The one connection, held open.
    let holder = TcpStream::connect(addr).unwrap();
    std::thread::sleep(Duration::from_millis(200));
    // The second waits for it (as many may wait as may be open)...
    let mut waiting = TcpStream::connect(addr).unwrap();
    waiting
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .unwrap();
    std::thread::sleep(Duration::from_millis(200));
    // ...and the third is answered at once: busy, come back.
    let busy = get(addr, "/healthz");
    assert_eq!(busy.status, 503, "{}", busy.body);
    assert_eq!(busy.header("retry-after"), Some("1"));
    let message = busy.json()["error"].as_str().unwrap().to_string();
    assert!(message.contains("1 connections open"), "{message}");
    assert!(message.contains("--max-connections"), "{message}");
    // Once the first closes, the waiting one is served.
    drop(holder);
    let mut raw = Vec::new();
    waiting
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    waiting.read_to_end(&mut raw).unwrap();
    let answer = parse(&raw);
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.json()["status"], "ok");
}

#[test]
fn only_loopback_names_addresses_and_allowed_hosts_are_answered() {
    let dir = seeds_index();
    let server = start(ServerConfig {
        allowed_hosts: vec!["fynd.example.org".to_string()],
        ..ServerConfig::new(dir.path())
    });
    let addr = server.addr;
    let port = addr.port();
    for host in [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        "localhost".to_string(),
        format!("[::1]:{port}"),
        format!("fynd.example.org:{port}"),
    ] {
        let answer = request_with(addr, "GET", "/api/search?q=samverkan", &[("Host", &host)]);
        assert_eq!(answer.status, 200, "{host}: {}", answer.body);
    }
    // A page on another site pointing its own name at 127.0.0.1 (DNS rebinding).
    for host in [format!("rebind.example:{port}"), "evil.example".to_string()] {
        for path in ["/", "/api/search?q=samverkan", "/api/records/23-032-S03"] {
            let answer = request_with(addr, "GET", path, &[("Host", &host)]);
            assert_eq!(answer.status, 403, "{host} {path}");
            let message = answer.json()["error"].as_str().unwrap().to_string();
            assert!(message.contains("--allow-host"), "{message}");
        }
    }
}

#[test]
fn a_server_with_a_token_answers_only_requests_that_carry_it() {
    let dir = seeds_index();
    let token = "a-token-for-the-tests-0123456789";
    let server = start(ServerConfig {
        token: Some(token.to_string()),
        ..ServerConfig::new(dir.path())
    });
    let addr = server.addr;
    for path in [
        "/",
        "/healthz",
        "/api/search?q=samverkan",
        "/api/openapi.json",
    ] {
        let answer = get(addr, path);
        assert_eq!(answer.status, 401, "{path}");
        assert_eq!(answer.header("www-authenticate"), Some("Bearer"));
        assert!(answer.json()["error"]
            .as_str()
            .unwrap()
            .contains("Authorization: Bearer"));
        let wrong = request_with(
            addr,
            "GET",
            path,
            &[("Authorization", "Bearer wrong-token-0123456789")],
        );
        assert_eq!(wrong.status, 401, "{path}");
        let bearer = format!("Bearer {token}");
        let right = request_with(addr, "GET", path, &[("Authorization", &bearer)]);
        assert_eq!(right.status, 200, "{path}: {}", right.body);
    }
    // The printed address: the token goes into a cookie and out of the address.
    let opened = get(addr, &format!("/?q=samverkan&token={token}&lang=en"));
    assert_eq!(opened.status, 303);
    assert_eq!(opened.header("location"), Some("/?q=samverkan&lang=en"));
    let cookie = opened.header("set-cookie").unwrap().to_string();
    assert!(
        cookie.starts_with(&format!("fynd_token={token};")),
        "{cookie}"
    );
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"));
    let cookie = cookie.split(';').next().unwrap().to_string();
    let with_cookie = request_with(
        addr,
        "GET",
        "/api/search?q=samverkan",
        &[("Cookie", &cookie)],
    );
    assert_eq!(with_cookie.status, 200);
    assert_eq!(get(addr, "/?token=not-the-token-0123456789").status, 401);
}

/// Starts the real binary with `args` and returns it with the address it printed and what
/// else it printed on standard output before serving.
fn spawn_serve(args: &[&str]) -> (Child, SocketAddr, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_fynd"))
        .arg("serve")
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    out.read_line(&mut first).unwrap();
    let addr = first
        .split("http://")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .unwrap_or_else(|| panic!("no address in {first:?}"))
        .to_string();
    let port: u16 = addr.rsplit(':').next().unwrap().parse().unwrap();
    let mut printed = first.clone();
    if args.contains(&"0.0.0.0") || args.contains(&"--token") {
        for _ in 0..2 {
            out.read_line(&mut printed).unwrap();
        }
    }
    (child, SocketAddr::from(([127, 0, 0, 1], port)), printed)
}

#[test]
fn beyond_loopback_the_server_generates_a_token_and_requires_it() {
    let dir = seeds_index();
    let index = dir.path().to_str().unwrap();
    let (mut child, addr, printed) =
        spawn_serve(&["--index", index, "--bind", "0.0.0.0", "--port", "0"]);
    let token = printed
        .lines()
        .find_map(|line| line.strip_prefix("access token (generated; choose one with --token): "))
        .unwrap_or_else(|| panic!("no token printed: {printed}"))
        .trim()
        .to_string();
    assert_eq!(token.len(), 32, "{printed}");
    assert!(printed.contains(&format!("/?token={token}")), "{printed}");
    let denied = get(addr, "/api/search?q=samverkan");
    let bearer = format!("Bearer {token}");
    let allowed = request_with(
        addr,
        "GET",
        "/api/search?q=samverkan",
        &[("Authorization", &bearer)],
    );
    child.kill().unwrap();
    let output = child.wait_with_output().unwrap();
    assert_eq!(denied.status, 401, "{}", denied.body);
    assert_eq!(allowed.status, 200, "{}", allowed.body);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("beyond loopback"), "{stderr}");

    // A token too short to guess is refused before anything is bound.
    let output = common::fynd(&["serve", "--index", index, "--token", "short", "--port", "0"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("at least 16 characters"));
}

/// Overwrites the middle of every document store of the index in `dir` with bytes that
/// decompress to nothing: the hits are still found and ordered (from the postings and
/// columns), their records cannot be read.
fn damage_document_store(dir: &Path) {
    let mut damaged = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "store") {
            let mut bytes = std::fs::read(&path).unwrap();
            let (from, to) = (bytes.len() / 4, bytes.len() * 3 / 4);
            for byte in &mut bytes[from..to] {
                *byte = 0xA5;
            }
            std::fs::write(&path, bytes).unwrap();
            damaged += 1;
        }
    }
    assert!(damaged > 0, "no document store in {}", dir.display());
}

#[test]
fn an_export_that_fails_part_way_is_cut_short_not_a_complete_answer() {
    let dir = common::index_shipped_records();
    let server = start(ServerConfig::new(dir.path()));
    let whole = get(server.addr, "/api/export?format=jsonl");
    assert_eq!(whole.status, 200);
    assert!(
        whole.complete,
        "an export that succeeds ends with its last chunk"
    );
    let rows = whole.body.lines().count();
    assert!(rows > 2000, "{rows}");
    server.stop().unwrap();

    damage_document_store(dir.path());
    let server = start(ServerConfig::new(dir.path()));
    for format in ["jsonl", "csv", "json"] {
        let cut = get(server.addr, &format!("/api/export?format={format}"));
        assert_eq!(
            cut.status, 200,
            "the hits were found and ordered: the answer began"
        );
        assert!(!cut.complete, "{format}: a failed export looks complete");
        assert!(cut.body.len() < whole.body.len() * 2, "{format}");
    }
}

#[test]
fn a_request_past_its_deadline_frees_its_worker() {
    // One document of 8 MB: finding the projects most like it analyses all of its text, for
    // a third of a second or more; the server gives a request a tenth of a second and has
    // one worker.
    let dir = tempfile::tempdir().unwrap();
    let docs = dir.path().join("docs");
    std::fs::create_dir(&docs).unwrap();
    for entry in std::fs::read_dir(corpus_dir()).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, docs.join(path.file_name().unwrap())).unwrap();
    }
    let mut text = String::from("Titel: Slutrapport om samverkan\n\n");
    let seeds: Vec<String> = common::corpus_records()
        .into_iter()
        .map(|record| record.body)
        .collect();
    while text.len() < 8 << 20 {
        for body in &seeds {
            text.push_str(body);
            text.push_str("\n\n");
        }
    }
    std::fs::write(docs.join("slutrapport.txt"), &text).unwrap();
    let index = dir.path().join("index");
    index_paths(&index, &[docs], DEFAULT_WRITER_MEMORY, &mut NoProgress).unwrap();
    let huge = fynd::query::search(
        &fynd::index::FyndIndex::open(&index).unwrap(),
        &fynd::query::SearchRequest::new("slutrapport"),
    )
    .unwrap()
    .hits
    .into_iter()
    .find(|hit| hit.path.ends_with("slutrapport.txt"))
    .expect("the huge document is indexed")
    .id;

    let server = start(ServerConfig {
        workers: 1,
        timeout: Duration::from_millis(100),
        ..ServerConfig::new(&index)
    });
    let addr = server.addr;
    let timed_out = get(addr, &format!("/api/similar/{huge}"));
    assert_eq!(timed_out.status, 503, "{}", timed_out.body);
    assert!(timed_out.json()["error"]
        .as_str()
        .unwrap()
        .contains("timed out"));
    // The next request needs the one worker within its own tenth of a second: it gets it
    // only if the work of the first stopped at its deadline (run to its end, it holds the
    // worker for longer).
    let next = get(addr, "/api/records/23-032-S03");
    assert_eq!(next.status, 200, "the worker is still held: {}", next.body);
    let health = get(addr, "/healthz").json();
    assert_eq!(health["load"]["workers"]["in_use"], 0, "{health}");
    assert_eq!(health["load"]["workers"]["limit"], 1);
}

/// The resident memory of process `pid`, in bytes.
fn resident_bytes(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .expect("VmRSS");
    let kb: u64 = line.split_whitespace().nth(1).unwrap().parse().unwrap();
    kb * 1024
}

/// The most the server may hold, during a load and after it, on the shipped corpus with
/// four workers: the index, the reader's caches, the four workers' threads and the
/// connections' buffers, not a thread and its caches per client.
const RESIDENT_BOUND: u64 = 500 << 20;

/// The peak resident memory of process `pid` so far, in bytes.
fn peak_resident_bytes(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .expect("VmHWM");
    let kb: u64 = line.split_whitespace().nth(1).unwrap().parse().unwrap();
    kb * 1024
}

#[test]
fn two_hundred_clients_and_five_hundred_idle_sockets_during_a_rebuild_are_all_answered() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    index_paths(
        dir.path(),
        std::slice::from_ref(&corpus),
        DEFAULT_WRITER_MEMORY,
        &mut NoProgress,
    )
    .unwrap();
    let index = dir.path().to_str().unwrap().to_string();
    let (mut child, addr, _) = spawn_serve(&["--index", &index, "--port", "0", "--workers", "4"]);
    let pid = child.id();

    let idle: Vec<TcpStream> = (0..500)
        .map(|_| TcpStream::connect(addr).unwrap())
        .collect();
    // The whole index rebuilt beside the old one and swapped in while the clients search.
    let rebuild = std::thread::spawn(move || {
        common::fynd(&[
            "index",
            corpus.to_str().unwrap(),
            "--index",
            &index,
            "--rebuild",
        ])
    });
    let paths = [
        "/api/search?q=samverkan",
        "/api/search?q=kompetensf%C3%B6rs%C3%B6rjning&filter=fund:ESF&limit=100",
        "/api/search?q=%22st%C3%B6d%20f%C3%B6r%22&sort=start:desc",
        "/api/search?q=&filter=region:Sk%C3%A5ne&facet_limit=1000",
        "/api/facets/owner?q=integration",
        "/api/records/23-032-S03",
        "/api/kwic?q=samverkan&limit=50",
        "/api/trend?q=samverkan&q=digitalisering",
        "/api/export?q=myndighetssamverkan&format=jsonl",
    ];
    let clients: Vec<_> = (0..200)
        .map(|i| {
            std::thread::spawn(move || {
                let mut failures = Vec::new();
                let mut sent = 0;
                let started = Instant::now();
                // At least three requests each, and more for as long as the rebuild may run.
                while sent < 3 || (sent < 50 && started.elapsed() < Duration::from_secs(15)) {
                    let path = paths[(i + sent) % paths.len()];
                    sent += 1;
                    let answer: Answer = get(addr, path);
                    if answer.status != 200 || !answer.complete {
                        failures.push(format!("{} {path}: {}", answer.status, answer.body));
                    } else if path.starts_with("/api/records/")
                        && answer.json()["id"] != "23-032-S03"
                    {
                        failures.push(format!("{path}: {}", answer.body));
                    }
                }
                failures
            })
        })
        .collect();
    let failures: Vec<String> = clients
        .into_iter()
        .flat_map(|client| client.join().unwrap())
        .collect();
    let rebuilt = rebuild.join().unwrap();
    assert!(
        rebuilt.status.success(),
        "{}",
        String::from_utf8_lossy(&rebuilt.stderr)
    );
    let health = get(addr, "/healthz").json();
    drop(idle);
    let peak = peak_resident_bytes(pid);
    // Freed memory goes back to the system in the allocator's own time, and the blocking
    // threads of the load exit after ten idle seconds.
    let mut resident = resident_bytes(pid);
    for _ in 0..30 {
        if resident < RESIDENT_BOUND {
            break;
        }
        std::thread::sleep(Duration::from_millis(500));
        resident = resident_bytes(pid);
    }
    eprintln!(
        "resident memory: {} MB at the peak of the load, {} MB after it",
        peak >> 20,
        resident >> 20
    );
    child.kill().unwrap();
    let _ = child.wait();
    assert!(
        failures.is_empty(),
        "{} failed: {:?}",
        failures.len(),
        &failures[..failures.len().min(5)]
    );
    assert_eq!(health["load"]["workers"]["limit"], 4, "{health}");
    assert!(
        health["reader"]["opens"].as_u64().unwrap() >= 2,
        "the rebuild was not seen: {health}"
    );
    assert!(
        peak < RESIDENT_BOUND,
        "the server held {} MB during the load",
        peak >> 20
    );
    assert!(
        resident < RESIDENT_BOUND,
        "the server holds {} MB after the load",
        resident >> 20
    );
}

/// A value of parameter `name` (with `schema`) that the server takes.
fn example(name: &str, schema: &Value) -> String {
    let value = match name {
        "q" => "samverkan",
        "filter" => "fund:ESF",
        "from" | "to" => "2020",
        "budget" | "granted" => ">=1",
        "participants" | "cofinancing_rate" => ">=0",
        "start" | "end" | "published" => "[2000-01-01 TO 2030-12-31]",
        "sort" if schema.get("enum").is_none() => "start:desc",
        "facets" => "fund,year",
        "id" => "23-032-S03",
        "key" => "fund",
        _ => "",
    };
    if !value.is_empty() {
        return value.to_string();
    }
    if let Some(first) = schema["enum"].get(0) {
        return first.as_str().unwrap().to_string();
    }
    match schema["type"].as_str() {
        Some("integer") => schema["minimum"].as_u64().unwrap_or(0).max(1).to_string(),
        Some("boolean") => "true".to_string(),
        other => panic!("no example for {name} ({other:?})"),
    }
}

/// A parameter with its `$ref` followed.
fn resolved<'a>(doc: &'a Value, parameter: &'a Value) -> &'a Value {
    match parameter["$ref"].as_str() {
        Some(reference) => {
            let name = reference.rsplit('/').next().unwrap();
            &doc["components"]["parameters"][name]
        }
        None => parameter,
    }
}

#[test]
fn the_openapi_description_is_served_and_matches_the_routes_and_their_answers() {
    let dir = seeds_index();
    let server = start(ServerConfig::new(dir.path()));
    let addr = server.addr;
    let served = get(addr, "/api/openapi.json");
    assert_eq!(served.status, 200);
    assert_eq!(served.header("content-type"), Some("application/json"));
    let doc = served.json();
    assert_eq!(
        doc,
        serde_json::from_str::<Value>(fynd::server::openapi::DOCUMENT).unwrap()
    );
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));

    // The paths described are exactly the paths routed, each with GET only.
    let mut described: Vec<&str> = doc["paths"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let mut routed = fynd::server::handlers::paths();
    described.sort();
    routed.sort();
    assert_eq!(described, routed);

    // The parameters the server reads for search, facets and export are those described.
    for (path, endpoint) in [
        ("/api/search", fynd::server::params::Endpoint::Search),
        ("/api/facets/{key}", fynd::server::params::Endpoint::Facets),
        ("/api/export", fynd::server::params::Endpoint::Export),
    ] {
        let mut documented: Vec<String> = doc["paths"][path]["get"]["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| resolved(&doc, p))
            .filter(|p| p["in"] == "query")
            .map(|p| p["name"].as_str().unwrap().to_string())
            .collect();
        let mut read: Vec<String> = fynd::server::params::names(endpoint)
            .into_iter()
            .map(str::to_string)
            .collect();
        documented.sort();
        read.sort();
        assert_eq!(documented, read, "{path}");
    }

    // Every operation answers 200 with each of its parameters given, and its answer has
    // the properties its schema requires.
    for (path, item) in doc["paths"].as_object().unwrap() {
        let operation = &item["get"];
        assert_eq!(item.as_object().unwrap().len(), 1, "{path}: GET only");
        let parameters: Vec<&Value> = operation["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| resolved(&doc, p))
            .collect();
        let mut url = path.to_string();
        let mut query = Vec::new();
        for parameter in &parameters {
            let name = parameter["name"].as_str().unwrap();
            let schema = &parameter["schema"];
            let item_schema = if schema["type"] == "array" {
                &schema["items"]
            } else {
                schema
            };
            let value = example(name, item_schema);
            if parameter["in"] == "path" {
                url = url.replace(&format!("{{{name}}}"), &value);
            } else {
                query.push((name.to_string(), value));
            }
        }
        let encoded = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(&query)
            .finish();
        let target = if encoded.is_empty() {
            url.clone()
        } else {
            format!("{url}?{encoded}")
        };
        let answer = get(addr, &target);
        assert_eq!(answer.status, 200, "{target}: {}", answer.body);
        let content = &operation["responses"]["200"]["content"];
        let media = answer
            .header("content-type")
            .unwrap()
            .split(';')
            .next()
            .unwrap();
        assert!(
            content.get(media).is_some(),
            "{target}: {media} is not described"
        );
        if let Some(reference) = content[media]["schema"]["$ref"].as_str() {
            let schema = &doc["components"]["schemas"][reference.rsplit('/').next().unwrap()];
            let body = answer.json();
            for required in schema["required"].as_array().into_iter().flatten() {
                let name = required.as_str().unwrap();
                assert!(
                    body.get(name).is_some(),
                    "{target}: no {name} in the answer"
                );
            }
            for (name, property) in schema["properties"].as_object().unwrap() {
                let (Some(value), Some(kind)) = (body.get(name), property["type"].as_str()) else {
                    continue;
                };
                let fits = match kind {
                    "string" => value.is_string(),
                    "integer" => value.is_u64() || value.is_i64(),
                    "number" => value.is_number(),
                    "boolean" => value.is_boolean(),
                    "array" => value.is_array(),
                    "object" => value.is_object(),
                    _ => true,
                } || (value.is_null() && property["nullable"] == true);
                assert!(fits, "{target}: {name} = {value} is not {kind}");
            }
        }
        for status in ["400", "404", "503"] {
            if let Some(response) = operation["responses"].get(status) {
                assert!(response["$ref"].is_string(), "{path} {status}");
            }
        }
    }
}
