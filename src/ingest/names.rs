//! Names that become facet values (region, counties, municipalities, fund, owner) brought
//! to one spelling, so that a count per region is not split across "Småland och Öarna",
//! "Småland med öarna" and a mojibake "Å\u{96}arna". The name as the source wrote it is kept
//! in the record's `as_written`.
//!
//! The steps, for every name: Unicode NFC; mojibake repaired ([`repair_mojibake`]); white
//! space collapsed. Then the known names — the eight NUTS-2
//! regions, the programme areas of the Swedish structural-fund programmes, the 21 counties
//! and the funds — are looked up by a key that ignores case, diacritics, punctuation and
//! the words "och"/"med"/"län", and written as the table below writes them. Owners, which no
//! table can list, are grouped within a file by the same key and written as most of that
//! file's rows write them ([`group_owners`]).

use crate::record::ProjectRecord;
use std::collections::HashMap;
use unicode_normalization::UnicodeNormalization;

/// Regions and programme areas, in the spelling facets show. The NUTS-2 names are the
/// official ones (SCB / Eurostat); the others are the names the programmes give themselves.
const REGIONS: &[&str] = &[
    "Stockholm",
    "Östra Mellansverige",
    "Småland med öarna",
    "Sydsverige",
    "Västsverige",
    "Norra Mellansverige",
    "Mellersta Norrland",
    "Övre Norrland",
    "Skåne-Blekinge",
    "Nationellt regionalfondsprogram",
    "ESF Nationellt",
    "Botnia-Atlantica",
    "Öresund-Kattegatt-Skagerrak",
    "Sverige-Norge",
    "Nord",
    "Central Baltic",
];

/// Other spellings of [`REGIONS`] met in real exports that the key alone does not join:
/// the project bank writes "Kategat" with one t.
const REGION_ALIASES: &[(&str, &str)] =
    &[("Öresund-Kategat-Skagerrak", "Öresund-Kattegatt-Skagerrak")];

/// The 21 counties, as the project banks write them: without "län" (so `--filter
/// county=Norrbotten` reads as people say it); "Norrbottens län" and "Norrbotten" are one.
const COUNTIES: &[&str] = &[
    "Blekinge",
    "Dalarna",
    "Gotland",
    "Gävleborg",
    "Halland",
    "Jämtland",
    "Jönköping",
    "Kalmar",
    "Kronoberg",
    "Norrbotten",
    "Skåne",
    "Stockholm",
    "Södermanland",
    "Uppsala",
    "Värmland",
    "Västerbotten",
    "Västernorrland",
    "Västmanland",
    "Västra Götaland",
    "Örebro",
    "Östergötland",
];

/// Funds by their usual Swedish abbreviation, with the long names and English
/// abbreviations that mean the same fund.
const FUNDS: &[(&str, &[&str])] = &[
    (
        "ESF+",
        &["Europeiska socialfonden plus", "ESF plus", "ESFplus"],
    ),
    ("ESF", &["Europeiska socialfonden", "Socialfonden"]),
    (
        "ERUF",
        &[
            "Europeiska regionala utvecklingsfonden",
            "Regionalfonden",
            "ERDF",
        ],
    ),
    ("Interreg", &[]),
    ("FEAD", &[]),
];

/// A name with NFC applied, mojibake repaired and white space collapsed. Dashes stay as
/// written ("Inkluderande tillväxt - bredband" is a name); [`key`] ignores them.
pub fn clean(name: &str) -> String {
    let nfc: String = name.nfc().collect();
    let repaired = repair_mojibake(&nfc);
    let mut out = String::with_capacity(repaired.len());
    for word in repaired.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// The comparison key of a name: lower case, without diacritics, punctuation, or the
/// words "och", "med", "län" and a genitive -s before "län".
pub fn key(name: &str) -> String {
    let folded = fold(&clean(name));
    let words: Vec<String> = folded
        .split(|c: char| !c.is_alphanumeric() && c != '+')
        .filter(|w| !w.is_empty() && !matches!(*w, "och" | "med" | "lan" | "and"))
        .map(str::to_string)
        .collect();
    let mut key = words.join(" ");
    // "Norrbottens län" → "norrbottens" → "norrbotten" when "län" was there.
    if folded.ends_with(" lan") && key.ends_with('s') {
        key.pop();
    }
    key
}

/// Lower case without the diacritics of Nordic and West European letters.
fn fold(text: &str) -> String {
    text.chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'å' | 'ä' | 'à' | 'á' | 'â' | 'ã' => 'a',
            'ö' | 'ø' | 'ò' | 'ó' | 'ô' | 'õ' => 'o',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'ü' | 'ú' | 'ù' | 'û' => 'u',
            'í' | 'ì' | 'î' | 'ï' => 'i',
            c => c,
        })
        .collect()
}

