//! Range filters on numbers and dates: `budget:>=5000000`, `participants:>0`,
//! `start:[2023-01-01 TO 2023-12-31]`, `end:2024`. The same expressions are accepted in the
//! query syntax and by the `--budget`, `--start`, … flags.
//!
//! A value is read as a span: a number is a span of one value, a date a span of one day, a
//! year (`2023`) the span of its days. Bounds then follow from the operator: `>=2023` starts
//! at the first day of 2023, `>2023` after its last, `<=2023` ends with its last day, and
//! `[2023 TO 2024]` covers both years whole.

use crate::record::Date;
use crate::schema::{facet_for, to_datetime, FacetKey, FyndSchema};
use std::fmt;
use std::ops::Bound;
use tantivy::columnar::MonotonicallyMappableToU64;
use tantivy::query::{ConstScoreQuery, InvertedIndexRangeQuery, Query, RangeQuery};
use tantivy::schema::Field;
use tantivy::Term;

/// A number or date field that can be filtered by range and sorted on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RangeField {
    /// Total budget, whole SEK.
    Budget,
    /// Granted EU support, whole SEK.
    Granted,
    /// Number of participants.
    Participants,
    /// EU co-financing rate, percent.
    CofinancingRate,
    /// First day of the project period.
    Start,
    /// Last day of the project period.
    End,
    /// Publication date of a page.
    Published,
    /// The `year` facet: every year a project runs (or a page's publication year). Only
    /// chosen for range expressions (`year:>=2020`); `year:2024` stays a facet value.
    Year,
}

/// What kind of values a [`RangeField`] holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RangeKind {
    /// Whole numbers.
    Count,
    /// Decimal numbers (a percentage).
    Decimal,
    /// Calendar dates.
    Date,
    /// Calendar years (the `year` facet).
    Year,
}

impl RangeField {
    /// Every range field with its own number or date column, in the order they are listed
    /// to users ([`RangeField::Year`] is the facet and not among them).
    pub const ALL: [RangeField; 7] = [
        RangeField::Budget,
        RangeField::Granted,
        RangeField::Participants,
        RangeField::CofinancingRate,
        RangeField::Start,
        RangeField::End,
        RangeField::Published,
    ];

    /// The canonical name (also the index field name).
    pub fn name(self) -> &'static str {
        match self {
            RangeField::Budget => "budget",
            RangeField::Granted => "granted",
            RangeField::Participants => "participants",
            RangeField::CofinancingRate => "cofinancing_rate",
            RangeField::Start => "start",
            RangeField::End => "end",
            RangeField::Published => "published",
            RangeField::Year => "year",
        }
    }

    /// The range field with canonical name `name` (never [`RangeField::Year`]).
    pub fn parse(name: &str) -> Option<RangeField> {
        RangeField::ALL
            .into_iter()
            .find(|field| field.name() == name)
    }

    /// What its values are.
    pub fn kind(self) -> RangeKind {
        match self {
            RangeField::Budget | RangeField::Granted | RangeField::Participants => RangeKind::Count,
            RangeField::CofinancingRate => RangeKind::Decimal,
            RangeField::Start | RangeField::End | RangeField::Published => RangeKind::Date,
            RangeField::Year => RangeKind::Year,
        }
    }

    /// The index field holding it.
    pub fn field(self, schema: &FyndSchema) -> Field {
        match self {
            RangeField::Budget => schema.budget,
            RangeField::Granted => schema.granted,
            RangeField::Participants => schema.participants,
            RangeField::CofinancingRate => schema.cofinancing_rate,
            RangeField::Start => schema.start,
            RangeField::End => schema.end,
            RangeField::Published => schema.published,
            RangeField::Year => schema.facet(FacetKey::Year),
        }
    }

    fn example(self) -> &'static str {
        match self {
            RangeField::Budget => "budget:>=5000000",
            RangeField::Granted => "granted:[1000000 TO 5000000]",
            RangeField::Participants => "participants:>0",
            RangeField::CofinancingRate => "cofinancing_rate:>=50",
            RangeField::Start => "start:[2023-01-01 TO 2023-12-31]",
            RangeField::End => "end:<=2024-06-30",
            RangeField::Published => "published:2016",
            RangeField::Year => "year:[2019 TO 2021]",
        }
    }
}

