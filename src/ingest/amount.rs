//! Amounts of money as project databases and reports write them: "6 036 644 kr",
//! "1 200 tkr", "1,2 mkr", "1,5 miljoner kr", "2,500,000", "2.500.000,50 SEK", "€ 250 000".
//!
//! The contract: an amount is read exactly or not at all. Digits are never dropped at a
//! separator that is not understood; a separator that could be either a thousands separator
//! or a decimal mark ("2,500", "1.500") is ambiguous and refused, so the caller keeps the
//! text and reports it. Arithmetic is in integers (no floating point), so "1,2 mkr" is
//! 1 200 000 and not 1 199 999.

use std::fmt;

/// The currency an amount is in. Only kronor and euro appear in Swedish project data; an
/// amount in euro never lands in a field that holds kronor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Currency {
    /// Swedish kronor (kr, SEK, tkr, mkr, miljoner kronor).
    Sek,
    /// Euro (€, EUR, euro).
    Eur,
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Currency::Sek => "SEK",
            Currency::Eur => "EUR",
        })
    }
}

/// What a column header says about the amounts under it when the cell itself has no unit:
/// "Beviljat belopp (tkr)" means a cell "1 200" is 1 200 000 kronor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AmountUnit {
    /// Whole currency units per written unit (1, 1 000, 1 000 000).
    pub scale: u64,
    /// The currency, when the header names one.
    pub currency: Option<Currency>,
}

impl AmountUnit {
    /// Plain kronor or euro, currency unknown: what a bare header ("Budget") implies.
    pub const PLAIN: AmountUnit = AmountUnit {
        scale: 1,
        currency: None,
    };

    /// The unit a word or two names ("kr", "tkr", "miljoner kronor", "MSEK", "€"), if any.
    /// Case and a trailing '.' or ':' do not matter.
    pub fn parse(text: &str) -> Option<AmountUnit> {
        let lower = text.trim().to_lowercase();
        let lower = lower.trim_end_matches([':', '.', '-']).trim();
        let words: Vec<&str> = lower.split_whitespace().collect();
        let unit = |scale, currency| Some(AmountUnit { scale, currency });
        match words.as_slice() {
            [] => unit(1, None),
            [one] => {
                if let Some(currency) = currency_word(one) {
                    return unit(1, Some(currency));
                }
                if let Some(scale) = scale_word(one) {
                    return unit(scale, None);
                }
                // Compact forms: tkr, mkr, mdkr, tsek, msek, ksek, teur, meur, mnkr.
                for (prefix, scale) in [
                    ("md", 1_000_000_000),
                    ("mn", 1_000_000),
                    ("t", 1_000),
                    ("k", 1_000),
                    ("m", 1_000_000),
                ] {
                    if let Some(rest) = one.strip_prefix(prefix) {
                        if let Some(currency) = currency_word(rest) {
                            return unit(scale, Some(currency));
                        }
                    }
                }
                None
            }
            [scale, currency] => unit(scale_word(scale)?, Some(currency_word(currency)?)),
            _ => None,
        }
    }
}

/// "kr", "kronor", "sek", "eur", "euro", "€" and ":-" (as in "500:-").
fn currency_word(word: &str) -> Option<Currency> {
    match word.trim_end_matches('.') {
        "kr" | "kronor" | "sek" | ":-" => Some(Currency::Sek),
        "eur" | "euro" | "euros" | "€" => Some(Currency::Eur),
        _ => None,
    }
}

/// "tusen", "miljoner", "milj", "mn", "miljarder" and their singulars.
fn scale_word(word: &str) -> Option<u64> {
    match word.trim_end_matches('.') {
        "tusen" | "tkr" => Some(1_000),
        "miljon" | "miljoner" | "milj" | "mn" | "mnkr" | "mkr" => Some(1_000_000),
        "miljard" | "miljarder" | "mdr" | "mdkr" => Some(1_000_000_000),
        _ => None,
    }
}

