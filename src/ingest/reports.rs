//! Reports saved as PDF, Word (.docx) or OpenDocument (.odt): the pre-study and final
//! reports researchers hold. Recognised by their first bytes (never the file name), turned
//! into plain text with the document's title in front, and then read like any text file, so
//! the usual shape detection applies (an ESF+ record printed to PDF is still a record).
//!
//! Contract: any bytes give text or a reason, never a panic. A damaged or encrypted file is
//! an error that names what to do; the PDF reader runs under `catch_unwind`, because a
//! library that parses a format this large may panic on a file it was not written for, and
//! one bad report must not stop a batch.

use std::io::{Cursor, Read};

/// A report's kind, from its first bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReportKind {
    /// `%PDF-`.
    Pdf,
    /// A ZIP archive holding `word/document.xml`.
    Docx,
    /// A ZIP archive whose `mimetype` is OpenDocument text.
    Odt,
    /// A ZIP archive that cannot be opened: a Word or OpenDocument file cut short or
    /// damaged, most likely, since a plain ZIP file is no document to index either.
    DamagedArchive,
}

impl ReportKind {
    /// The name users know the format by.
    pub fn name(self) -> &'static str {
        match self {
            ReportKind::Pdf => "PDF",
            ReportKind::Docx => "Word (.docx)",
            ReportKind::Odt => "OpenDocument (.odt)",
            ReportKind::DamagedArchive => "ZIP archive",
        }
    }
}

/// Text decompressed from one part of a report, at most: a report of a few hundred pages
/// is a few MB of XML; a "zip bomb" is stopped here instead of filling memory.
const MAX_PART_BYTES: u64 = 256 * 1024 * 1024;

/// The kind of report `bytes` are, if they are one. A ZIP archive that is neither Word nor
/// OpenDocument text is `None` (and then refused as binary by the text decoder).
pub fn detect(bytes: &[u8]) -> Option<ReportKind> {
    if bytes.starts_with(b"%PDF-") {
        return Some(ReportKind::Pdf);
    }
    if !bytes.starts_with(b"PK\x03\x04") {
        return None;
    }
    // OpenDocument stores its mimetype first and uncompressed, so it is in the first bytes.
    let head = &bytes[..bytes.len().min(200)];
    if contains(head, b"application/vnd.oasis.opendocument.text") {
        return Some(ReportKind::Odt);
    }
    let Ok(archive) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Some(ReportKind::DamagedArchive);
    };
    let is_docx = archive
        .file_names()
        .any(|name| name.is_ok_and(|name| name == "word/document.xml"));
    is_docx.then_some(ReportKind::Docx)
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// A report read as text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    /// The title in the document's metadata, when a person set one.
    pub title: Option<String>,
    /// The paragraphs, separated by blank lines.
    pub text: String,
}

impl Report {
    /// The text with the title on a line of its own in front, unless the text already
    /// begins with it: what a page of running text is read from.
    pub fn with_title(&self) -> String {
        match &self.title {
            Some(title) if !self.text.starts_with(title.as_str()) => {
                format!("{title}\n\n{}", self.text)
            }
            _ => self.text.clone(),
        }
    }
}

/// The report as text. The error says why it cannot be read and what to do.
pub fn to_text(kind: ReportKind, bytes: &[u8]) -> Result<Report, String> {
    let (title, body) = match kind {
        ReportKind::Pdf => pdf_text(bytes)?,
        ReportKind::Docx => office_text(bytes, "word/document.xml", "docProps/core.xml")?,
        ReportKind::Odt => office_text(bytes, "content.xml", "meta.xml")?,
        ReportKind::DamagedArchive => {
            return Err(
                "cannot read this document: its ZIP archive is damaged or cut short; \
                 if it is a Word or OpenDocument file, open it and save it again, or save it \
                 as text (.txt) and index that"
                    .to_string(),
            )
        }
    };
    let body = body.trim();
    if body.is_empty() {
        return Err(format!(
            "this {} holds no text (a scan?); run it through OCR and index the text",
            kind.name()
        ));
    }
    Ok(Report {
        title,
        text: format!("{body}\n"),
    })
}

