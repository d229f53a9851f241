//! Story: however a person or a spreadsheet writes an amount of kronor — grouped with
//! spaces or no-break spaces, with commas or dots, in tkr or miljoner with a decimal comma —
//! fynd reads the number that was meant, or refuses it; it never reads another number.

use fynd::ingest::amount::{parse_amount, AmountUnit, Currency};
use proptest::prelude::*;

/// `value` with its digits grouped in threes by `separator`.
fn grouped(value: u64, separator: &str) -> String {
    let digits = value.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push_str(separator);
        }
        out.push(c);
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn grouped_kronor_read_exactly(
        value in 0u64..10_000_000_000,
        separator in prop::sample::select(vec![" ", "\u{a0}", "\u{202f}", ""]),
        unit in prop::sample::select(vec!["", " kr", " SEK", " kronor", ":-"]),
    ) {
        let text = format!("{}{unit}", grouped(value, separator));
        let amount = parse_amount(&text, AmountUnit::PLAIN).unwrap();
        prop_assert_eq!(amount.whole, value, "{}", text);
        prop_assert_eq!(amount.currency, Currency::Sek);
    }

    #[test]
    fn international_grouping_reads_exactly_from_two_separators_on(
        value in 1_000_000u64..10_000_000_000,
        comma in any::<bool>(),
    ) {
        // Two or more separators of one kind can only be thousands separators.
        let text = grouped(value, if comma { "," } else { "." });
        prop_assert_eq!(parse_amount(&text, AmountUnit::PLAIN).unwrap().whole, value, "{}", text);
    }

    #[test]
    fn millions_and_thousands_with_a_decimal_comma_read_exactly(
        whole in 0u64..10_000,
        tenths in 1u64..10,
        unit in prop::sample::select(vec![("mkr", 1_000_000u64), ("miljoner kr", 1_000_000), ("tkr", 1_000), ("MSEK", 1_000_000)]),
    ) {
        let text = format!("{whole},{tenths} {}", unit.0);
        let expected = whole * unit.1 + tenths * unit.1 / 10;
        prop_assert_eq!(parse_amount(&text, AmountUnit::PLAIN).unwrap().whole, expected, "{}", text);
    }

    #[test]
    fn one_separator_before_three_digits_is_never_guessed(
        before in 1u64..1000,
        after in 0u64..1000,
        mark in prop::sample::select(vec![",", "."]),
        unit in prop::sample::select(vec!["", " kr", " mkr"]),
    ) {
        let text = format!("{before}{mark}{after:03}{unit}");
        let refused = parse_amount(&text, AmountUnit::PLAIN).unwrap_err();
        prop_assert!(refused.contains("ambiguous"), "{}: {}", text, refused);
    }

    #[test]
    fn any_text_is_read_or_refused_without_panic(text in "\\PC{0,30}") {
        let _ = parse_amount(&text, AmountUnit::PLAIN);
    }
}
