//! Turning a file's bytes into text the parsers can read, whatever encoding it was saved in.

use encoding_rs::{Encoding, UTF_8, WINDOWS_1252};

/// Text decoded from a file, and the encoding it was read as.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decoded {
    /// The text, line ends not yet normalised.
    pub text: String,
    /// Encoding name ("UTF-8", "UTF-16LE", "windows-1252").
    pub encoding: &'static str,
    /// What was replaced or left out to read the bytes as text, each with the 1-based line
    /// it first happens on, for the file's report.
    pub warnings: Vec<(usize, String)>,
}

/// Decodes a file's bytes: a byte-order mark (UTF-8, UTF-16LE/BE) decides; without one,
/// UTF-8 is UTF-8 and anything else is Windows-1252 (a superset of Latin-1 for text), as
/// Swedish files from older Windows systems are. A file is UTF-8 when its bytes are, or when
/// its valid multi-byte UTF-8 sequences (å, ä, ö written as UTF-8) are at least as many as
/// its invalid bytes: then the invalid bytes become U+FFFD and are reported, instead of the
/// whole file being re-read as Windows-1252 and every å, ä, ö in it garbled. NUL bytes in a
/// text file are left out and reported. Returns a reason a user can act on when the bytes
/// are not text at all.
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
            warnings: Vec::new(),
        });
    }
    if looks_binary(bytes) {
        return Err(
            "looks like a binary file (NUL or control bytes); only text documents can be indexed"
                .to_string(),
        );
    }
    let mut warnings = Vec::new();
    let without_nul: Vec<u8>;
    let bytes = match bytes.iter().position(|&b| b == 0) {
        None => bytes,
        Some(first) => {
            without_nul = bytes.iter().copied().filter(|&b| b != 0).collect();
            warnings.push((
                line_of(bytes, first),
                format!(
                    "{} NUL byte(s) left out (the first on this line); the rest of the text is read",
                    bytes.len() - without_nul.len()
                ),
            ));
            &without_nul
        }
    };
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok(Decoded {
            text: text.to_string(),
            encoding: UTF_8.name(),
            warnings,
        });
    }
    let evidence = Utf8Evidence::of(bytes);
    if evidence.multibyte > 0 && evidence.multibyte >= evidence.invalid {
        warnings.push((
            line_of(bytes, evidence.first_invalid),
            format!(
                "{} byte sequence(s) that are not valid UTF-8 (the first on this line) replaced with U+FFFD (�); the rest read as UTF-8",
                evidence.invalid
            ),
        ));
        return Ok(Decoded {
            text: String::from_utf8_lossy(bytes).into_owned(),
            encoding: UTF_8.name(),
            warnings,
        });
    }
    let (text, _, _) = WINDOWS_1252.decode(bytes);
    Ok(Decoded {
        text: text.into_owned(),
        encoding: WINDOWS_1252.name(),
        warnings,
    })
}

/// 1-based line of byte `offset`.
fn line_of(bytes: &[u8], offset: usize) -> usize {
    1 + bytes[..offset].iter().filter(|&&b| b == b'\n').count()
}

/// How much of a byte string reads as UTF-8 beyond ASCII, and how much does not.
struct Utf8Evidence {
    /// Valid multi-byte UTF-8 sequences (each a non-ASCII character).
    multibyte: usize,
    /// Invalid sequences (each replaced by one U+FFFD when read lossily).
    invalid: usize,
    /// Byte offset of the first invalid sequence.
    first_invalid: usize,
}

impl Utf8Evidence {
    fn of(bytes: &[u8]) -> Utf8Evidence {
        // Lead bytes of multi-byte sequences; in valid UTF-8 each starts one character.
        let leads = |valid: &[u8]| valid.iter().filter(|&&b| b >= 0xC0).count();
        let mut evidence = Utf8Evidence {
            multibyte: 0,
            invalid: 0,
            first_invalid: 0,
        };
        let mut offset = 0;
        loop {
            let rest = &bytes[offset..];
            match std::str::from_utf8(rest) {
                Ok(_) => {
                    evidence.multibyte += leads(rest);
                    return evidence;
                }
                Err(err) => {
                    let valid = err.valid_up_to();
                    evidence.multibyte += leads(&rest[..valid]);
                    if evidence.invalid == 0 {
                        evidence.first_invalid = offset + valid;
                    }
                    evidence.invalid += 1;
                    offset += valid + err.error_len().unwrap_or(rest.len() - valid);
                }
            }
        }
    }
}

/// More than one byte in twenty being NUL or another control character (other than tab,
/// line feed, carriage return and form feed) in the first 8 KB, or NUL in the whole file. A
/// stray NUL in a text file is not enough: PDFs, images and archives have far more.
fn looks_binary(bytes: &[u8]) -> bool {
    let sample = &bytes[..bytes.len().min(8192)];
    let control = sample
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c))
        .count();
    let nul = bytes.iter().filter(|&&b| b == 0).count();
    control * 20 > sample.len() || nul * 20 > bytes.len()
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