/// One bound value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum RangeValue {
    /// A whole number.
    Count(u64),
    /// A decimal number.
    Decimal(f64),
    /// A day.
    Date(Date),
}

impl fmt::Display for RangeValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RangeValue::Count(n) => write!(f, "{n}"),
            RangeValue::Decimal(x) => write!(f, "{x}"),
            RangeValue::Date(d) => write!(f, "{d}"),
        }
    }
}

/// Documents whose `field` lies between `lower` and `upper`. Documents without a value in
/// the field never match.
#[derive(Clone, Debug, PartialEq)]
pub struct RangeFilter {
    /// Which field.
    pub field: RangeField,
    /// Lower bound.
    pub lower: Bound<RangeValue>,
    /// Upper bound.
    pub upper: Bound<RangeValue>,
}

/// Why a range expression could not be read, and where (0-based character offset into the
/// expression).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RangeError {
    /// Character offset into the expression.
    pub offset: usize,
    /// What is wrong, with an example of what works.
    pub message: String,
}

/// A value as typed: its first and last value (equal except for a year).
#[derive(Clone, Copy)]
struct Span {
    first: RangeValue,
    last: RangeValue,
}

impl RangeFilter {
    /// Reads `text` (what follows `field:` in a query, or a flag's value) as a range on
    /// `field`: `>=X`, `>X`, `<=X`, `<X`, `X`, `[A TO B]` (inclusive), `{A TO B}` (exclusive;
    /// the brackets can be mixed), with `*` for an open end.
    pub fn parse(field: RangeField, text: &str) -> Result<RangeFilter, RangeError> {
        let chars: Vec<char> = text.chars().collect();
        let starts_with = |prefix: &str| text.starts_with(prefix);
        if matches!(chars.first(), Some('[') | Some('{')) {
            return parse_interval(field, &chars);
        }
        let (op, skip) = if starts_with(">=") {
            (">=", 2)
        } else if starts_with("<=") {
            ("<=", 2)
        } else if starts_with(">") {
            (">", 1)
        } else if starts_with("<") {
            ("<", 1)
        } else if starts_with("=") {
            ("=", 1)
        } else {
            ("=", 0)
        };
        let rest: String = chars[skip..].iter().collect();
        if rest.trim().is_empty() {
            return Err(RangeError {
                offset: skip,
                message: format!(
                    "{} needs a value after {op}, e.g. {}",
                    field.name(),
                    field.example()
                ),
            });
        }
        let span = parse_value(field, &rest, skip)?;
        let (lower, upper) = match op {
            ">=" => (Bound::Included(span.first), Bound::Unbounded),
            ">" => (Bound::Excluded(span.last), Bound::Unbounded),
            "<=" => (Bound::Unbounded, Bound::Included(span.last)),
            "<" => (Bound::Unbounded, Bound::Excluded(span.first)),
            _ => (Bound::Included(span.first), Bound::Included(span.last)),
        };
        Ok(RangeFilter {
            field,
            lower,
            upper,
        })
    }

    /// Reads the value of a range flag (`--budget '>=5000000'`) as a range on `field`.
    pub fn from_flag(field: RangeField, text: &str) -> Result<RangeFilter, crate::FyndError> {
        RangeFilter::parse(field, text.trim()).map_err(|err| crate::FyndError::BadRange {
            option: format!("--{}", field.name().replace('_', "-")),
            value: text.trim().to_string(),
            position: err.offset,
            message: err.message,
        })
    }

