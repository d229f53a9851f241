//! Export memory: builds an index of 100 000 generated records (once; kept in the build's
//! scratch folder), then runs the real `fynd` binary exporting every hit as CSV and JSON lines
//! and reads its peak resident memory from `/usr/bin/time -v`. It also samples the process's
//! `/proc/PID/status` every 10 ms to split the peak into anonymous memory (what fynd itself
//! allocates) and file-backed pages (the memory-mapped index, shared with the page cache).
//! Fails if any export's peak RSS exceeds 200 MB (for more than 100 000 records: if its
//! anonymous memory does). Run with:
//!
//!     cargo bench --bench export_memory
//!
//! `FYND_BENCH_RECORDS=N` changes the number of records.

#[path = "../tests/common/mod.rs"]
mod common;

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

const LIMIT_KB: u64 = 200 * 1024;

fn main() {
    let count: usize = std::env::var("FYND_BENCH_RECORDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("export-memory-{count}"));
    common::bench_index(&dir, count);
    let time = Path::new("/usr/bin/time");
    if !time.exists() {
        eprintln!("/usr/bin/time is missing (apt-get install time); cannot measure peak memory");
        std::process::exit(2);
    }
    let index = dir.to_str().expect("utf-8 path");
    let cases: [&[&str]; 3] = [
        &["search", "", "--format", "csv"],
        &["search", "", "--format", "csv", "--sort", "budget:desc"],
        &["search", "fokus OR projektet", "--format", "jsonl"],
    ];
    let mut over = false;
    println!("records: {count}");
    println!("| command | rows | peak RSS | of it anonymous | of it index files | wall time |");
    println!("|---|---|---|---|---|---|");
    for args in cases {
        let out_path = dir.with_extension("out");
        let started = Instant::now();
        let child = Command::new(time)
            .arg("-v")
            .arg(env!("CARGO_BIN_EXE_fynd"))
            .args(args)
            .args(["--index", index])
            .stdout(Stdio::from(File::create(&out_path).expect("output file")))
            .stderr(Stdio::piped())
            .spawn()
            .expect("fynd runs");
        let sampled = sample_child_memory(child.id());
        let output = child.wait_with_output().expect("fynd finishes");
        let wall = started.elapsed();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "{args:?} failed: {stderr}");
        let peak_kb: u64 = stderr
            .lines()
            .find_map(|l| {
                l.trim()
                    .strip_prefix("Maximum resident set size (kbytes): ")
            })
            .and_then(|v| v.trim().parse().ok())
            .expect("time -v reports the peak");
        let rows = BufReader::new(File::open(&out_path).expect("output"))
            .lines()
            .count();
        let _ = std::fs::remove_file(&out_path);
        let shown: Vec<String> = args
            .iter()
            .map(|a| {
                if a.contains(' ') || a.is_empty() {
                    format!("'{a}'")
                } else {
                    a.to_string()
                }
            })
            .collect();
        println!(
            "| `fynd {} --index …` | {rows} | {:.1} MB | {:.1} MB | {:.1} MB | {:.1} s |",
            shown.join(" "),
            peak_kb as f64 / 1024.0,
            sampled.anon_kb as f64 / 1024.0,
            sampled.file_kb as f64 / 1024.0,
            wall.as_secs_f64()
        );
        // The bar: 100 000 hits under 200 MB of RSS. Beyond that the memory-mapped
        // index alone (page cache, shared and reclaimable) grows past it; what must stay
        // small there is the memory fynd allocates.
        over |= if count <= 100_000 {
            peak_kb > LIMIT_KB
        } else {
            sampled.anon_kb > LIMIT_KB
        };
    }
    if over {
        eprintln!("an export went over {} MB", LIMIT_KB / 1024);
        std::process::exit(1);
    }
}

/// Peaks of the sampled memory of one process, in kB.
#[derive(Default)]
struct Sampled {
    anon_kb: u64,
    file_kb: u64,
}

/// Samples the memory of the (only) child of process `parent` (fynd under `time`) every
/// 10 ms until it exits.
fn sample_child_memory(parent: u32) -> Sampled {
    let children = format!("/proc/{parent}/task/{parent}/children");
    let mut peaks = Sampled::default();
    let mut child: Option<String> = None;
    loop {
        if child.is_none() {
            child = std::fs::read_to_string(&children)
                .ok()
                .and_then(|s| s.split_whitespace().next().map(str::to_string));
        }
        let status = match &child {
            Some(pid) => std::fs::read_to_string(format!("/proc/{pid}/status")),
            None => {
                std::fs::read_to_string(format!("/proc/{parent}/status")).map(|_| String::new())
            }
        };
        let Ok(status) = status else { break };
        let field = |name: &str| -> u64 {
            status
                .lines()
                .find_map(|l| l.strip_prefix(name))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
                .unwrap_or(0)
        };
        peaks.anon_kb = peaks.anon_kb.max(field("RssAnon:"));
        peaks.file_kb = peaks.file_kb.max(field("RssFile:"));
        if child.is_some() && status.is_empty() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    peaks
}
