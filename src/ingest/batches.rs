//! Tables too large to read whole — JSON Lines, and delimited text with a header row — read
//! a batch of rows at a time, so that memory stays bounded whatever the file's size: one
//! batch's text and records, and each id of the table once (the last row with an id is the
//! one kept, as in a table read whole).
//!
//! A batch ends at a line end once it holds `batch_bytes` of rows. In delimited text a
//! quoted cell may span lines, so the last row a batch reads is handed on to the next
//! batch, which reads it again from its first line with the rows after it: every row but
//! the file's last is read with a row after it, as in the whole table, and a broken quote
//! is repaired as it is there. A batch of delimited text also reads on past an odd count of
//! `"` (a cell still open), up to [`MAX_LINE_BYTES`] or four batches. Each batch is decoded
//! and read by the same code as a whole table ([`super::text::decode`],
//! [`table::parse_rows`]); its records, warnings and problems name lines of the file.
//!
//! Line ends are normalised as each line is read, as for a whole text; a file whose first
//! line ends in a lone `\r` (old Mac line ends) is not read in batches.

use super::table::{self, TableFormat};
use super::{FileContents, IngestError, LastOfEachId, ReadOptions};
use std::collections::BTreeSet;
use std::io::BufRead;

/// Longest line read. A longer one is skipped with a problem naming its line, so that one
/// line cannot take memory without bound.
pub const MAX_LINE_BYTES: usize = 16 * 1024 * 1024;

/// Bytes of rows in a batch, by default: large enough that the per-batch work (a header
/// classified, a decoder started) is negligible, small enough to be a few thousand records.
pub const DEFAULT_BATCH_BYTES: usize = 8 * 1024 * 1024;

/// A table read from `R` a batch of rows at a time; each item is one batch's records and
/// problems. An error reading the file ends the batches with an `Err` after the rows before
/// it: the caller then knows the file was not read to its end.
pub struct TableBatches<R> {
    /// The file, as shown in records and errors.
    path: String,
    reader: R,
    format: TableFormat,
    /// The header row with its line end, put in front of every batch of delimited text;
    /// empty for JSON Lines.
    header: Vec<u8>,
    /// Lines read while recognising the table, the first of the first batch.
    pending: Vec<u8>,
    /// Lines in `pending`.
    pending_lines: usize,
    /// 1-based line of the file that the next batch begins with.
    next_line: usize,
    batch_bytes: usize,
    options: ReadOptions,
    ids: LastOfEachId,
    /// Unrecognised columns already reported by an earlier batch.
    reported_columns: BTreeSet<String>,
    /// Why reading stopped before the end, to be handed on after the last batch.
    error: Option<IngestError>,
    done: bool,
}

/// What [`read_line`] found.
enum Line {
    /// The end of the input: nothing was read.
    End,
    /// A line, appended.
    Read,
    /// A line longer than [`MAX_LINE_BYTES`], skipped to its end; nothing appended.
    TooLong,
}

/// Appends the next line of `reader` (with its `\n`, where it has one) to `buffer`, unless
/// it is longer than [`MAX_LINE_BYTES`]: then reads on to its end and appends nothing.
fn read_line(reader: &mut impl BufRead, buffer: &mut Vec<u8>) -> std::io::Result<Line> {
    let start = buffer.len();
    let mut too_long = false;
    loop {
        let available = match reader.fill_buf() {
            Ok(available) => available,
            Err(err) if err.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(err) => return Err(err),
        };
        if available.is_empty() {
            return Ok(match (too_long, buffer.len() > start) {
                (true, _) => Line::TooLong,
                (false, true) => Line::Read,
                (false, false) => Line::End,
            });
        }
        let (used, ends) = match available.iter().position(|&b| b == b'\n') {
            Some(at) => (at + 1, true),
            None => (available.len(), false),
        };
        if !too_long {
            if buffer.len() - start + used > MAX_LINE_BYTES {
                too_long = true;
                buffer.truncate(start);
            } else {
                buffer.extend_from_slice(&available[..used]);
            }
        }
        reader.consume(used);
        if ends {
            return Ok(if too_long { Line::TooLong } else { Line::Read });
        }
    }
}

/// Rewrites the line ends of `buffer[from..]` as [`super::text::normalize_line_ends`] does
/// for a whole text ("\r\n" and a lone "\r" become "\n"; a '\r' byte is never inside a
/// UTF-8 or Windows-1252 character), and returns how many lines that text has, so that the
/// batch's text and the lines counted for it agree.
fn normalize_line_ends(buffer: &mut Vec<u8>, from: usize) -> usize {
    if buffer[from..].contains(&b'\r') {
        let mut normalized = Vec::with_capacity(buffer.len() - from);
        let mut bytes = buffer[from..].iter().peekable();
        while let Some(&byte) = bytes.next() {
            if byte == b'\r' {
                bytes.next_if_eq(&&b'\n');
                normalized.push(b'\n');
            } else {
                normalized.push(byte);
            }
        }
        buffer.truncate(from);
        buffer.extend_from_slice(&normalized);
    }
    let text = &buffer[from..];
    let ends = text.iter().filter(|&&b| b == b'\n').count();
    ends + usize::from(!text.is_empty() && !text.ends_with(b"\n"))
}