    /// The filter as a query that matches without adding to the score.
    pub fn query(&self, schema: &FyndSchema) -> Box<dyn Query> {
        let field = self.field.field(schema);
        if self.field == RangeField::Year {
            // Years are facet terms of four digits, whose byte order is their numeric order.
            let term = |value: &RangeValue| {
                let year = match value {
                    RangeValue::Count(n) => *n,
                    _ => 0,
                };
                Term::from_facet(field, &facet_for(&format!("{year:04}")))
            };
            let bound = |b: &Bound<RangeValue>| match b {
                Bound::Included(v) => Bound::Included(term(v)),
                Bound::Excluded(v) => Bound::Excluded(term(v)),
                Bound::Unbounded => Bound::Unbounded,
            };
            let lower = match &self.lower {
                Bound::Unbounded => Bound::Included(term(&RangeValue::Count(0))),
                lower => bound(lower),
            };
            return Box::new(ConstScoreQuery::new(
                Box::new(InvertedIndexRangeQuery::new(lower, bound(&self.upper))),
                0.0,
            ));
        }
        let term = |value: &RangeValue| match value {
            RangeValue::Count(n) => Term::from_field_u64(field, *n),
            RangeValue::Decimal(x) => Term::from_field_f64(field, *x),
            RangeValue::Date(d) => Term::from_field_date_for_search(field, to_datetime(*d)),
        };
        let bound = |b: &Bound<RangeValue>| match b {
            Bound::Included(v) => Bound::Included(term(v)),
            Bound::Excluded(v) => Bound::Excluded(term(v)),
            Bound::Unbounded => Bound::Unbounded,
        };
        let mut lower = bound(&self.lower);
        let upper = bound(&self.upper);
        if matches!((&lower, &upper), (Bound::Unbounded, Bound::Unbounded)) {
            // `field:[* TO *]`: any document that has a value. Every value is ≥ the smallest.
            lower = Bound::Included(match self.field.kind() {
                RangeKind::Count => Term::from_field_u64(field, 0),
                RangeKind::Decimal => Term::from_field_f64(field, f64::MIN),
                RangeKind::Date | RangeKind::Year => Term::from_field_date_for_search(
                    field,
                    to_datetime(Date::new(1, 1, 1).expect("a valid date")),
                ),
            });
        }
        Box::new(ConstScoreQuery::new(
            Box::new(RangeQuery::new(lower, upper)),
            0.0,
        ))
    }
}

impl RangeFilter {
    /// The bounds in the order-preserving u64 form the field's column holds (what a sort
    /// by the field reads), so a segment's documents ordered by the field can be cut at
    /// them; None for `year`, a facet without a column.
    pub fn column_bounds(&self) -> Option<(Bound<u64>, Bound<u64>)> {
        let kind = self.field.kind();
        let to_u64 = |value: &RangeValue| -> Option<u64> {
            Some(match (kind, value) {
                (RangeKind::Year, _) => return None,
                (RangeKind::Decimal, RangeValue::Decimal(x)) => x.to_u64(),
                (RangeKind::Decimal, RangeValue::Count(n)) => (*n as f64).to_u64(),
                (_, RangeValue::Count(n)) => *n,
                (_, RangeValue::Decimal(x)) => x.to_u64(),
                (_, RangeValue::Date(d)) => to_datetime(*d).to_u64(),
            })
        };
        let bound = |b: &Bound<RangeValue>| -> Option<Bound<u64>> {
            Some(match b {
                Bound::Included(v) => Bound::Included(to_u64(v)?),
                Bound::Excluded(v) => Bound::Excluded(to_u64(v)?),
                Bound::Unbounded => Bound::Unbounded,
            })
        };
        if kind == RangeKind::Year {
            return None;
        }
        Some((bound(&self.lower)?, bound(&self.upper)?))
    }
}

impl fmt::Display for RangeFilter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = self.field.name();
        match (&self.lower, &self.upper) {
            (Bound::Included(a), Bound::Included(b)) if a == b => write!(f, "{name} = {a}"),
            (lower, upper) => {
                let mut parts = Vec::new();
                match lower {
                    Bound::Included(v) => parts.push(format!("{name} >= {v}")),
                    Bound::Excluded(v) => parts.push(format!("{name} > {v}")),
                    Bound::Unbounded => {}
                }
                match upper {
                    Bound::Included(v) => parts.push(format!("{name} <= {v}")),
                    Bound::Excluded(v) => parts.push(format!("{name} < {v}")),
                    Bound::Unbounded => {}
                }
                if parts.is_empty() {
                    write!(f, "{name} has a value")
                } else {
                    f.write_str(&parts.join(" and "))
                }
            }
        }
    }
}