/// An amount read exactly.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Amount {
    /// Whole units of the currency; fractions (öre, cents) rounded to the nearest whole,
    /// half up.
    pub whole: u64,
    /// The currency: the text's own, else the header's, else kronor.
    pub currency: Currency,
    /// True when the text had a fraction of a whole unit that `whole` rounds.
    pub rounded: bool,
}

/// Reads `text` as an amount, with `unit` (from the column header) applying when the text
/// has no unit of its own. The error says why the text is not an exact amount, in words a
/// user can act on.
pub fn parse_amount(text: &str, unit: AmountUnit) -> Result<Amount, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("is empty".to_string());
    }
    // A currency written first: "€ 250 000", "SEK 1 000", "EUR 2,5 miljoner".
    let (prefix_currency, rest) = leading_currency(text);
    let number_end = rest
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_digit() || is_group_space(*c) || matches!(c, ',' | '.')))
        .map_or(rest.len(), |(at, _)| at);
    let (number, suffix) = rest.split_at(number_end);
    // "1 200 tkr": the space before the unit belongs to neither.
    let number = number.trim_end_matches(is_group_space);
    // "500:-" and "1 200 kr." are units; "1,5." is not a number.
    let number = number.trim_end_matches(['.', ',']).trim_end();
    let dangling = &rest[number.len()..number_end];
    let suffix = format!("{}{}", dangling.trim_matches(is_group_space), suffix);
    if number.is_empty() || !number.starts_with(|c: char| c.is_ascii_digit()) {
        return Err(if text.starts_with('-') || text.starts_with('−') {
            "is negative".to_string()
        } else {
            "has no number where an amount should be".to_string()
        });
    }
    let suffix_unit = match AmountUnit::parse(suffix.trim_start_matches([',', '.'])) {
        Some(unit) => unit,
        None => {
            return Err(format!(
                "has {:?} after the number, which is no unit of money (kr, tkr, mkr, miljoner, SEK, EUR)",
                suffix.trim()
            ))
        }
    };
    let currency = match (prefix_currency, suffix_unit.currency) {
        (Some(a), Some(b)) if a != b => {
            return Err(format!("names two currencies, {a} and {b}"));
        }
        (Some(currency), _) | (None, Some(currency)) => Some(currency),
        (None, None) => None,
    };
    // A unit written in the cell replaces the header's scale ("1,2 mkr" under "(kr)").
    let scale = if suffix.trim().is_empty() && prefix_currency.is_none() {
        unit.scale
    } else {
        suffix_unit.scale
    };
    let currency = currency.or(unit.currency).unwrap_or(Currency::Sek);
    let (integer, fraction) = split_number(number)?;
    let whole_and_rounded = scale_exactly(&integer, &fraction, scale)
        .ok_or_else(|| "is too large to be an amount".to_string())?;
    Ok(Amount {
        whole: whole_and_rounded.0,
        currency,
        rounded: whole_and_rounded.1,
    })
}

/// Spaces that group digits: the plain space, the no-break space and the narrow no-break
/// space (Excel and Word write the last two), and the apostrophe of Swiss notation.
fn is_group_space(c: char) -> bool {
    matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '\u{2009}' | '\'' | '’')
}

fn leading_currency(text: &str) -> (Option<Currency>, &str) {
    let lower = text.to_lowercase();
    for (word, currency) in [
        ("€", Currency::Eur),
        ("eur", Currency::Eur),
        ("sek", Currency::Sek),
        ("kr", Currency::Sek),
    ] {
        // `text.get` and not indexing: a character whose lower case is shorter (the
        // Kelvin sign) would put `word.len()` inside a character of `text`.
        if let (true, Some(rest)) = (lower.starts_with(word), text.get(word.len()..)) {
            if rest.starts_with(|c: char| c.is_ascii_digit() || c.is_whitespace() || c == '.') {
                return (
                    Some(currency),
                    rest.trim_start().trim_start_matches('.').trim_start(),
                );
            }
        }
    }
    (None, text)
}