fn quotes(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b == b'"').count()
}

impl<R: BufRead> TableBatches<R> {
    /// Recognises the table from its first two lines, as [`table::detect`] recognises a
    /// whole one. `Ok(None)` when the file is not JSON Lines or delimited text with a
    /// header row (a JSON array, a document, UTF-16), which must be read whole.
    pub fn open(
        path: &str,
        mut reader: R,
        options: &ReadOptions,
        batch_bytes: usize,
    ) -> Result<Option<TableBatches<R>>, IngestError> {
        let cannot_read = |err: std::io::Error| IngestError {
            path: path.to_string(),
            line: None,
            reason: format!("cannot read file: {err}"),
        };
        let mut first = Vec::new();
        if !matches!(
            read_line(&mut reader, &mut first).map_err(cannot_read)?,
            Line::Read
        ) {
            return Ok(None);
        }
        if first.starts_with(b"\xEF\xBB\xBF") {
            first.drain(..3);
        }
        if normalize_line_ends(&mut first, 0) > 1 {
            // Lines that end in a lone '\r': the first line read is several, and the
            // file is not read in batches.
            return Ok(None);
        }
        let mut second = Vec::new();
        let second_lines = match read_line(&mut reader, &mut second).map_err(cannot_read)? {
            Line::Read => normalize_line_ends(&mut second, 0),
            Line::End => 0,
            // A second line too long to hold: the file is not read in batches (it is
            // skipped as over the size cap).
            Line::TooLong => return Ok(None),
        };
        // Two lines, as a file of several: one JSON object alone on its first line is a
        // row of JSON Lines only when more lines follow, as in a whole file.
        let mut start = first.clone();
        start.extend_from_slice(&second);
        let Ok(decoded) = super::text::decode(&start) else {
            return Ok(None);
        };
        if decoded.encoding.starts_with("UTF-16") {
            return Ok(None);
        }
        let format = match table::detect(&decoded.text) {
            Some(format @ (TableFormat::JsonLines | TableFormat::Delimited(_))) => format,
            _ => return Ok(None),
        };
        let (header, pending, pending_lines, next_line) = match format {
            TableFormat::Delimited(_) => {
                if !first.ends_with(b"\n") {
                    first.push(b'\n');
                }
                (first, second, second_lines, 2)
            }
            _ => (Vec::new(), start, 1 + second_lines, 1),
        };
        Ok(Some(TableBatches {
            path: path.to_string(),
            reader,
            format,
            header,
            pending,
            pending_lines,
            next_line,
            batch_bytes: batch_bytes.max(1),
            options: options.clone(),
            ids: LastOfEachId::default(),
            reported_columns: BTreeSet::new(),
            error: None,
            done: false,
        }))
    }

    /// The reader, once the batches are read (to learn, say, what it counted).
    pub fn into_reader(self) -> R {
        self.reader
    }

    /// The text of the next batch (the header in front, for delimited text), the file's
    /// line it begins with, and the lines it skipped as too long.
    fn read_batch(&mut self) -> (Vec<u8>, usize, Vec<IngestError>) {
        let first_line = self.next_line;
        let mut buffer = self.header.clone();
        let header_bytes = buffer.len();
        buffer.append(&mut self.pending);
        self.next_line += std::mem::take(&mut self.pending_lines);
        let mut open_quotes = quotes(&buffer[header_bytes..]);
        let delimited = matches!(self.format, TableFormat::Delimited(_));
        let mut problems = Vec::new();
        loop {
            let rows = buffer.len() - header_bytes;
            let quoted = delimited && open_quotes % 2 == 1;
            let most = (4 * self.batch_bytes).max(MAX_LINE_BYTES);
            if rows >= self.batch_bytes && (!quoted || rows >= most) {
                break;
            }
            let start = buffer.len();
            match read_line(&mut self.reader, &mut buffer) {
                Ok(Line::End) => {
                    self.done = true;
                    break;
                }
                Ok(Line::Read) => {
                    self.next_line += normalize_line_ends(&mut buffer, start);
                    open_quotes += quotes(&buffer[start..]);
                }
                Ok(Line::TooLong) => {
                    problems.push(IngestError {
                        path: self.path.clone(),
                        line: Some(self.next_line),
                        reason: format!(
                            "a line of more than {} MB: skipped",
                            MAX_LINE_BYTES / (1024 * 1024)
                        ),
                    });
                    // An empty line keeps the lines after it numbered as in the file.
                    buffer.push(b'\n');
                    self.next_line += 1;
                }
                Err(err) => {
                    // What was read of the line is not a row.
                    buffer.truncate(start);
                    self.error = Some(IngestError {
                        path: self.path.clone(),
                        line: Some(self.next_line),
                        reason: format!(
                            "cannot read the file from this line on: {err}; the rows before it are indexed, and the file is read again by the next `fynd index`"
                        ),
                    });
                    self.done = true;
                    break;
                }
            }
        }
        (buffer, first_line, problems)
    }
}

