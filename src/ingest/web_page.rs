//! Free-text pages (news, programme pages): a title, perhaps a publication date on a line
//! of its own, and running text between page chrome.

use super::lines::{is_chrome, is_cookie_notice, join_paragraphs, standalone_date};
use crate::record::{DocumentShape, ProjectRecord};

/// Longest line (in characters) that can still be a page title.
const MAX_TITLE_CHARS: usize = 200;

/// Parses a free-text page: chrome and cookie banners are dropped, the first real line is
/// the title (and is not repeated in the body), the first line holding only a date is the
/// publication date.
pub(crate) fn parse(path: &str, text: &str) -> ProjectRecord {
    let mut record = ProjectRecord::new(path, DocumentShape::WebPage);
    let content: Vec<&str> = text
        .lines()
        .filter(|line| !is_chrome(line) && !is_cookie_notice(line))
        .collect();
    let title_index = content.iter().position(|line| {
        let line = line.trim();
        !line.is_empty()
            && standalone_date(line).is_none()
            && line.chars().count() <= MAX_TITLE_CHARS
            && line.chars().any(char::is_alphabetic)
    });
    if let Some(index) = title_index {
        record.title = content[index].trim().to_string();
    }
    let date_index = content
        .iter()
        .position(|line| standalone_date(line).is_some());
    record.published = date_index.and_then(|index| standalone_date(content[index]));

    let body = content.iter().enumerate().filter_map(|(index, line)| {
        let is_title_again = title_index.is_some() && line.trim() == record.title;
        (Some(index) != date_index && !is_title_again).then_some(*line)
    });
    record.body = join_paragraphs(body);
    record
}
