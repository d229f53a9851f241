//! A progress bar for `fynd index`, drawn only when standard error is a terminal.

use crate::index::IndexProgress;
use indicatif::{ProgressBar, ProgressStyle};
use std::path::Path;

/// Shows files read out of files found, with a rate and time left.
pub struct FileProgressBar {
    bar: ProgressBar,
}

impl FileProgressBar {
    /// A bar that draws to standard error (hidden when that is not a terminal).
    pub fn new() -> FileProgressBar {
        let bar = ProgressBar::new(0);
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} {prefix} [{bar:30}] {pos}/{len} files ({per_sec}, {eta} left) {wide_msg}",
            )
            .expect("the template is valid")
            .progress_chars("=> "),
        );
        FileProgressBar { bar }
    }
}

impl Default for FileProgressBar {
    fn default() -> Self {
        FileProgressBar::new()
    }
}

impl IndexProgress for FileProgressBar {
    fn start(&mut self, phase: &str, files: usize) {
        self.bar.set_prefix(phase.to_string());
        self.bar.set_position(0);
        self.bar.set_length(files as u64);
        self.bar.reset_eta();
    }

    fn file_done(&mut self, path: &Path) {
        self.bar.inc(1);
        if let Some(name) = path.file_name() {
            self.bar.set_message(name.to_string_lossy().into_owned());
        }
    }

    fn finish(&mut self) {
        self.bar.finish_and_clear();
    }
}

/// A bar counting items of a known total (documents generated, queries run), drawn only
/// when standard error is a terminal.
pub struct CountProgressBar {
    bar: ProgressBar,
}

impl CountProgressBar {
    /// A bar for `total` items, labelled with what is being done.
    pub fn new(total: u64, label: &str) -> CountProgressBar {
        let bar = ProgressBar::new(total);
        bar.set_style(
            ProgressStyle::with_template(&format!(
                "{{spinner}} {label} [{{bar:30}}] {{pos}}/{{len}} ({{per_sec}}, {{eta}} left)"
            ))
            .expect("the template is valid")
            .progress_chars("=> "),
        );
        CountProgressBar { bar }
    }

    /// Sets the number of items done.
    pub fn set(&self, done: u64) {
        self.bar.set_position(done);
    }

    /// Removes the bar.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
