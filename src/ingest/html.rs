//! HTML pages saved from the web: the text a reader sees, without scripts, styles,
//! navigation, headers, footers and cookie banners, read with a real HTML parser. The
//! result is plain text with the page title on the first line, which then goes through the
//! same shape detection as any text document.

use scraper::{ElementRef, Html, Node, Selector};

/// Elements whose content is never part of the document.
const SKIPPED: &[&str] = &[
    "script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form",
    "button", "iframe", "svg", "head", "select", "dialog",
];

/// Elements that start a new line of text.
const BLOCKS: &[&str] = &[
    "p",
    "div",
    "section",
    "article",
    "main",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "li",
    "dl",
    "dt",
    "dd",
    "table",
    "tr",
    "blockquote",
    "pre",
    "hr",
    "br",
    "figure",
    "figcaption",
    "address",
];

/// Blocks set off by a blank line, like paragraphs in the text shapes.
const PARAGRAPHS: &[&str] = &["p", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol"];

/// Ends the current line (once), and leaves a blank line after it for a paragraph.
fn break_line(out: &mut String, paragraph: bool) {
    while out.ends_with(' ') {
        out.pop();
    }
    if out.is_empty() {
        return;
    }
    if !out.ends_with('\n') {
        out.push('\n');
    }
    if paragraph && !out.ends_with("\n\n") {
        out.push('\n');
    }
}

/// True when the text is an HTML page (a doctype, an `<html>` or `<body>` element near the top).
pub fn looks_like(text: &str) -> bool {
    // The first 2 048 characters, compared without regard to ASCII case and without a
    // lower-cased copy: every file is asked this, twice when a new index learns its lexicon.
    let text = text.trim_start();
    let end = text
        .char_indices()
        .nth(2048)
        .map_or(text.len(), |(at, _)| at);
    let head = &text.as_bytes()[..end];
    let starts =
        |tag: &[u8]| head.len() >= tag.len() && head[..tag.len()].eq_ignore_ascii_case(tag);
    starts(b"<!doctype html")
        || starts(b"<html")
        || head.windows(5).any(|w| w.eq_ignore_ascii_case(b"<body"))
}

/// A page read as text.
pub struct PageText {
    /// The first `<h1>`, or the `<title>` without its site name.
    pub title: Option<String>,
    /// The content with one block (paragraph, heading, list item, table row) per line;
    /// list items start with "• ".
    pub content: String,
}

impl PageText {
    /// The content with the title on a line of its own before it, unless the content
    /// already starts with it.
    pub fn with_title(&self) -> String {
        match &self.title {
            Some(title) if !self.content.starts_with(title.as_str()) => {
                format!("{title}\n\n{}", self.content)
            }
            _ => self.content.clone(),
        }
    }
}

/// Reads an HTML page as text.
pub fn to_text(html: &str) -> PageText {
    let document = Html::parse_document(html);
    let title = page_title(&document);
    let mut text = String::new();
    if let Some(body) = document.select(&selector("body")).next() {
        collect(body, &mut text);
    } else {
        collect(document.root_element(), &mut text);
    }
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    PageText {
        title,
        content: super::lines::join_paragraphs(lines),
    }
}

fn selector(css: &str) -> Selector {
    Selector::parse(css).expect("a valid built-in selector")
}

/// The first `<h1>`, or else `<title>` without a trailing " | Site name".
fn page_title(document: &Html) -> Option<String> {
    let text_of = |element: ElementRef| {
        element
            .text()
            .collect::<Vec<_>>()
            .join(" ")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    let h1 = document
        .select(&selector("body h1"))
        .map(text_of)
        .find(|t| !t.is_empty());
    h1.or_else(|| {
        let title = document.select(&selector("title")).map(text_of).next()?;
        let main = [" | ", " – ", " - "]
            .iter()
            .filter_map(|separator| title.split_once(separator).map(|(first, _)| first))
            .min_by_key(|first| first.len())
            .unwrap_or(&title);
        Some(main.trim().to_string()).filter(|t| !t.is_empty())
    })
}

/// True for cookie banners and site chrome marked by their id, class or ARIA role.
fn is_chrome(element: &ElementRef) -> bool {
    let value = element.value();
    let role = value.attr("role").unwrap_or("");
    if matches!(role, "navigation" | "banner" | "contentinfo" | "dialog") {
        return true;
    }
    let marks = format!(
        "{} {}",
        value.attr("id").unwrap_or(""),
        value.attr("class").unwrap_or("")
    )
    .to_lowercase();
    ["cookie", "consent", "gdpr", "skip-link", "breadcrumb"]
        .iter()
        .any(|word| marks.contains(word))
}

fn collect(element: ElementRef, out: &mut String) {
    for child in element.children() {
        match child.value() {
            Node::Text(text) => {
                let collapsed: Vec<&str> = text.split_whitespace().collect();
                if collapsed.is_empty() {
                    if !out.ends_with([' ', '\n']) && !out.is_empty() {
                        out.push(' ');
                    }
                    continue;
                }
                if text.starts_with(char::is_whitespace) && !out.ends_with([' ', '\n']) {
                    out.push(' ');
                }
                out.push_str(&collapsed.join(" "));
                if text.ends_with(char::is_whitespace) {
                    out.push(' ');
                }
            }
            Node::Element(_) => {
                let Some(child) = ElementRef::wrap(child) else {
                    continue;
                };
                let name = child.value().name();
                if SKIPPED.contains(&name) || is_chrome(&child) {
                    continue;
                }
                let block = BLOCKS.contains(&name);
                let paragraph = PARAGRAPHS.contains(&name);
                if block {
                    break_line(out, paragraph);
                }
                if name == "li" {
                    out.push_str("• ");
                }
                collect(child, out);
                if block {
                    break_line(out, paragraph);
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_readable_content_is_kept() {
        let page = r#"<!DOCTYPE html><html><head><title>Samverkan i länet | Exempelsajten</title>
            <style>p { color: red }</style><script>var x = "skript";</script></head>
            <body><nav><a href="/">Start</a> <a href="/nyheter">Nyheter</a></nav>
            <div id="cookie-banner">Vi använder kakor. <button>OK</button></div>
            <main><p>Projektet stärker <b>samverkan</b> mellan kommuner.</p>
            <ul><li>Arboga</li><li>Köping</li></ul></main>
            <footer>Kontakta oss</footer></body></html>"#;
        let text = to_text(page).with_title();
        assert_eq!(
            text,
            "Samverkan i länet\n\nProjektet stärker samverkan mellan kommuner.\n\n• Arboga\n• Köping"
        );
        assert!(looks_like(page));
        assert!(!looks_like("Diarienummer:\n23-023-S06"));
    }

    #[test]
    fn pages_are_told_apart_from_records_in_any_case() {
        assert!(looks_like("\n  <!DOCTYPE HTML>\n<title>x</title>"));
        assert!(looks_like("<HTML lang=\"sv\">"));
        assert!(looks_like("<meta charset=\"utf-8\">\n<BODY class=\"x\">"));
        // Only the first 2 048 characters are looked at ("å" is two bytes).
        let late = format!("{}<body>", "å".repeat(2048));
        assert!(!looks_like(&late));
        assert!(looks_like(&format!("{}<body>", "å".repeat(2043))));
        assert!(!looks_like("Ägare:\nHTML-skolan i Umeå"));
    }
}
