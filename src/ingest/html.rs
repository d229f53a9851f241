//! HTML pages saved from the web: the text a reader sees, without scripts, styles,
//! navigation, headers, footers and cookie banners, read with a real HTML parser. The
//! result is plain text with the page title on the first line, which then goes through the
//! same shape detection as any text document.

use html5ever::interface::{Attribute, ElementFlags, NodeOrText, QualName, QuirksMode, TreeSink};
use html5ever::tendril::{StrTendril, TendrilSink};
use scraper::{ElementRef, Html, HtmlTreeSink, Node, Selector};
use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

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
    /// Why the page was read in the flat way ([`MAX_NESTING`]), for the file's report.
    pub warning: Option<String>,
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

/// Elements may be nested this deep for a page to be read with the HTML parser; a deeper
/// page is read flat ([`flat_text`]). The parser's work per element grows with the depth
/// (its scope checks walk the stack of open elements), so a hostile page of 100 000 nested
/// elements would take hours; capped, the work stays in proportion to the file's size.
/// Browsers cap their trees at about the same depth (Blink at 512), so no page made for
/// reading comes near it.
pub const MAX_NESTING: usize = 512;

/// Reads an HTML page as text. A page nested deeper than [`MAX_NESTING`] is read flat,
/// with a warning in [`PageText::warning`].
pub fn to_text(html: &str) -> PageText {
    if nesting_exceeds(html, MAX_NESTING) {
        return read_flat(html);
    }
    let Some(document) = parse_within_depth(html, 2 * MAX_NESTING) else {
        return read_flat(html);
    };
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
        warning: None,
    }
}

/// Elements that never hold content (no end tag), or whose end tag may be left out and is
/// implied by the next sibling (`<p>`, `<li>`, table cells): neither makes a page deeper
/// when it is written without an end tag, so the depth scan does not count them.
const NOT_NESTING: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr", "param", "html", "head", "body", "p", "li", "dt", "dd", "tr", "td", "th", "option",
    "optgroup", "tbody", "thead", "tfoot", "colgroup", "caption", "rb", "rt", "rp", "rtc",
];

/// Elements whose content is raw text, not markup: read up to their end tag as it stands.
const RAW_TEXT: &[&str] = &["script", "style", "textarea", "title", "xmp", "noscript"];

/// A piece of an HTML page as the flat scan sees it.
enum Piece<'a> {
    /// Text between tags (entities not yet decoded).
    Text(&'a str),
    /// A start tag: its lower-cased name, and whether it closes itself (`<x/>`).
    Open(String, bool),
    /// An end tag's lower-cased name.
    Close(String),
}

