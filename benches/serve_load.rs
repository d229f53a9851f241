//! Server load: builds an index of 100 000 generated records (bodies of about 1.5 kB; once;
//! kept in the build's scratch folder; the records of `tests/common`'s generator, since the corpus generator of
//! issue 6 had not landed), starts `fynd serve`'s server in this process on 127.0.0.1 (a free
//! port), and runs 200 concurrent clients for 30 s, each on its own keep-alive connection,
//! each sending a mix of searches (words, phrases, OR, facet filters, ranges, sorting,
//! paging), facet listings and record look-ups. Prints requests, throughput and latency
//! percentiles; fails if any request fails (a status other than 200, or a broken
//! connection). Run with:
//!
//!     cargo bench --bench serve_load
//!
//! `FYND_LOAD_CLIENTS`, `FYND_LOAD_SECONDS` and `FYND_BENCH_RECORDS` change the numbers.

#[path = "../tests/common/mod.rs"]
mod common;

use fynd::server::{RunningServer, ServerConfig};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::time::{Duration, Instant};

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The requests the clients cycle through (each client starts at a different one).
fn request_mix(count: usize) -> Vec<String> {
    let mut paths: Vec<String> = [
        "/api/search?q=digitalisering",
        "/api/search?q=integration%20ungdomar",
        "/api/search?q=%22st%C3%B6d%20f%C3%B6r%20att%20n%C3%A5%20arbete%22",
        "/api/search?q=j%C3%A4mst%C3%A4lldhet%20OR%20tillg%C3%A4nglighet&filter=fund:ESF%2B",
        "/api/search?q=arbete&filter=region:Sk%C3%A5ne&filter=region:Stockholm&sort=start:desc",
        "/api/search?q=&filter=owner:Lunds%20kommun&from=2018&to=2020",
        "/api/search?q=metoder&budget=%3E%3D5000000&offset=20",
        "/api/search?q=",
        "/api/facets/owner?q=integration",
        "/api/facets/year?q=&filter=fund:ESF",
    ]
    .iter()
    .map(|p| p.to_string())
    .collect();
    for i in 0..10 {
        paths.push(format!("/api/records/GEN-{:05}", (i * 7919) % count));
    }
    paths
}

/// One client: sends requests on one keep-alive connection until `until` (at least one);
/// returns the latency of each (µs) and the failures.
fn client(
    addr: SocketAddr,
    paths: &[String],
    start: usize,
    until: Instant,
) -> (Vec<u32>, Vec<String>) {
    let mut latencies = Vec::new();
    let mut failures = Vec::new();
    let mut conn: Option<(TcpStream, BufReader<TcpStream>)> = None;
    let mut n = start;
    // At least one request, then until the deadline.
    let mut first = true;
    while first || Instant::now() < until {
        first = false;
        let path = &paths[n % paths.len()];
        n += 1;
        if conn.is_none() {
            match TcpStream::connect(addr) {
                Ok(stream) => {
                    stream.set_nodelay(true).ok();
                    stream.set_read_timeout(Some(Duration::from_secs(60))).ok();
                    let reader = BufReader::new(stream.try_clone().expect("clone"));
                    conn = Some((stream, reader));
                }
                Err(err) => {
                    failures.push(format!("connect: {err}"));
                    continue;
                }
            }
        }
        let (stream, reader) = conn.as_mut().expect("connected");
        let sent = Instant::now();
        let result = (|| -> std::io::Result<u16> {
            write!(stream, "GET {path} HTTP/1.1\r\nHost: {addr}\r\n\r\n")?;
            let mut line = String::new();
            reader.read_line(&mut line)?;
            let status: u16 = line
                .split(' ')
                .nth(1)
                .and_then(|s| s.parse().ok())
                .unwrap_or(0);
            let mut length = 0usize;
            loop {
                line.clear();
                reader.read_line(&mut line)?;
                if line == "\r\n" || line.is_empty() {
                    break;
                }
                if let Some((name, value)) = line.split_once(':') {
                    if name.eq_ignore_ascii_case("content-length") {
                        length = value.trim().parse().unwrap_or(0);
                    }
                }
            }
            let mut body = vec![0; length];
            reader.read_exact(&mut body)?;
            Ok(status)
        })();
        match result {
            Ok(200) => latencies.push(sent.elapsed().as_micros() as u32),
            Ok(status) => failures.push(format!("{status} for {path}")),
            Err(err) => {
                failures.push(format!("{err} for {path}"));
                conn = None;
            }
        }
    }
    (latencies, failures)
}

fn main() {
    let records = env_number("FYND_BENCH_RECORDS", 100_000);
    let clients = env_number("FYND_LOAD_CLIENTS", 200);
    let seconds = env_number("FYND_LOAD_SECONDS", 30);
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("serve-load-{records}"));
    common::bench_index(&dir, records);
    let config = ServerConfig {
        port: 0,
        ..ServerConfig::new(&dir)
    };
    let server = RunningServer::start(config).expect("server starts");
    let addr = server.addr;
    let paths = request_mix(records);
    // Warm up the page cache and check every request of the mix once.
    for path in &paths {
        let (ok, failed) = client(addr, std::slice::from_ref(path), 0, Instant::now());
        assert!(failed.is_empty() && ok.len() == 1, "{path}: {failed:?}");
    }
    println!(
        "records: {records}, clients: {clients}, duration: {seconds} s, requests in the mix: {}",
        paths.len()
    );
    let started = Instant::now();
    let until = started + Duration::from_secs(seconds as u64);
    let handles: Vec<_> = (0..clients)
        .map(|i| {
            let paths = paths.clone();
            std::thread::spawn(move || client(addr, &paths, i, until))
        })
        .collect();
    let mut latencies = Vec::new();
    let mut failures = Vec::new();
    for handle in handles {
        let (l, f) = handle.join().expect("client thread");
        latencies.extend(l);
        failures.extend(f);
    }
    let elapsed = started.elapsed().as_secs_f64();
    latencies.sort_unstable();
    let pct = |p: f64| {
        latencies
            .get(((latencies.len() as f64 * p).ceil() as usize).saturating_sub(1))
            .map(|us| *us as f64 / 1000.0)
            .unwrap_or(0.0)
    };
    println!(
        "requests: {} ok, {} failed; throughput {:.0} requests/s",
        latencies.len(),
        failures.len(),
        latencies.len() as f64 / elapsed
    );
    println!(
        "latency ms: p50 {:.1}, p90 {:.1}, p99 {:.1}, max {:.1}",
        pct(0.50),
        pct(0.90),
        pct(0.99),
        pct(1.0)
    );
    server.stop().expect("server stops");
    if !failures.is_empty() {
        eprintln!(
            "failures (first 10): {:?}",
            &failures[..failures.len().min(10)]
        );
        std::process::exit(1);
    }
}