/// Repairs the two mojibake patterns of Swedish text:
/// - UTF-8 read as Windows-1252 or Latin-1 and saved again ("Ã–vre" for "Övre"): the text
///   is turned back into those bytes and read as UTF-8, kept only when every character
///   that comes out is ASCII or a Latin-1 letter (so a real "Ã" in a French name stays);
/// - the first byte of a two-byte UTF-8 letter damaged, leaving a letter and a C1 control
///   character ("Å\u{96}vre"): C1 controls never stand in real text, and every upper-case
///   Swedish letter is the UTF-8 pair C3 xx with xx in the C1 range, so the pair becomes
///   the letter U+00C0 + (xx − 0x80).
pub fn repair_mojibake(text: &str) -> String {
    if text.is_ascii() {
        return text.to_string();
    }
    if let Some(repaired) = reencode(text) {
        return repaired;
    }
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if let Some(control @ '\u{80}'..='\u{9f}') = next {
            if ('\u{c0}'..='\u{df}').contains(&c) {
                let letter = char::from_u32(0xC0 + (control as u32 - 0x80)).expect("Latin-1");
                out.push(letter);
                i += 2;
                continue;
            }
        }
        out.push(c);
        i += 1;
    }
    out
}

/// `text` as Windows-1252 bytes read as UTF-8, when that gives fewer characters, all
/// ASCII or Latin-1 letters.
fn reencode(text: &str) -> Option<String> {
    // Only text with a UTF-8 lead byte's Latin-1 look ("Ã", "Â", "Å") can be double-encoded.
    if !text.contains(['Ã', 'Â']) {
        return None;
    }
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(text);
    if unmappable {
        return None;
    }
    let repaired = std::str::from_utf8(&bytes).ok()?;
    let plausible = repaired
        .chars()
        .all(|c| c.is_ascii() || (('\u{c0}'..='\u{ff}').contains(&c) && c.is_alphabetic()));
    (plausible && repaired.chars().count() < text.chars().count()).then(|| repaired.to_string())
}

/// Which list of known names a field is looked up in.
#[derive(Clone, Copy)]
enum Known {
    Region,
    County,
    Fund,
    None,
}

/// Key → spelling of every known name, per list; built once, so that a name costs one
/// [`key`] and one lookup however long the lists grow.
struct KnownNames {
    regions: HashMap<String, &'static str>,
    counties: HashMap<String, &'static str>,
    funds: HashMap<String, &'static str>,
}

fn known_names() -> &'static KnownNames {
    static NAMES: std::sync::OnceLock<KnownNames> = std::sync::OnceLock::new();
    NAMES.get_or_init(|| {
        let mut regions: HashMap<String, &'static str> =
            REGIONS.iter().map(|name| (key(name), *name)).collect();
        for (alias, official) in REGION_ALIASES {
            regions.insert(key(alias), official);
        }
        let counties = COUNTIES.iter().map(|name| (key(name), *name)).collect();
        let mut funds = HashMap::new();
        for (short, long) in FUNDS {
            funds.insert(key(short), *short);
            for name in *long {
                funds.insert(key(name), *short);
            }
        }
        KnownNames {
            regions,
            counties,
            funds,
        }
    })
}

fn known_spelling(name: &str, known: Known) -> Option<&'static str> {
    let names = known_names();
    let list = match known {
        Known::Region => &names.regions,
        Known::County => &names.counties,
        Known::Fund => &names.funds,
        Known::None => return None,
    };
    list.get(&key(name)).copied()
}

/// The facet spelling of `name`: the known name it stands for, else the cleaned name.
fn normalized(name: &str, known: Known) -> String {
    known_spelling(name, known).map_or_else(|| clean(name), str::to_string)
}