/// Title and text of a PDF.
fn pdf_text(bytes: &[u8]) -> Result<(Option<String>, String), String> {
    let damaged = |detail: String| {
        format!(
            "cannot read this PDF ({detail}): it may be damaged or encrypted; open it and save \
             or print it to PDF again, or export its text and index that"
        )
    };
    let read = std::panic::catch_unwind(|| -> Result<(Option<String>, String), String> {
        let document = lopdf::Document::load_mem(bytes).map_err(|err| damaged(err.to_string()))?;
        if document.is_encrypted() {
            return Err(damaged("it is encrypted".to_string()));
        }
        let pages: Vec<u32> = document.get_pages().keys().copied().collect();
        let mut text = String::new();
        for page in pages {
            // A page that cannot be read is left out; the others still make the document.
            if let Ok(page_text) = document.extract_text(&[page]) {
                text.push_str(&page_text);
                text.push('\n');
            }
        }
        Ok((pdf_title(&document), tidy_pdf_text(&text)))
    });
    read.unwrap_or_else(|_| Err(damaged("the PDF reader failed on it".to_string())))
}

/// The Title of the PDF's Info dictionary, when it is set to something a person wrote
/// (word processors often put the file name or "Microsoft Word - x.docx" there).
fn pdf_title(document: &lopdf::Document) -> Option<String> {
    let info = document.trailer.get(b"Info").ok()?;
    let (_, info) = document.dereference(info).ok()?;
    let title = info.as_dict().ok()?.get(b"Title").ok()?;
    let (_, title) = document.dereference(title).ok()?;
    let title = lopdf::decode_text_string(title).ok()?;
    let title = title.trim();
    let generated = title.is_empty()
        || title.starts_with("Microsoft Word - ")
        || [".doc", ".docx", ".odt", ".pdf"]
            .iter()
            .any(|ext| title.to_lowercase().ends_with(ext));
    (!generated).then(|| title.to_string())
}

/// PDF text as lopdf gives it: lines trimmed, a line of white space made empty, and runs
/// of empty lines made one (so paragraphs stay apart and pages do not leave gaps).
fn tidy_pdf_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank = false;
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() {
            blank = !out.is_empty();
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank { "\n\n" } else { "\n" });
        }
        out.push_str(line);
        blank = false;
    }
    out
}

/// Reads one part of a ZIP archive as UTF-8, within [`MAX_PART_BYTES`].
fn zip_part(bytes: &[u8], name: &str) -> Result<Option<String>, String> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|err| format!("the archive is damaged ({err})"))?;
    let part = match archive.by_name(name) {
        Ok(part) => part,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(err) => return Err(format!("cannot open {name} in it ({err})")),
    };
    let mut text = String::new();
    part.take(MAX_PART_BYTES)
        .read_to_string(&mut text)
        .map_err(|err| format!("cannot read {name} in it ({err})"))?;
    Ok(Some(text))
}

/// Title and text of a Word or OpenDocument file: paragraphs of `content`, one per line
/// (headings included, as their own paragraphs), and `dc:title` from `meta`.
fn office_text(
    bytes: &[u8],
    content: &str,
    meta: &str,
) -> Result<(Option<String>, String), String> {
    let damaged = |detail: String| {
        format!(
            "cannot read this document: {detail}; open it and save it again, or save it as \
             text (.txt) and index that"
        )
    };
    let xml = zip_part(bytes, content)
        .map_err(damaged)?
        .ok_or_else(|| damaged(format!("{content} is missing")))?;
    let text = paragraphs(&xml).map_err(|err| damaged(format!("{content}: {err}")))?;
    let title = zip_part(bytes, meta)
        .ok()
        .flatten()
        .and_then(|xml| element_text(&xml, b"title"))
        .filter(|title| !title.trim().is_empty());
    Ok((title, text))
}