impl<R: BufRead> Iterator for TableBatches<R> {
    type Item = Result<FileContents, IngestError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done && self.pending.is_empty() {
            return self.error.take().map(Err);
        }
        let (bytes, first_line, mut problems) = self.read_batch();
        let header_lines = usize::from(!self.header.is_empty());
        if bytes.len() == self.header.len() && problems.is_empty() {
            return self.error.take().map(Err);
        }
        // Line `l` of the batch's text as a line of the file; the header is line 1 in both.
        let in_file = |l: usize| match l {
            0 => 0,
            1 if header_lines == 1 => 1,
            l => l - 1 - header_lines + first_line,
        };
        // Lines of the header are reported by the first batch only.
        let first_batch = first_line == 1 + header_lines;
        let keep = |line: Option<usize>| first_batch || header_lines == 0 || line != Some(1);
        let relocate = |mut error: IngestError| {
            error.line = error.line.map(in_file);
            error
        };
        let last_line = self.next_line.saturating_sub(1).max(first_line);
        let decoded = match super::text::decode(&bytes) {
            Ok(decoded) => decoded,
            Err(reason) => {
                problems.push(IngestError {
                    path: self.path.clone(),
                    line: Some(first_line),
                    reason: format!("lines {first_line}–{last_line} skipped: {reason}"),
                });
                return Some(Ok(FileContents {
                    problems,
                    ..FileContents::default()
                }));
            }
        };
        let text = super::text::normalize_line_ends(&decoded.text);
        let parsed = match table::parse_rows(&self.path, &text, self.format, &self.options.columns)
        {
            Ok(parsed) => parsed,
            Err(error) => {
                problems.push(relocate(error));
                return Some(Ok(FileContents {
                    problems,
                    ..FileContents::default()
                }));
            }
        };
        // The last row of delimited text goes to the next batch, unless it is the file's
        // last or the batch's only row: `cut` is its line in the batch's text.
        let delimited = matches!(self.format, TableFormat::Delimited(_));
        let cut = match parsed.documents.last() {
            Some(&(last, _)) if delimited && !self.done && last > 2 => Some(last),
            _ => None,
        };
        let mut parsed = parsed;
        if let Some(cut) = cut {
            let offset = line_start(&bytes, cut);
            self.pending = bytes[offset..].to_vec();
            self.pending_lines = self.next_line - in_file(cut);
            self.next_line = in_file(cut);
            parsed.documents.retain(|(line, _)| *line < cut);
            parsed
                .problems
                .retain(|p| p.line.is_none_or(|line| line < cut));
        }
        let before_cut = |line: usize| cut.is_none_or(|cut| line < cut);
        problems.extend(
            parsed
                .problems
                .into_iter()
                .filter(|p| keep(p.line))
                .map(relocate),
        );
        let rows: Vec<_> = parsed
            .documents
            .into_iter()
            .map(|(line, mut document)| {
                for warning in &mut document.warnings {
                    warning.line = warning.line.map(in_file);
                }
                (in_file(line), document)
            })
            .collect();
        let mut documents = self.ids.keep(rows);
        let decoding = decoded
            .warnings
            .into_iter()
            .filter(|(line, _)| keep(Some(*line)) && before_cut(*line))
            .map(|(line, reason)| IngestError {
                path: self.path.clone(),
                line: Some(in_file(line)),
                reason,
            });
        match documents.first_mut() {
            Some(first) => first.warnings.extend(decoding),
            None => problems.extend(decoding),
        }
        let unrecognised_columns = parsed
            .unrecognised_columns
            .into_iter()
            .filter(|column| self.reported_columns.insert(column.clone()))
            .collect();
        Some(Ok(FileContents {
            documents,
            problems,
            unrecognised_columns,
        }))
    }
}

/// Byte offset of the start of 1-based line `line` in `bytes` (its length when it has
/// fewer lines).
fn line_start(bytes: &[u8], line: usize) -> usize {
    if line <= 1 {
        return 0;
    }
    bytes
        .iter()
        .enumerate()
        .filter(|(_, &b)| b == b'\n')
        .nth(line - 2)
        .map_or(bytes.len(), |(at, _)| at + 1)
}
