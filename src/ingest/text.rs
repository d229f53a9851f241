//! Turning a file's bytes into text the parsers can read, whatever encoding it was saved in.

use encoding_rs::{Encoding, UTF_8, WINDOWS_1252};

/// Text decoded from a file, and the encoding it was read as.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decoded {
    /// The text, line ends not yet normalised.
    pub text: String,
    /// Encoding name ("UTF-8", "UTF-16LE", "windows-1252").
    pub encoding: &'static str,
}

/// Decodes a file's bytes: a byte-order mark (UTF-8, UTF-16LE/BE) decides; without one,
/// valid UTF-8 is UTF-8 and anything else is Windows-1252 (a superset of Latin-1 for text),
/// as Swedish files from older Windows systems are. Returns a reason a user can act on when
/// the bytes are not text at all.
pub fn decode(bytes: &[u8]) -> Result<Decoded, String> {
    if let Some((encoding, bom_length)) = Encoding::for_bom(bytes) {
        let (text, had_errors) = encoding.decode_without_bom_handling(&bytes[bom_length..]);
        if had_errors {
            return Err(format!(
                "starts with a {} byte-order mark but is not valid {} text",
                encoding.name(),
                encoding.name()
            ));
        }
        return Ok(Decoded {
            text: text.into_owned(),
            encoding: encoding.name(),
        });
    }
    if looks_binary(bytes) {
        return Err(
            "looks like a binary file (NUL or control bytes); only text documents can be indexed"
                .to_string(),
        );
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok(Decoded {
            text: text.to_string(),
            encoding: UTF_8.name(),
        });
    }
    let (text, _, _) = WINDOWS_1252.decode(bytes);
    Ok(Decoded {
        text: text.into_owned(),
        encoding: WINDOWS_1252.name(),
    })
}

/// NUL bytes, or more than one byte in twenty being a control character other than tab,
/// line feed, carriage return and form feed.
fn looks_binary(bytes: &[u8]) -> bool {
    if bytes.contains(&0) {
        return true;
    }
    let sample = &bytes[..bytes.len().min(8192)];
    let control = sample
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c))
        .count();
    control * 20 > sample.len()
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
    fn encodings_are_recognised() {
        assert_eq!(decode(b"\xEF\xBB\xBFhej").unwrap().text, "hej");
        let utf16: Vec<u8> = b"\xFF\xFE"
            .iter()
            .copied()
            .chain("Västerås".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        let decoded = decode(&utf16).unwrap();
        assert_eq!(
            (decoded.text.as_str(), decoded.encoding),
            ("Västerås", "UTF-16LE")
        );
        let latin1 = decode(b"Projekt i V\xe4ster\xe5s, \x96 \x93citat\x94").unwrap();
        assert_eq!(latin1.text, "Projekt i Västerås, – “citat”");
        assert_eq!(latin1.encoding, "windows-1252");
        assert!(decode(b"a\0b").unwrap_err().contains("binary"));
        assert!(decode(b"\x01\x02\x03\x04abc")
            .unwrap_err()
            .contains("binary"));
        assert_eq!(normalize_line_ends("a\r\nb\rc"), "a\nb\nc");
    }
}