/// The text of an office document's XML: each paragraph (`w:p`, `text:p`, `text:h`) on a
/// line of its own, with a blank line between paragraphs; tabs and line breaks inside a
/// paragraph kept as a space and a line break.
fn paragraphs(xml: &str) -> Result<String, String> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut out = String::new();
    let mut paragraph = String::new();
    // Inside <w:t> or anywhere in a text:p / text:h: text counts.
    let mut in_word_text = false;
    let mut odf_depth = 0usize;
    loop {
        let event = reader
            .read_event()
            .map_err(|err| format!("malformed XML at byte {} ({err})", reader.buffer_position()))?;
        match event {
            Event::Start(e) => match e.name().as_ref() {
                b"w:t" => in_word_text = true,
                b"text:p" | b"text:h" => odf_depth += 1,
                b"text:tab" | b"w:tab" => paragraph.push(' '),
                _ => {}
            },
            Event::Empty(e) => match e.name().as_ref() {
                b"w:tab" | b"text:tab" | b"text:s" => paragraph.push(' '),
                b"w:br" | b"text:line-break" => paragraph.push('\n'),
                _ => {}
            },
            Event::Text(e) if in_word_text || odf_depth > 0 => {
                let text = e
                    .unescape()
                    .map_err(|err| format!("malformed text ({err})"))?;
                paragraph.push_str(&text);
            }
            Event::End(e) => match e.name().as_ref() {
                b"w:t" => in_word_text = false,
                b"w:p" => end_paragraph(&mut out, &mut paragraph),
                b"text:p" | b"text:h" => {
                    odf_depth = odf_depth.saturating_sub(1);
                    if odf_depth == 0 {
                        end_paragraph(&mut out, &mut paragraph);
                    }
                }
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    end_paragraph(&mut out, &mut paragraph);
    Ok(out)
}

fn end_paragraph(out: &mut String, paragraph: &mut String) {
    let text = paragraph.trim();
    if !text.is_empty() {
        if !out.is_empty() {
            out.push_str("\n\n");
        }
        out.push_str(text);
    }
    paragraph.clear();
}

/// The text of the first element whose local name is `local` (`dc:title` → `title`).
fn element_text(xml: &str, local: &[u8]) -> Option<String> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut inside = false;
    let mut text = String::new();
    loop {
        match reader.read_event().ok()? {
            Event::Start(e) if e.local_name().as_ref() == local => inside = true,
            Event::Text(e) if inside => text.push_str(&e.unescape().ok()?),
            Event::End(e) if inside && e.local_name().as_ref() == local => {
                return Some(text.trim().to_string())
            }
            Event::Eof => return None,
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_paragraphs_runs_tabs_and_breaks_become_lines() {
        let xml = r#"<w:document><w:body>
            <w:p><w:pPr><w:pStyle w:val="Rubrik1"/></w:pPr><w:r><w:t>Förstudie om</w:t></w:r><w:r><w:t xml:space="preserve"> samverkan</w:t></w:r></w:p>
            <w:p><w:r><w:t>Mål</w:t><w:tab/><w:t>Fler i arbete &amp; studier</w:t><w:br/><w:t>Rad två</w:t></w:r></w:p>
            <w:p/></w:body></w:document>"#;
        assert_eq!(
            paragraphs(xml).unwrap(),
            "Förstudie om samverkan\n\nMål Fler i arbete & studier\nRad två"
        );
    }

    #[test]
    fn open_document_headings_and_nested_spans_are_paragraphs() {
        let xml = r#"<office:text><text:h text:outline-level="1">Slutrapport</text:h>
            <text:p>Projektet <text:span>nådde</text:span><text:s/>målen.</text:p></office:text>"#;
        assert_eq!(
            paragraphs(xml).unwrap(),
            "Slutrapport\n\nProjektet nådde målen."
        );
    }

    #[test]
    fn anything_that_is_no_report_is_none_or_a_reason() {
        assert_eq!(detect(b"Vanlig text"), None);
        assert_eq!(
            detect(b"PK\x03\x04broken"),
            Some(ReportKind::DamagedArchive)
        );
        assert_eq!(detect(b"%PDF-1.7 trasig"), Some(ReportKind::Pdf));
        let reason = to_text(ReportKind::Pdf, b"%PDF-1.7 trasig").unwrap_err();
        assert!(reason.contains("cannot read this PDF"), "{reason}");
    }
}
