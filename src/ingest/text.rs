//! Turning a file's bytes into text the parsers can read.

/// Decodes a file's bytes as UTF-8 (a byte-order mark is dropped). Returns a reason a user
/// can act on when the bytes are not text.
pub fn decode(bytes: &[u8]) -> Result<String, String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.contains(&0) {
        return Err(
            "looks like a binary file (it contains NUL bytes); only text documents can be indexed"
                .to_string(),
        );
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(text.to_string()),
        Err(err) => {
            let line = 1 + bytes[..err.valid_up_to()]
                .iter()
                .filter(|&&b| b == b'\n')
                .count();
            Err(format!(
                "not valid UTF-8 (first bad byte on line {line}); save the file as UTF-8 and index it again"
            ))
        }
    }
}

/// CRLF and lone CR become LF, so every parser sees one kind of line end.
pub fn normalize_line_ends(text: &str) -> String {
    if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bom_is_dropped_and_binary_is_refused() {
        assert_eq!(decode(b"\xEF\xBB\xBFhej").unwrap(), "hej");
        assert!(decode(b"a\0b").unwrap_err().contains("binary"));
        assert!(decode(b"rad ett\nr\xE4d").unwrap_err().contains("line 2"));
        assert_eq!(normalize_line_ends("a\r\nb\rc"), "a\nb\nc");
    }
}