fn parse_interval(field: RangeField, chars: &[char]) -> Result<RangeFilter, RangeError> {
    let lower_inclusive = chars[0] == '[';
    let Some(close) = chars.iter().position(|c| *c == ']' || *c == '}') else {
        return Err(RangeError {
            offset: 0,
            message: format!(
                "this range is never closed: add ] (or }}), e.g. {}",
                field.example()
            ),
        });
    };
    if close + 1 != chars.len() {
        return Err(RangeError {
            offset: close + 1,
            message: "unexpected text after the closing bracket of the range".to_string(),
        });
    }
    let upper_inclusive = chars[close] == ']';
    let inner: String = chars[1..close].iter().collect();
    let Some(to_at) = find_to(&inner) else {
        return Err(RangeError {
            offset: 1,
            message: format!(
                "a range needs TO between its ends, e.g. {} (use * for an open end)",
                field.example()
            ),
        });
    };
    let left = &inner[..to_at];
    let right = &inner[to_at + 4..];
    let left_offset = 1 + leading_spaces(left);
    let right_offset = 1 + inner[..to_at + 4].chars().count() + leading_spaces(right);
    let read = |text: &str, offset: usize| -> Result<Option<Span>, RangeError> {
        let text = text.trim();
        if text == "*" {
            return Ok(None);
        }
        if text.is_empty() {
            return Err(RangeError {
                offset,
                message: format!(
                    "this end of the range is empty: write a value or * for an open end, e.g. {}",
                    field.example()
                ),
            });
        }
        parse_value(field, text, offset).map(Some)
    };
    let first = read(left, left_offset)?;
    let last = read(right, right_offset)?;
    if let (Some(a), Some(b)) = (first, last) {
        if greater(a.first, b.last) {
            return Err(RangeError {
                offset: left_offset,
                message: format!(
                    "this range is empty: {} comes after {}; write the smaller value first",
                    a.first, b.last
                ),
            });
        }
    }
    let lower = match first {
        None => Bound::Unbounded,
        Some(span) if lower_inclusive => Bound::Included(span.first),
        Some(span) => Bound::Excluded(span.last),
    };
    let upper = match last {
        None => Bound::Unbounded,
        Some(span) if upper_inclusive => Bound::Included(span.last),
        Some(span) => Bound::Excluded(span.first),
    };
    Ok(RangeFilter {
        field,
        lower,
        upper,
    })
}

/// Byte position of the ` TO ` separator (case-sensitive, like the other operators).
fn find_to(inner: &str) -> Option<usize> {
    inner.find(" TO ")
}

fn leading_spaces(text: &str) -> usize {
    text.chars().take_while(|c| c.is_whitespace()).count()
}

fn greater(a: RangeValue, b: RangeValue) -> bool {
    match (a, b) {
        (RangeValue::Count(a), RangeValue::Count(b)) => a > b,
        (RangeValue::Decimal(a), RangeValue::Decimal(b)) => a > b,
        (RangeValue::Date(a), RangeValue::Date(b)) => a > b,
        _ => false,
    }
}