/// The digits before and after the decimal mark of a written number, its thousands
/// separators removed; an error when which mark is which cannot be told.
fn split_number(number: &str) -> Result<(String, String), String> {
    let commas = number.matches(',').count();
    let dots = number.matches('.').count();
    let spaced = number.contains(is_group_space);
    let (decimal, thousands): (Option<char>, Vec<char>) = match (commas, dots) {
        (0, 0) => (None, vec![]),
        // Both kinds: the last one written is the decimal mark ("2.500.000,50",
        // "2,500,000.50"), and it may occur once.
        (_, _) if commas > 0 && dots > 0 => {
            let last = if number.rfind(',') > number.rfind('.') {
                ','
            } else {
                '.'
            };
            let other = if last == ',' { '.' } else { ',' };
            if number.matches(last).count() > 1 {
                return Err(format!(
                    "mixes ',' and '.' in a way that is no number ({number:?})"
                ));
            }
            (Some(last), vec![other])
        }
        // One kind, written more than once: thousands separators ("2,500,000").
        (n, 0) | (0, n) if n > 1 => (None, vec![if commas > 0 { ',' } else { '.' }]),
        // One mark, once.
        _ => {
            let mark = if commas > 0 { ',' } else { '.' };
            let (before, after) = number.split_once(mark).expect("one mark");
            let before_digits: String = before.chars().filter(char::is_ascii_digit).collect();
            let ambiguous = after.len() == 3
                && after.chars().all(|c| c.is_ascii_digit())
                && !spaced
                && before_digits != "0";
            if ambiguous {
                return Err(format!(
                    "is ambiguous: {number:?} may be {} with a decimal mark or {} with a \
                     thousands separator; write it without the separator or with the unit \
                     (\"{before}{after}\" or \"{before},{after} mkr\")",
                    format_args!("{before}.{after}"),
                    format_args!("{before}{after}"),
                ));
            }
            (Some(mark), vec![])
        }
    };
    let (integer_text, fraction_text) = match decimal {
        Some(mark) => {
            let (i, f) = number.rsplit_once(mark).expect("the mark is there");
            (i, f)
        }
        None => (number, ""),
    };
    if !fraction_text.chars().all(|c| c.is_ascii_digit()) || fraction_text.contains(is_group_space)
    {
        return Err(format!("has a malformed fraction ({number:?})"));
    }
    // The integer part: groups separated by one kind of separator (spaces count as one
    // kind with the thousands mark), every group after the first exactly three digits.
    let groups: Vec<&str> = integer_text
        .split(|c: char| is_group_space(c) || thousands.contains(&c))
        .collect();
    if groups.len() > 1 {
        let first_ok = (1..=3).contains(&groups[0].len());
        let rest_ok = groups[1..].iter().all(|g| g.len() == 3);
        if !first_ok || !rest_ok {
            return Err(format!(
                "groups its digits in a way that is no thousands grouping ({number:?}); \
                 is it two numbers?"
            ));
        }
    }
    let integer: String = groups.concat();
    if integer.is_empty() || !integer.chars().all(|c| c.is_ascii_digit()) {
        return Err(format!("is no number ({number:?})"));
    }
    Ok((integer, fraction_text.to_string()))
}

/// `integer.fraction × scale` as whole units, rounded half up, and whether it was rounded;
/// `None` on overflow.
fn scale_exactly(integer: &str, fraction: &str, scale: u64) -> Option<(u64, bool)> {
    if integer.len() > 30 || fraction.len() > 18 {
        return None;
    }
    let integer: u128 = integer.parse().ok()?;
    let fraction_value: u128 = if fraction.is_empty() {
        0
    } else {
        fraction.parse().ok()?
    };
    let denominator = 10u128.checked_pow(fraction.len() as u32)?;
    let scale = u128::from(scale);
    let fraction_scaled = fraction_value.checked_mul(scale)?;
    let whole_from_fraction = fraction_scaled / denominator;
    let remainder = fraction_scaled % denominator;
    let mut whole = integer
        .checked_mul(scale)?
        .checked_add(whole_from_fraction)?;
    if remainder * 2 >= denominator && remainder > 0 {
        whole += 1;
    }
    Some((u64::try_from(whole).ok()?, remainder > 0))
}

