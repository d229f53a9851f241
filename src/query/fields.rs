//! Field names as users type them: the English names fynd uses internally and the Swedish
//! names researchers reach for first (`ägare`, `fond`, `diarienummer`, …). One table serves
//! the query syntax, `--filter`, `--facets`, `--sort` and `fynd facets KEY`, so an alias works
//! everywhere or nowhere.

/// Every accepted alias and the canonical field name it stands for. Canonical names map to
/// themselves implicitly; matching ignores case and treats `-` like `_`.
pub const ALIASES: [(&str, &str); 36] = [
    ("titel", "title"),
    ("namn", "title"),
    ("rubrik", "title"),
    ("text", "body"),
    ("brödtext", "body"),
    ("beskrivning", "body"),
    ("ägare", "owner"),
    ("projektägare", "owner"),
    ("partner", "partners"),
    ("samarbetspartners", "partners"),
    ("kommun", "municipality"),
    ("kommuner", "municipality"),
    ("län", "county"),
    ("område", "region"),
    ("diarienummer", "id"),
    ("dnr", "id"),
    ("fond", "fund"),
    ("nuts", "nuts2"),
    ("nuts_2", "nuts2"),
    ("programområde", "programme_area"),
    ("specifikt_mål", "specific_objective"),
    ("mål", "specific_objective"),
    ("år", "year"),
    ("typ", "shape"),
    ("dokumenttyp", "shape"),
    ("totalbudget", "budget"),
    ("beviljat", "granted"),
    ("stöd", "granted"),
    ("deltagare", "participants"),
    ("medfinansieringsgrad", "cofinancing_rate"),
    ("medfinansiering", "cofinancing_rate"),
    ("startdatum", "start"),
    ("slutdatum", "end"),
    ("slut", "end"),
    ("publicerad", "published"),
    ("publiceringsdatum", "published"),
];

/// Every canonical field name a user may type, in the order they are listed in messages.
pub const CANONICAL: [&str; 21] = [
    "title",
    "owner",
    "body",
    "partners",
    "id",
    "fund",
    "region",
    "nuts2",
    "programme_area",
    "specific_objective",
    "year",
    "shape",
    "county",
    "municipality",
    "budget",
    "granted",
    "participants",
    "cofinancing_rate",
    "start",
    "end",
    "published",
];

/// The canonical name for `typed` (an English name or a Swedish alias, any case), if it names
/// a field.
pub fn canonical(typed: &str) -> Option<&'static str> {
    let normal = typed.trim().to_lowercase().replace('-', "_");
    CANONICAL
        .iter()
        .find(|name| **name == normal)
        .copied()
        .or_else(|| {
            ALIASES
                .iter()
                .find(|(alias, _)| *alias == normal)
                .map(|(_, name)| *name)
        })
}

/// The Swedish aliases of `name`, for help and error messages.
pub fn aliases_of(name: &str) -> Vec<&'static str> {
    ALIASES
        .iter()
        .filter(|(_, canonical)| *canonical == name)
        .map(|(alias, _)| *alias)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swedish_and_english_names_meet() {
        assert_eq!(canonical("ägare"), Some("owner"));
        assert_eq!(canonical("Ägare"), Some("owner"));
        assert_eq!(canonical("FOND"), Some("fund"));
        assert_eq!(canonical("programområde"), Some("programme_area"));
        assert_eq!(canonical("specifikt-mål"), Some("specific_objective"));
        assert_eq!(canonical("diarienummer"), Some("id"));
        assert_eq!(canonical("published"), Some("published"));
        assert_eq!(canonical("region"), Some("region"));
        assert_eq!(canonical("färg"), None);
        for (alias, name) in ALIASES {
            assert_eq!(canonical(alias), Some(name), "{alias}");
            assert!(CANONICAL.contains(&name), "{alias} → {name}");
        }
        assert!(aliases_of("owner").contains(&"ägare"));
    }
}