/// Splits a page into text and tags in one pass, without building a tree: comments,
/// doctypes and processing instructions are dropped, the content of raw-text elements
/// (scripts, styles, the title) comes as one text piece. Linear in the page's length.
fn pieces(html: &str, mut each: impl FnMut(Piece<'_>)) {
    let bytes = html.as_bytes();
    let find_from =
        |from: usize, needle: &str| html[from..].find(needle).map_or(html.len(), |at| from + at);
    let mut at = 0;
    while at < bytes.len() {
        let Some(lt) = html[at..].find('<').map(|i| at + i) else {
            each(Piece::Text(&html[at..]));
            break;
        };
        if lt > at {
            each(Piece::Text(&html[at..lt]));
        }
        let rest = &bytes[lt + 1..];
        if rest.starts_with(b"!--") {
            at = (find_from(lt + 4, "-->") + 3).min(html.len());
            continue;
        }
        if rest.first().is_some_and(|b| matches!(b, b'!' | b'?')) {
            at = (find_from(lt, ">") + 1).min(html.len());
            continue;
        }
        let closing = rest.first() == Some(&b'/');
        let name_start = lt + 1 + usize::from(closing);
        let name_end = bytes[name_start..]
            .iter()
            .position(|b| !b.is_ascii_alphanumeric() && *b != b'-')
            .map_or(bytes.len(), |len| name_start + len);
        if name_end == name_start || !bytes[name_start].is_ascii_alphabetic() {
            // A '<' that starts no tag is text.
            each(Piece::Text(&html[lt..lt + 1]));
            at = lt + 1;
            continue;
        }
        let name = html[name_start..name_end].to_ascii_lowercase();
        // The tag ends at the first '>' outside a quoted attribute value.
        let mut quote = None;
        let mut end = name_end;
        while end < bytes.len() {
            match (quote, bytes[end]) {
                (None, b'>') => break,
                (None, q @ (b'"' | b'\'')) => quote = Some(q),
                (Some(q), b) if b == q => quote = None,
                _ => {}
            }
            end += 1;
        }
        let self_closing = end > name_end && bytes[end - 1] == b'/';
        at = (end + 1).min(bytes.len());
        if closing {
            each(Piece::Close(name));
            continue;
        }
        let raw = RAW_TEXT.contains(&name.as_str()) && !self_closing;
        each(Piece::Open(name.clone(), self_closing));
        if raw {
            // Up to the matching end tag, compared without regard to ASCII case.
            let close = format!("</{name}");
            let stop = bytes[at..]
                .windows(close.len())
                .position(|w| w.eq_ignore_ascii_case(close.as_bytes()))
                .map_or(html.len(), |i| at + i);
            each(Piece::Text(&html[at..stop]));
            at = stop;
        }
    }
}

/// A page read flat ([`flat_text`]), with the warning that says so.
fn read_flat(html: &str) -> PageText {
    let (title, content) = flat_text(html);
    PageText {
        title,
        content,
        warning: Some(format!(
            "HTML elements are nested more than {MAX_NESTING} deep: read as text with the tags removed (paragraphs kept, page chrome not removed)"
        )),
    }
}

/// Bytes of a page handed to the HTML parser at a time, between looks at its depth.
const PARSE_PIECE_BYTES: usize = 4096;

/// The page parsed, unless the parser nests an element deeper than `limit` in it: then
/// `None`, found within a piece of [`PARSE_PIECE_BYTES`] of where it happened, so the
/// parser's work (which per tag grows with the depth) stays bounded whatever the page.
/// The tag scan before ([`nesting_exceeds`]) catches the usual deep pages without the
/// parser; this catches what the parser nests that the scan does not foresee (its
/// tokenizer and tree rules in full: tag names such as `span~x`, misnested and foreign
/// content).
fn parse_within_depth(html: &str, limit: usize) -> Option<Html> {
    let deepest = Rc::new(Cell::new(0));
    let sink = DepthWatch {
        inner: HtmlTreeSink::new(Html::new_document()),
        depths: RefCell::new(HashMap::new()),
        deepest: deepest.clone(),
    };
    let mut parser = html5ever::driver::parse_document(sink, Default::default());
    let mut at = 0;
    while at < html.len() {
        let mut end = (at + PARSE_PIECE_BYTES).min(html.len());
        while !html.is_char_boundary(end) {
            end += 1;
        }
        parser.process(StrTendril::from_slice(&html[at..end]));
        at = end;
        if deepest.get() > limit {
            return None;
        }
    }
    let document = parser.finish();
    (deepest.get() <= limit).then_some(document)
}

type Handle = <HtmlTreeSink as TreeSink>::Handle;

/// scraper's tree sink, noting the depth of every node the parser places (a child one
/// deeper than its parent, a node put before another as deep as it) and the deepest.
struct DepthWatch {
    inner: HtmlTreeSink,
    depths: RefCell<HashMap<Handle, usize>>,
    deepest: Rc<Cell<usize>>,
}

impl DepthWatch {
    fn depth(&self, node: &Handle) -> usize {
        self.depths.borrow().get(node).copied().unwrap_or(0)
    }

    fn placed(&self, node: &NodeOrText<Handle>, depth: usize) {
        if let NodeOrText::AppendNode(node) = node {
            self.depths.borrow_mut().insert(*node, depth);
            self.deepest.set(self.deepest.get().max(depth));
        }
    }
}

impl TreeSink for DepthWatch {
    type Handle = Handle;
    type Output = Html;
    type ElemName<'a> = <HtmlTreeSink as TreeSink>::ElemName<'a>;

    fn finish(self) -> Html {
        self.inner.finish()
    }

    fn parse_error(&self, msg: Cow<'static, str>) {
        self.inner.parse_error(msg);
    }

    fn get_document(&self) -> Handle {
        self.inner.get_document()
    }

    fn elem_name<'a>(&'a self, target: &'a Handle) -> Self::ElemName<'a> {
        self.inner.elem_name(target)
    }

    fn create_element(&self, name: QualName, attrs: Vec<Attribute>, flags: ElementFlags) -> Handle {
        self.inner.create_element(name, attrs, flags)
    }

    fn create_comment(&self, text: StrTendril) -> Handle {
        self.inner.create_comment(text)
    }

    fn create_pi(&self, target: StrTendril, data: StrTendril) -> Handle {
        self.inner.create_pi(target, data)
    }

    fn append(&self, parent: &Handle, child: NodeOrText<Handle>) {
        self.placed(&child, self.depth(parent) + 1);
        self.inner.append(parent, child);
    }

    fn append_based_on_parent_node(
        &self,
        element: &Handle,
        prev_element: &Handle,
        child: NodeOrText<Handle>,
    ) {
        let depth = self.depth(element).max(self.depth(prev_element) + 1);
        self.placed(&child, depth);
        self.inner
            .append_based_on_parent_node(element, prev_element, child);
    }

    fn append_doctype_to_document(
        &self,
        name: StrTendril,
        public_id: StrTendril,
        system_id: StrTendril,
    ) {
        self.inner
            .append_doctype_to_document(name, public_id, system_id);
    }

    fn mark_script_already_started(&self, node: &Handle) {
        self.inner.mark_script_already_started(node);
    }

    fn pop(&self, node: &Handle) {
        self.inner.pop(node);
    }

    fn get_template_contents(&self, target: &Handle) -> Handle {
        self.inner.get_template_contents(target)
    }

    fn same_node(&self, x: &Handle, y: &Handle) -> bool {
        self.inner.same_node(x, y)
    }

    fn set_quirks_mode(&self, mode: QuirksMode) {
        self.inner.set_quirks_mode(mode);
    }

    fn append_before_sibling(&self, sibling: &Handle, new_node: NodeOrText<Handle>) {
        self.placed(&new_node, self.depth(sibling));
        self.inner.append_before_sibling(sibling, new_node);
    }

    fn add_attrs_if_missing(&self, target: &Handle, attrs: Vec<Attribute>) {
        self.inner.add_attrs_if_missing(target, attrs);
    }

    fn associate_with_form(
        &self,
        target: &Handle,
        form: &Handle,
        nodes: (&Handle, Option<&Handle>),
    ) {
        self.inner.associate_with_form(target, form, nodes);
    }

    fn remove_from_parent(&self, target: &Handle) {
        self.inner.remove_from_parent(target);
    }

    fn reparent_children(&self, node: &Handle, new_parent: &Handle) {
        self.inner.reparent_children(node, new_parent);
    }

    fn is_mathml_annotation_xml_integration_point(&self, handle: &Handle) -> bool {
        self.inner
            .is_mathml_annotation_xml_integration_point(handle)
    }

    fn set_current_line(&self, line_number: u64) {
        self.inner.set_current_line(line_number);
    }

    fn allow_declarative_shadow_roots(&self, intended_parent: &Handle) -> bool {
        self.inner.allow_declarative_shadow_roots(intended_parent)
    }

    fn attach_declarative_shadow(
        &self,
        location: &Handle,
        template: &Handle,
        attrs: &[Attribute],
    ) -> bool {
        self.inner
            .attach_declarative_shadow(location, template, attrs)
    }

    fn maybe_clone_an_option_into_selectedcontent(&self, option: &Handle) {
        self.inner
            .maybe_clone_an_option_into_selectedcontent(option);
    }
}

/// Elements the HTML parser treats as "special": an end tag for another element does not
/// close past them (the parsing algorithm's "any other end tag" stops at one).
const SPECIAL: &[&str] = &[
    "address",
    "applet",
    "area",
    "article",
    "aside",
    "base",
    "basefont",
    "bgsound",
    "blockquote",
    "body",
    "br",
    "button",
    "caption",
    "center",
    "col",
    "colgroup",
    "dd",
    "details",
    "dir",
    "div",
    "dl",
    "dt",
    "embed",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "frame",
    "frameset",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "head",
    "header",
    "hgroup",
    "hr",
    "html",
    "iframe",
    "img",
    "input",
    "keygen",
    "li",
    "link",
    "listing",
    "main",
    "marquee",
    "menu",
    "meta",
    "nav",
    "noembed",
    "noframes",
    "noscript",
    "object",
    "ol",
    "p",
    "param",
    "plaintext",
    "pre",
    "script",
    "search",
    "section",
    "select",
    "source",
    "style",
    "summary",
    "table",
    "tbody",
    "td",
    "template",
    "textarea",
    "tfoot",
    "th",
    "thead",
    "title",
    "tr",
    "track",
    "ul",
    "wbr",
    "xmp",
];

/// Elements an end tag of a special element does not close past (the parser's "scope").
const SCOPE_BOUNDARIES: &[&str] = &[
    "applet", "caption", "html", "table", "td", "th", "marquee", "object", "template",
];

/// True when the page's elements nest deeper than `limit`, read from its tags alone the way
/// the HTML parser opens and closes elements: a start tag that needs an end tag opens one;
/// an end tag closes the nearest open element of its name (and those opened inside it), but
/// not past a special element (for the end tag of an ordinary element, `</span>`) or a
/// scope boundary (for a special one, `</div>`); an end tag that closes nothing is ignored,
/// as the parser ignores it. So `<span>x</spam>` repeated nests as deep for this count as for
/// the parser, whose work per end tag grows with the depth. Stops counting once past
/// `limit`, so the scan stays linear in the page's length (at most `limit` open elements are
/// looked through per end tag).
fn nesting_exceeds(html: &str, limit: usize) -> bool {
    let mut open: Vec<String> = Vec::new();
    let mut exceeded = false;
    pieces(html, |piece| {
        if exceeded {
            return;
        }
        match piece {
            Piece::Open(name, false) if !NOT_NESTING.contains(&name.as_str()) => {
                open.push(name);
                exceeded = open.len() > limit;
            }
            Piece::Close(name) if !NOT_NESTING.contains(&name.as_str()) => {
                let stops: &[&str] = if SPECIAL.contains(&name.as_str()) {
                    SCOPE_BOUNDARIES
                } else {
                    SPECIAL
                };
                for at in (0..open.len()).rev() {
                    if open[at] == name {
                        open.truncate(at);
                        break;
                    }
                    if stops.contains(&open[at].as_str()) {
                        break;
                    }
                }
            }
            _ => {}
        }
    });
    exceeded
}

/// Decodes the character references text in a page is written with (`&amp;`, `&nbsp;`,
/// `&#228;`, `&#xE4;`, …); an unknown one stays as it is.
fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let end = rest.find(';').filter(|&end| end <= 10);
        let decoded = end.and_then(|end| {
            let name = &rest[1..end];
            let c = match name {
                "amp" => '&',
                "lt" => '<',
                "gt" => '>',
                "quot" => '"',
                "apos" => '\'',
                "nbsp" => ' ',
                _ => {
                    let number = name.strip_prefix('#')?;
                    let code = match number.strip_prefix(['x', 'X']) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                        None => number.parse().ok()?,
                    };
                    char::from_u32(code)?
                }
            };
            Some((c, end + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Reads a page without the HTML parser: the text between tags, a line break at every
/// block element, scripts and styles left out; the `<title>` is the title. For pages too
/// deeply nested for the parser ([`MAX_NESTING`]): the words are all kept, the layout only
/// approximately, and no chrome is told apart from content.
fn flat_text(html: &str) -> (Option<String>, String) {
    let mut title = None;
    let mut text = String::new();
    let mut in_element: Option<String> = None;
    pieces(html, |piece| match piece {
        Piece::Open(name, _) | Piece::Close(name) if BLOCKS.contains(&name.as_str()) => {
            let paragraph = PARAGRAPHS.contains(&name.as_str());
            break_line(&mut text, paragraph);
        }
        Piece::Open(name, false) if RAW_TEXT.contains(&name.as_str()) => in_element = Some(name),
        Piece::Open(..) | Piece::Close(_) => in_element = None,
        Piece::Text(raw) => match in_element.take().as_deref() {
            Some("title") => {
                let words: Vec<&str> = raw.split_whitespace().collect();
                if title.is_none() {
                    title = Some(decode_entities(&words.join(" ")));
                }
            }
            Some(_) => {}
            None => {
                let words = decode_entities(raw);
                let words: Vec<&str> = words.split_whitespace().collect();
                if words.is_empty() {
                    return;
                }
                if !text.is_empty()
                    && !text.ends_with([' ', '\n'])
                    && raw.starts_with(char::is_whitespace)
                {
                    text.push(' ');
                }
                text.push_str(&words.join(" "));
                if raw.ends_with(char::is_whitespace) {
                    text.push(' ');
                }
            }
        },
    });
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    (
        title.filter(|t| !t.is_empty()),
        super::lines::join_paragraphs(lines),
    )
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

/// One step of the walk over the page: the text of a node, or the line break that ends a
/// block once its content is written.
/// (Generic over the node type, which is the tree crate's node reference: scraper does not
/// re-export that crate's name.)
enum Step<N> {
    /// Write this node (and, through further steps, what it holds).
    Visit(N),
    /// A block element's content is written: end its line (a paragraph with a blank line).
    Close { paragraph: bool },
}

/// Writes the readable text under `element` to `out`, one block per line. The walk keeps
/// its own stack instead of recursing, so a page nested thousands of elements deep (hostile
/// or generated) costs heap in proportion to its size and can never overflow the thread's
/// stack.
fn collect(element: ElementRef, out: &mut String) {
    let mut steps: Vec<Step<_>> = element.children().rev().map(Step::Visit).collect();
    while let Some(step) = steps.pop() {
        let node = match step {
            Step::Visit(node) => node,
            Step::Close { paragraph } => {
                break_line(out, paragraph);
                continue;
            }
        };
        match node.value() {
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
                let Some(child) = ElementRef::wrap(node) else {
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
                    steps.push(Step::Close { paragraph });
                }
                if name == "li" {
                    out.push_str("• ");
                }
                steps.extend(node.children().rev().map(Step::Visit));
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

    #[test]
    fn a_page_nested_too_deep_is_read_flat_with_every_word_and_a_warning() {
        let depth = MAX_NESTING + 1;
        let page = format!(
            "<!DOCTYPE html><html><head><title>Djup &amp; bred</title><style>p {{}}</style></head><body><h1>Rubrik</h1>{}<p>Projektet st&auml;rker samverkan &#228;ven i <b>Umeå</b>.</p><script>var x = '<div>';</script>{}<p>Sista stycket</p></body></html>",
            "<div class=\"a>b\">".repeat(depth),
            "</div>".repeat(depth)
        );
        let text = to_text(&page);
        assert!(text
            .warning
            .as_deref()
            .unwrap()
            .contains("nested more than 512"));
        assert_eq!(text.title.as_deref(), Some("Djup & bred"));
        // `&auml;` is not one of the references the flat reading knows: kept as written.
        assert_eq!(
            text.content,
            "Rubrik\n\nProjektet st&auml;rker samverkan även i Umeå.\n\nSista stycket"
        );
        // At the limit, the parser reads it (and drops the script).
        let page = format!(
            "<html><body>{}<p>inne</p><script>x</script>{}</body></html>",
            "<div>".repeat(MAX_NESTING - 1),
            "</div>".repeat(MAX_NESTING - 1)
        );
        let text = to_text(&page);
        assert_eq!((text.warning, text.content.as_str()), (None, "inne"));
    }

    #[test]
    fn elements_without_end_tags_do_not_count_as_nesting() {
        // A long page of paragraphs and list items without end tags, line breaks and
        // images is as flat as it looks.
        let page = format!(
            "<html><body>{}</body></html>",
            "<p>stycke<br><img src=x><li>punkt<input>".repeat(2 * MAX_NESTING)
        );
        assert!(!nesting_exceeds(&page, MAX_NESTING));
        assert!(to_text(&page).warning.is_none());
        // Comments and quoted '>' hide no tags; unclosed divs do nest.
        assert!(!nesting_exceeds("<!-- <div><div> --><a title='>'>x</a>", 1));
        assert!(nesting_exceeds("<div><div>x", 1));
    }

    #[test]
    fn what_the_parser_nests_too_deep_is_read_flat_though_the_tags_look_balanced() {
        // The parser reads `</span~x>` (and `</span~<x<body>`, found by the fuzz target)
        // as the end tag of an element named "span~x", which is not open: every span stays
        // open. The tag scan reads `</span`; the parser's own depth gives it away.
        for unit in ["<span>ord</span~x>", "<span>ord</span~<x<body>"] {
            let page = format!("<html><body>{}</body></html>", unit.repeat(3 * MAX_NESTING));
            assert!(!nesting_exceeds(&page, MAX_NESTING), "{unit}");
            assert!(
                parse_within_depth(&page, 2 * MAX_NESTING).is_none(),
                "{unit}"
            );
            let text = to_text(&page);
            assert!(text.warning.is_some(), "{unit}");
            assert_eq!(
                text.content.matches("ord").count(),
                3 * MAX_NESTING,
                "{unit}"
            );
        }
        // As deep as the scan allows, a page is parsed.
        let page = format!(
            "<html><body>{}x{}</body></html>",
            "<div><span>".repeat(MAX_NESTING / 2),
            "</span></div>".repeat(MAX_NESTING / 2)
        );
        assert!(parse_within_depth(&page, 2 * MAX_NESTING).is_some());
    }

    #[test]
    fn end_tags_that_close_nothing_do_not_make_a_page_flatter() {
        // The parser ignores `</spam>` (no such element is open) and `</span>` behind an
        // open `<div>` (a special element): the spans stay open and nest, as here.
        for unit in [
            "<span>ord</spam>",
            "<span><div>ord</span></div>",
            "<b>ord</i>",
        ] {
            let page = format!("<html><body>{}</body></html>", unit.repeat(MAX_NESTING + 1));
            assert!(nesting_exceeds(&page, MAX_NESTING), "{unit}");
            let text = to_text(&page);
            assert!(text.warning.is_some(), "{unit}");
            assert_eq!(
                text.content.matches("ord").count(),
                MAX_NESTING + 1,
                "{unit}"
            );
        }
        // End tags that match still close: a long page of closed spans is flat.
        let page = "<span>ord</span><div><span>x</span></div>".repeat(4 * MAX_NESTING);
        assert!(!nesting_exceeds(&page, MAX_NESTING));
        // `</div>` closes the spans opened inside it; a table keeps its own scope.
        assert!(!nesting_exceeds(
            &"<div><span><span>x</div>".repeat(4 * MAX_NESTING),
            MAX_NESTING
        ));
        assert!(nesting_exceeds("<div><table></div><div>x", 2));
        assert!(!nesting_exceeds("<div><span></div><div>x", 2));
    }
}