/// Which amount field of a record a value belongs in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AmountField {
    /// Granted support (`granted`, or `granted_eur` for euro).
    Granted,
    /// Total budget (`budget`, or `budget_eur` for euro).
    Budget,
}

/// Reads `value` as an amount and puts it in `record`: kronor in `granted`/`budget`, euro
/// in `granted_eur`/`budget_eur`; the text as written goes to `record.as_written` when it
/// is more than the bare digits of the value. On error nothing is set and the reason is
/// returned, for the caller to report and keep the text verbatim.
pub fn put_amount(
    record: &mut crate::record::ProjectRecord,
    field: AmountField,
    value: &str,
    unit: AmountUnit,
) -> Result<(), String> {
    let amount = parse_amount(value, unit)?;
    let (slot, name) = match (field, amount.currency) {
        (AmountField::Granted, Currency::Sek) => (&mut record.granted, "granted"),
        (AmountField::Granted, Currency::Eur) => (&mut record.granted_eur, "granted_eur"),
        (AmountField::Budget, Currency::Sek) => (&mut record.budget, "budget"),
        (AmountField::Budget, Currency::Eur) => (&mut record.budget_eur, "budget_eur"),
    };
    *slot = Some(amount.whole);
    if value.trim() != amount.whole.to_string() {
        record
            .as_written
            .insert(name.to_string(), value.trim().to_string());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sek(text: &str) -> Result<u64, String> {
        parse_amount(text, AmountUnit::PLAIN).map(|a| {
            assert_eq!(a.currency, Currency::Sek, "{text}");
            a.whole
        })
    }

    #[test]
    fn swedish_and_international_amounts_read_exactly() {
        for (text, value) in [
            ("6 036 644 kr", 6_036_644),
            ("6\u{a0}036\u{a0}644\u{a0}kr", 6_036_644),
            ("6036644 SEK", 6_036_644),
            ("1 200 tkr", 1_200_000),
            ("1,2 mkr", 1_200_000),
            ("1,5 miljoner kr", 1_500_000),
            ("1,5 miljoner", 1_500_000),
            ("2,500,000", 2_500_000),
            ("2.500.000", 2_500_000),
            ("2.500.000,50 kr", 2_500_001),
            ("2,500,000.49", 2_500_000),
            ("1 234,50 kr", 1_235),
            ("500:-", 500),
            ("12 MSEK", 12_000_000),
            ("0,75 mkr", 750_000),
            ("3 miljarder kronor", 3_000_000_000),
            ("SEK 1 000", 1_000),
            ("0,500 mkr", 500_000),
        ] {
            assert_eq!(sek(text), Ok(value), "{text}");
        }
        let euro = parse_amount("€ 250 000", AmountUnit::PLAIN).unwrap();
        assert_eq!((euro.whole, euro.currency), (250_000, Currency::Eur));
        let euro = parse_amount("1,2 MEUR", AmountUnit::PLAIN).unwrap();
        assert_eq!((euro.whole, euro.currency), (1_200_000, Currency::Eur));
    }

    #[test]
    fn ambiguous_and_unreadable_amounts_are_refused() {
        for text in [
            "2,500",
            "1.500 kr",
            "ca 5 miljoner",
            "12 34",
            "1,2,3.4.5",
            "-500 kr",
            "5 äpplen",
            "",
            "1,5 miljoner euro kr",
        ] {
            assert!(sek(text).is_err(), "{text} refused");
        }
        assert!(sek("2,500").unwrap_err().contains("ambiguous"));
        assert!(parse_amount("€ 5 kr", AmountUnit::PLAIN).is_err());
    }

    #[test]
    fn a_header_unit_applies_to_bare_numbers_only() {
        let tkr = AmountUnit::parse("tkr").unwrap();
        assert_eq!(parse_amount("1 200", tkr).unwrap().whole, 1_200_000);
        assert_eq!(parse_amount("1,2 mkr", tkr).unwrap().whole, 1_200_000);
        let eur = AmountUnit::parse("EUR").unwrap();
        assert_eq!(parse_amount("30000", eur).unwrap().currency, Currency::Eur);
    }
}
