//! Lower-casing, so that "Samverkan" at the start of a sentence and "samverkan" inside it
//! are one term.

use std::borrow::Cow;

/// `word` in lower case; borrowed when it already is (the common case, no allocation).
pub fn lowercase(word: &str) -> Cow<'_, str> {
    if word.chars().any(char::is_uppercase) {
        Cow::Owned(word.to_lowercase())
    } else {
        Cow::Borrowed(word)
    }
}
