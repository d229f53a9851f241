//! Delimited text (CSV, TSV, semicolon-separated) read row by row with the csv crate, and
//! kept from losing rows to a broken quote: an unbalanced `"` would otherwise open a field
//! that runs over every row after it, up to the next quote or the end of the file, and all
//! those rows would become one record.

/// The rows of a delimited table and what was done to read them.
pub(super) struct Rows {
    /// The header row's cells.
    pub headers: Vec<String>,
    /// Each row's 1-based line and its cells.
    pub rows: Vec<(usize, Vec<String>)>,
    /// Rows read as they stand, with their quotes as text, because a quote in them was
    /// never closed where it should be: 1-based line and reason.
    pub repaired: Vec<(usize, String)>,
    /// Rows that could not be read at all: 1-based line (where known) and reason.
    pub skipped: Vec<(Option<usize>, String)>,
}

/// Reads `text` (line ends already LF) as a table with a header row. A record that spans
/// lines is taken for a broken quote when it has a different number of cells from the
/// header, or when a line inside a quoted cell is itself a whole row (as many cells as the
/// header when split on the delimiter); its first line is then read without quoting and
/// reading goes on at the next line. Each byte is read at most twice: linear time.
pub(super) fn read(text: &str, delimiter: u8) -> Rows {
    let mut out = Rows {
        headers: Vec::new(),
        rows: Vec::new(),
        repaired: Vec::new(),
        skipped: Vec::new(),
    };
    let mut have_headers = false;
    // The 1-based line of a byte offset, counted forward (offsets only grow): the csv
    // reader's own line count passes over blank lines.
    let (mut counted_to, mut line_at) = (0usize, 1usize);
    let mut line_of = |offset: usize| {
        line_at += text.as_bytes()[counted_to..offset]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        counted_to = offset;
        line_at
    };
    // Where the current reader starts: byte offset.
    let mut start = 0usize;
    'restart: while start < text.len() {
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .flexible(true)
            .has_headers(false)
            .from_reader(&text.as_bytes()[start..]);
        let mut record = csv::StringRecord::new();
        loop {
            match reader.read_record(&mut record) {
                Ok(false) => break 'restart,
                Ok(true) => {}
                Err(err) => {
                    let line = err.position().map(|p| line_of(start + p.byte() as usize));
                    out.skipped.push((line, format!("row skipped: {err}")));
                    continue;
                }
            }
            let position = record.position().expect("a read record has a position");
            // The position is where the reader stood, before the blank lines it passed.
            let from = start + position.byte() as usize;
            let from = from
                + text.as_bytes()[from..]
                    .iter()
                    .take_while(|&&b| b == b'\n' || b == b'\r')
                    .count();
            let line = line_of(from);
            let to = start + reader.position().byte() as usize;
            let spanned = text[from..to].trim_end_matches('\n');
            let expected = if have_headers {
                out.headers.len()
            } else {
                // A header row never runs over lines.
                usize::MAX
            };
            let broken = spanned.contains('\n')
                && (record.len() != expected
                    || record.iter().any(|cell| {
                        cell.lines()
                            .skip(1)
                            .any(|l| l.split(delimiter as char).count() == expected)
                    }));
            let cells: Vec<String> = if broken {
                let first_line = spanned.split('\n').next().unwrap_or_default();
                let unquoted = csv::ReaderBuilder::new()
                    .delimiter(delimiter)
                    .flexible(true)
                    .has_headers(false)
                    .quoting(false)
                    .from_reader(first_line.as_bytes())
                    .records()
                    .next()
                    .and_then(Result::ok)
                    .map(|r| r.iter().map(str::to_string).collect())
                    .unwrap_or_default();
                out.repaired.push((
                    line,
                    "a quote (\") on this line is never closed where its cell ends: the line is read with its quotes as text, and the lines after it as rows of their own; check the quotes on this line".to_string(),
                ));
                unquoted
            } else {
                record.iter().map(str::to_string).collect()
            };
            if have_headers {
                out.rows.push((line, cells));
            } else {
                out.headers = cells;
                have_headers = true;
            }
            if broken {
                // Go on at the line after the broken one (`line` is its 1-based number).
                let next = from + spanned.find('\n').expect("spans lines") + 1;
                start = next;
                continue 'restart;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quoted_cell_may_span_lines() {
        let rows = read(
            "id;namn;beskrivning\n1;A;\"första raden\nandra raden\"\n2;B;\"x; y\"\n",
            b';',
        );
        assert_eq!(rows.headers, ["id", "namn", "beskrivning"]);
        assert_eq!(
            rows.rows,
            [
                (
                    2,
                    vec!["1".into(), "A".into(), "första raden\nandra raden".into()]
                ),
                (4, vec!["2".into(), "B".into(), "x; y".into()]),
            ]
        );
        assert!(rows.repaired.is_empty() && rows.skipped.is_empty());
    }

    #[test]
    fn blank_lines_count_in_a_rows_line() {
        let rows = read("id;namn\n1;a\n\n2;b\n\n\n3;c\n", b';');
        let lines: Vec<usize> = rows.rows.iter().map(|(line, _)| *line).collect();
        assert_eq!(lines, [2, 4, 7]);
    }

    #[test]
    fn an_unbalanced_quote_loses_no_rows() {
        // Never closed: it would run to the end of the file.
        let rows = read(
            "id;namn;beskrivning\n1;\"A;text a\n2;B;text b\n3;C;text c\n",
            b';',
        );
        let ids: Vec<&str> = rows.rows.iter().map(|(_, c)| c[0].as_str()).collect();
        assert_eq!(ids, ["1", "2", "3"]);
        assert_eq!(rows.rows[0].1, ["1", "\"A", "text a"]);
        assert_eq!(
            rows.rows[2],
            (4, vec!["3".into(), "C".into(), "text c".into()])
        );
        assert_eq!(rows.repaired.len(), 1);
        assert_eq!(rows.repaired[0].0, 2);
        // Closed by a later row's quote: the rows between are still rows.
        let rows = read("id,namn,text\n1,\"A,a\n2,B,b\n3,\"C\",c\n4,D,d\n", b',');
        let lines: Vec<(usize, &str)> =
            rows.rows.iter().map(|(l, c)| (*l, c[0].as_str())).collect();
        assert_eq!(lines, [(2, "1"), (3, "2"), (4, "3"), (5, "4")]);
        assert_eq!(rows.rows[2].1, ["3", "C", "c"]);
        assert_eq!(rows.repaired.iter().map(|r| r.0).collect::<Vec<_>>(), [2]);
    }
}