/// Brings the record's facet names to one spelling each (see the module documentation),
/// noting the source's spelling in `as_written` wherever it differs.
pub fn normalize_record(record: &mut ProjectRecord) {
    let mut one = |value: &mut Option<String>, field: &str, known: Known| {
        if let Some(name) = value {
            let spelled = normalized(name, known);
            if spelled != *name {
                record
                    .as_written
                    .entry(field.to_string())
                    .or_insert_with(|| name.clone());
                *name = spelled;
            }
        }
    };
    one(&mut record.region, "region", Known::Region);
    one(&mut record.fund, "fund", Known::Fund);
    one(&mut record.owner, "owner", Known::None);
    one(&mut record.programme_area, "programme_area", Known::None);
    let mut list = |values: &mut Vec<String>, field: &str, known: Known| {
        let spelled: Vec<String> = values.iter().map(|v| normalized(v, known)).collect();
        let mut unique: Vec<String> = Vec::with_capacity(spelled.len());
        for value in spelled {
            if !unique.contains(&value) {
                unique.push(value);
            }
        }
        if unique != *values {
            record
                .as_written
                .entry(field.to_string())
                .or_insert_with(|| values.join(", "));
            *values = unique;
        }
    };
    list(&mut record.counties, "counties", Known::County);
    list(&mut record.municipalities, "municipalities", Known::None);
}

/// Writes each owner the way most records of `records` (one file's) write it, among the
/// spellings with the same [`key`] ("Örebro Läns Landsting" and "Örebro läns landsting" are
/// one owner); a tie goes to the spelling met first. The record's own spelling goes to
/// `as_written`.
pub fn group_owners(records: &mut [&mut ProjectRecord]) {
    // key → (spelling → (count, first seen))
    let mut spellings: HashMap<String, HashMap<String, (usize, usize)>> = HashMap::new();
    for (at, record) in records.iter().enumerate() {
        if let Some(owner) = &record.owner {
            let entry = spellings
                .entry(key(owner))
                .or_default()
                .entry(owner.clone())
                .or_insert((0, at));
            entry.0 += 1;
        }
    }
    let chosen: HashMap<String, String> = spellings
        .into_iter()
        .filter(|(_, variants)| variants.len() > 1)
        .map(|(key, variants)| {
            let best = variants
                .into_iter()
                .max_by(|a, b| a.1 .0.cmp(&b.1 .0).then(b.1 .1.cmp(&a.1 .1)))
                .map(|(spelling, _)| spelling)
                .expect("at least two variants");
            (key, best)
        })
        .collect();
    if chosen.is_empty() {
        return;
    }
    for record in records.iter_mut() {
        let Some(owner) = record.owner.clone() else {
            continue;
        };
        if let Some(best) = chosen.get(&key(&owner)) {
            if *best != owner {
                record
                    .as_written
                    .entry("owner".to_string())
                    .or_insert(owner);
                record.owner = Some(best.clone());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mojibake_of_both_kinds_is_repaired_and_real_text_left_alone() {
        assert_eq!(repair_mojibake("Å\u{96}vre Norrland"), "Övre Norrland");
        assert_eq!(repair_mojibake("Ã–resund"), "Öresund");
        assert_eq!(repair_mojibake("SmÃ¥land med Ã¶arna"), "Småland med öarna");
        assert_eq!(repair_mojibake("Småland och Öarna"), "Småland och Öarna");
        assert_eq!(repair_mojibake("São Tomé"), "São Tomé");
    }

    #[test]
    fn variants_of_known_names_become_one() {
        for variant in [
            "Småland och Öarna",
            "Småland med öarna",
            "SMÅLAND MED ÖARNA",
            "Sma\u{30a}land med o\u{308}arna",
        ] {
            assert_eq!(normalized(variant, Known::Region), "Småland med öarna");
        }
        assert_eq!(
            normalized("Å\u{96}resund-Kategat-Skagerrak", Known::Region),
            "Öresund-Kattegatt-Skagerrak"
        );
        assert_eq!(
            normalized("Skåne – Blekinge", Known::Region),
            "Skåne-Blekinge"
        );
        assert_eq!(normalized("Norrbottens län", Known::County), "Norrbotten");
        assert_eq!(normalized("Dalarnas län", Known::County), "Dalarna");
        assert_eq!(
            normalized("Nordlands fylke", Known::County),
            "Nordlands fylke"
        );
        assert_eq!(normalized("Regionalfonden", Known::Fund), "ERUF");
        assert_eq!(normalized("esf+", Known::Fund), "ESF+");
        assert_eq!(normalized("ESF", Known::Fund), "ESF");
    }
}