/// Reads one value of `field`'s kind; `offset` is where `text` starts in the expression.
fn parse_value(field: RangeField, text: &str, offset: usize) -> Result<Span, RangeError> {
    let text = text.trim();
    let fail = |message: String| RangeError { offset, message };
    match field.kind() {
        RangeKind::Count => {
            let digits: String = text.chars().filter(|c| *c != '_').collect();
            if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
                return Err(fail(format!(
                    "{} needs a whole number here, not {text:?}, e.g. {}",
                    field.name(),
                    field.example()
                )));
            }
            let n = digits.parse::<u64>().map_err(|_| {
                fail(format!(
                    "{text} is too large for {}: the largest is {}",
                    field.name(),
                    u64::MAX
                ))
            })?;
            Ok(Span {
                first: RangeValue::Count(n),
                last: RangeValue::Count(n),
            })
        }
        RangeKind::Decimal => {
            let number = text.trim_end_matches('%').replace(',', ".");
            match number.parse::<f64>() {
                Ok(x) if x.is_finite() => Ok(Span {
                    first: RangeValue::Decimal(x),
                    last: RangeValue::Decimal(x),
                }),
                _ => Err(fail(format!(
                    "{} needs a number (percent) here, not {text:?}, e.g. {}",
                    field.name(),
                    field.example()
                ))),
            }
        }
        RangeKind::Year => match text.parse::<u64>() {
            Ok(year) if text.len() == 4 => Ok(Span {
                first: RangeValue::Count(year),
                last: RangeValue::Count(year),
            }),
            _ => Err(fail(format!(
                "year needs a year (four digits) here, not {text:?}, e.g. {}",
                field.example()
            ))),
        },
        RangeKind::Date => {
            let bad = || {
                fail(format!(
                    "{} needs a date here (YYYY-MM-DD or a year), not {text:?}, e.g. {}",
                    field.name(),
                    field.example()
                ))
            };
            if text.len() == 4 && text.bytes().all(|b| b.is_ascii_digit()) {
                let year: i32 = text.parse().map_err(|_| bad())?;
                let first = Date::new(year, 1, 1).ok_or_else(bad)?;
                let last = Date::new(year, 12, 31).ok_or_else(bad)?;
                return Ok(Span {
                    first: RangeValue::Date(first),
                    last: RangeValue::Date(last),
                });
            }
            let day = Date::parse(text).ok_or_else(bad)?;
            Ok(Span {
                first: RangeValue::Date(day),
                last: RangeValue::Date(day),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> RangeValue {
        RangeValue::Date(Date::parse(text).unwrap())
    }

    #[test]
    fn operators_and_intervals_become_bounds() {
        let r = RangeFilter::parse(RangeField::Budget, ">=5000000").unwrap();
        assert_eq!(r.lower, Bound::Included(RangeValue::Count(5_000_000)));
        assert_eq!(r.upper, Bound::Unbounded);
        let r = RangeFilter::parse(RangeField::Participants, ">0").unwrap();
        assert_eq!(r.lower, Bound::Excluded(RangeValue::Count(0)));
        let r = RangeFilter::parse(RangeField::Start, "[2023-01-01 TO 2023-12-31]").unwrap();
        assert_eq!(r.lower, Bound::Included(date("2023-01-01")));
        assert_eq!(r.upper, Bound::Included(date("2023-12-31")));
        let r = RangeFilter::parse(RangeField::End, "{2023 TO *]").unwrap();
        assert_eq!(r.lower, Bound::Excluded(date("2023-12-31")));
        assert_eq!(r.upper, Bound::Unbounded);
        let r = RangeFilter::parse(RangeField::Start, "2024").unwrap();
        assert_eq!(r.lower, Bound::Included(date("2024-01-01")));
        assert_eq!(r.upper, Bound::Included(date("2024-12-31")));
        let r = RangeFilter::parse(RangeField::Start, "<2024").unwrap();
        assert_eq!(r.upper, Bound::Excluded(date("2024-01-01")));
        let r = RangeFilter::parse(RangeField::CofinancingRate, ">=40,5%").unwrap();
        assert_eq!(r.lower, Bound::Included(RangeValue::Decimal(40.5)));
        assert_eq!(r.to_string(), "cofinancing_rate >= 40.5");
    }

    #[test]
    fn errors_say_what_and_where() {
        let cases = [
            (RangeField::Budget, ">=abc", 2, "whole number"),
            (RangeField::Budget, ">=", 2, "needs a value"),
            (RangeField::Start, "[2023-01-01 TO 2023-13-01]", 15, "date"),
            (RangeField::Start, "[2023 TO 2024", 0, "never closed"),
            (RangeField::Start, "[2023 2024]", 1, "TO"),
            (RangeField::Budget, "[9 TO 1]", 1, "empty"),
            (RangeField::Budget, "[1 TO ]", 6, "empty"),
        ];
        for (field, text, offset, message) in cases {
            let err = RangeFilter::parse(field, text).unwrap_err();
            assert_eq!(err.offset, offset, "{text}: {err:?}");
            assert!(err.message.contains(message), "{text}: {err:?}");
        }
    }
}
