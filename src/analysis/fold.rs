//! Diacritic folding (å, ä → a; ö → o; é → e, …), for the lenient field that lets a query
//! typed without Swedish letters ("jamtland") still find "Jämtlands".

use std::borrow::Cow;

/// `word` with Swedish and common Latin diacritics removed; borrowed when there are none.
pub fn fold(word: &str) -> Cow<'_, str> {
    if word.is_ascii() {
        return Cow::Borrowed(word);
    }
    Cow::Owned(
        word.chars()
            .map(|c| match c {
                'å' | 'ä' | 'á' | 'à' | 'â' | 'æ' => 'a',
                'ö' | 'ø' | 'ó' | 'ò' | 'ô' => 'o',
                'é' | 'è' | 'ê' | 'ë' => 'e',
                'ü' | 'ú' | 'ù' | 'û' => 'u',
                'í' | 'ì' | 'î' | 'ï' => 'i',
                other => other,
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn swedish_letters_fold_to_their_base_letter() {
        assert_eq!(
            super::fold("jämtlands östra å café"),
            "jamtlands ostra a cafe"
        );
        assert!(matches!(
            super::fold("samverkan"),
            std::borrow::Cow::Borrowed(_)
        ));
    }
}
