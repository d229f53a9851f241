//! Story: an index folder gets damaged (a disk fills up, a copy is cut short, a file is
//! overwritten). `fynd search` and `fynd index` name the damaged file and say to rebuild,
//! `fynd check` lists what is wrong, and `fynd index --rebuild` builds the index anew from
//! the documents whatever is damaged.

mod common;

use common::fynd;

use common::corpus_dir;
use std::path::Path;
use std::process::Output;

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// Overwrites the start of `file` with bytes no index file starts with.
fn damage(file: &Path) {
    let mut bytes = std::fs::read(file).unwrap();
    let garbage = b"garbage\0garbage\0";
    let n = garbage.len().min(bytes.len());
    bytes[..n].copy_from_slice(&garbage[..n]);
    std::fs::write(file, bytes).unwrap();
}

/// Overwrites the first half of `file` with a repeated pattern.
fn damage_first_half(file: &Path) {
    let mut bytes = std::fs::read(file).unwrap();
    let half = bytes.len() / 2;
    for (at, byte) in bytes[..half].iter_mut().enumerate() {
        *byte = b"garbage\0"[at % 8];
    }
    std::fs::write(file, bytes).unwrap();
}

/// The first file in `dir` whose name ends with `ending`.
fn file_ending(dir: &Path, ending: &str) -> std::path::PathBuf {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(ending))
        .collect();
    files.sort();
    files.remove(0)
}

#[test]
fn a_damaged_index_is_named_checked_and_rebuilt() {
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("index");
    let (index_arg, corpus) = (index.to_str().unwrap(), corpus_dir());
    let corpus = corpus.to_str().unwrap();
    let build = |extra: &[&str]| {
        let mut args = vec!["index", corpus, "--index", index_arg];
        args.extend_from_slice(extra);
        fynd(&args)
    };
    assert!(build(&[]).status.success());
    let check = fynd(&["check", "--index", index_arg]);
    assert!(check.status.success(), "{}", text(&check));
    assert!(
        text(&check).contains("the manifest and the index agree"),
        "{}",
        text(&check)
    );

    // A record removed by id: the manifest still lists it, and check says so.
    let deleted = fynd(&["delete", "23-023-S06", "--index", index_arg]);
    assert!(
        text(&deleted).contains("Removed 1 records"),
        "{}",
        text(&deleted)
    );
    let check = fynd(&["check", "--index", index_arg, "--json"]);
    assert_eq!(check.status.code(), Some(1));
    let report: serde_json::Value =
        serde_json::from_str(&String::from_utf8_lossy(&check.stdout)).unwrap();
    assert_eq!(report["missing_from_index"], 1);
    assert_eq!(report["missing_examples"][0], "23-023-S06");

    // A damaged document store: the search names the damage, check names the file. Each
    // record is compressed on its own, so the damage reaches every record in its span: the
    // first half of the file, where the records of every hit are.
    let store = file_ending(&index, ".store");
    damage_first_half(&store);
    let search = fynd(&["search", "samverkan", "--index", index_arg]);
    assert_eq!(search.status.code(), Some(2), "{}", text(&search));
    assert!(
        text(&search).contains("may be damaged"),
        "{}",
        text(&search)
    );
    assert!(
        text(&search).contains("fynd index --rebuild"),
        "{}",
        text(&search)
    );
    let check = fynd(&["check", "--index", index_arg]);
    assert_eq!(check.status.code(), Some(1));
    let name = store.file_name().unwrap().to_string_lossy().into_owned();
    assert!(
        text(&check).contains(&format!("1 damaged file(s) ({name})")),
        "{}",
        text(&check)
    );

    // A rebuild brings it all back, the deleted record too.
    let rebuilt = build(&["--rebuild"]);
    assert!(rebuilt.status.success(), "{}", text(&rebuilt));
    assert!(fynd(&["check", "--index", index_arg]).status.success());

    // meta.json, the lexicon and the manifest, each damaged in turn: named, then rebuilt.
    for (file, command) in [
        ("meta.json", "search"),
        ("fynd-lexicon.fst", "search"),
        ("fynd-manifest.json.zst", "index"),
    ] {
        damage(&index.join(file));
        let output = match command {
            "search" => fynd(&["search", "samverkan", "--index", index_arg]),
            _ => build(&[]),
        };
        let said = text(&output);
        assert_eq!(output.status.code(), Some(2), "{file}: {said}");
        assert!(
            said.contains(&format!("is damaged: {file} cannot be read"))
                && said.contains("fynd index --rebuild --index"),
            "{file}: {said}"
        );
        assert!(build(&["--rebuild"]).status.success(), "{file}");
        let check = fynd(&["check", "--index", index_arg]);
        assert!(check.status.success(), "{file}: {}", text(&check));
    }
}
