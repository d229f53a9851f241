//! Finding the files to index under the paths a user names.

use std::path::{Path, PathBuf};
use walkdir::WalkDir;

/// Every regular, non-hidden file under `roots` (a root may itself be a file), sorted so
/// that runs are reproducible. Paths that cannot be read are returned beside the files,
/// with the reason, so one unreadable folder does not stop the batch.
pub fn collect_files(roots: &[PathBuf]) -> (Vec<PathBuf>, Vec<(PathBuf, String)>) {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    for root in roots {
        if !root.exists() {
            problems.push((root.clone(), "no such file or folder".to_string()));
            continue;
        }
        let walker = WalkDir::new(root)
            .follow_links(true)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|entry| entry.depth() == 0 || !is_hidden(entry.path()));
        for entry in walker {
            match entry {
                Ok(entry) if entry.file_type().is_file() && is_documentation(entry.path()) => {
                    problems.push((
                        entry.into_path(),
                        "Markdown notes about a collection are not indexed (rename to .txt to index it)"
                            .to_string(),
                    ));
                }
                Ok(entry) if entry.file_type().is_file() => files.push(entry.into_path()),
                Ok(_) => {}
                Err(err) => {
                    let path = err
                        .path()
                        .map(Path::to_path_buf)
                        .unwrap_or_else(|| root.clone());
                    problems.push((path, format!("cannot read: {err}")));
                }
            }
        }
    }
    (files, problems)
}

/// Markdown files: the README / SOURCES notes that describe a folder of documents.
fn is_documentation(path: &Path) -> bool {
    path.extension()
        .is_some_and(|ext| ext.eq_ignore_ascii_case("md"))
}

fn is_hidden(path: &Path) -> bool {
    path.file_name()
        .and_then(|name| name.to_str())
        .is_some_and(|name| name.starts_with('.'))
}
