//! The query language: words (all required), "phrases", OR, NOT / -, +, parentheses and
//! field:value. Parsing gives a syntax tree with the position of every part, so errors can
//! point at the place that is wrong. Field names may be Swedish aliases ([`super::fields`]);
//! the tree always carries the canonical name. Number and date fields take range
//! expressions ([`super::range`]).

use super::fields;
use super::range::{RangeField, RangeFilter};

/// Whether a clause must or must not match.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Occur {
    /// The document must match.
    Must,
    /// The document must not match.
    MustNot,
}

/// A parsed query.
#[derive(Clone, Debug, PartialEq)]
pub enum QueryNode {
    /// One word, perhaps restricted to a field.
    Word {
        /// Field name as typed, if any.
        field: Option<String>,
        /// The word.
        text: String,
        /// 0-based character position in the query.
        position: usize,
    },
    /// Words that must stand together in this order.
    Phrase {
        /// Field name as typed, if any.
        field: Option<String>,
        /// The words between the quotes.
        text: String,
        /// 0-based character position of the opening quote.
        position: usize,
    },
    /// A number or date field within bounds (`budget:>=5000000`).
    Range {
        /// The field and its bounds.
        filter: RangeFilter,
        /// 0-based character position of the field name.
        position: usize,
    },
    /// Clauses that all apply (the default between words).
    All(Vec<(Occur, QueryNode)>),
    /// Alternatives joined by OR: at least one must match.
    Any(Vec<QueryNode>),
}

/// A syntax error and where it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    /// 0-based character position.
    pub position: usize,
    /// What is wrong, and how to write it instead.
    pub message: String,
}

#[derive(Clone, Debug, PartialEq)]
enum Token {
    Open,
    Close,
    Or,
    And,
    Not,
    Plus,
    Minus,
    Word(Option<String>, String),
    Phrase(Option<String>, String),
    Range(RangeFilter),
}

fn error<T>(position: usize, message: impl Into<String>) -> Result<T, SyntaxError> {
    Err(SyntaxError {
        position,
        message: message.into(),
    })
}

fn looks_like_field_name(name: &str) -> bool {
    name.chars().next().is_some_and(char::is_alphabetic)
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
}

fn lex(query: &str, fields: &[&str]) -> Result<Vec<(usize, Token)>, SyntaxError> {
    let chars: Vec<char> = query.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    let read_phrase = |start: usize| -> Result<(String, usize), SyntaxError> {
        match chars[start + 1..].iter().position(|&c| c == '"') {
            Some(len) => Ok((
                chars[start + 1..start + 1 + len].iter().collect(),
                start + len + 2,
            )),
            None => error(start, "this quote is never closed: add a closing \""),
        }
    };
    while i < chars.len() {
        let c = chars[i];
        let next_is_atom = chars
            .get(i + 1)
            .is_some_and(|n| !n.is_whitespace() && *n != ')');
        match c {
            c if c.is_whitespace() => i += 1,
            '(' => {
                tokens.push((i, Token::Open));
                i += 1;
            }
            ')' => {
                tokens.push((i, Token::Close));
                i += 1;
            }
            '-' if next_is_atom => {
                tokens.push((i, Token::Minus));
                i += 1;
            }
            '+' if next_is_atom => {
                tokens.push((i, Token::Plus));
                i += 1;
            }
            '"' => {
                let (text, end) = read_phrase(i)?;
                tokens.push((i, Token::Phrase(None, text)));
                i = end;
            }
            _ => {
                let start = i;
                while i < chars.len() && !chars[i].is_whitespace() && !"()\"".contains(chars[i]) {
                    i += 1;
                }
                let word: String = chars[start..i].iter().collect();
                let token = match word.as_str() {
                    "OR" => Token::Or,
                    "AND" => Token::And,
                    "NOT" => Token::Not,
                    _ => match word.split_once(':') {
                        Some((name, value)) if looks_like_field_name(name) => {
                            let field = resolve_field(name, start, fields)?;
                            let value_at = start + name.chars().count() + 1;
                            let year_range =
                                field == "year" && value.starts_with(['<', '>', '[', '{', '=']);
                            let range_field =
                                RangeField::parse(field).or(year_range.then_some(RangeField::Year));
                            if let Some(range_field) = range_field {
                                let mut text = value.to_string();
                                if matches!(value.chars().next(), Some('[') | Some('{'))
                                    && !value.ends_with([']', '}'])
                                {
                                    // An interval runs over spaces up to its closing bracket.
                                    match chars[i..].iter().position(|c| *c == ']' || *c == '}') {
                                        Some(len) => {
                                            i += len + 1;
                                            text = chars[value_at..i].iter().collect();
                                        }
                                        None => {
                                            text = chars[value_at..].iter().collect();
                                            i = chars.len();
                                        }
                                    }
                                }
                                if text.is_empty() {
                                    return error(
                                        value_at,
                                        format!("{name}: needs a value, e.g. {name}:>=10 or {name}:[10 TO 20]"),
                                    );
                                }
                                let filter =
                                    RangeFilter::parse(range_field, &text).map_err(|err| {
                                        SyntaxError {
                                            position: value_at + err.offset,
                                            message: err.message,
                                        }
                                    })?;
                                Token::Range(filter)
                            } else if !value.is_empty() {
                                Token::Word(Some(field.to_string()), value.to_string())
                            } else if chars.get(i) == Some(&'"') {
                                let (text, end) = read_phrase(i)?;
                                i = end;
                                Token::Phrase(Some(field.to_string()), text)
                            } else {
                                return error(
                                    value_at,
                                    format!("{name}: needs a value, e.g. {name}:word or {name}:\"two words\""),
                                );
                            }
                        }
                        _ => Token::Word(None, word),
                    },
                };
                tokens.push((start, token));
            }
        }
    }
    Ok(tokens)
}

/// The canonical name of the field typed as `name` at `position`, if `fields` (canonical
/// names) or the range fields allow it.
fn resolve_field(
    name: &str,
    position: usize,
    fields: &[&str],
) -> Result<&'static str, SyntaxError> {
    match fields::canonical(name) {
        Some(field) if fields.contains(&field) || RangeField::parse(field).is_some() => Ok(field),
        _ => {
            let mut known: Vec<&str> = fields.to_vec();
            known.extend(RangeField::ALL.iter().map(|f| f.name()));
            error(
                position,
                format!(
                    "unknown field {name:?}: fields are {}, or their Swedish names (titel, ägare, fond, diarienummer, …); to search for the text itself, put it in quotes",
                    known.join(", ")
                ),
            )
        }
    }
}

/// Parentheses may be nested this deep, at most. Every later walk of the tree (building the
/// search, passages, rewriting) recurses once per level, so the parser refuses deeper
/// nesting with a syntax error instead of letting a hostile query (thousands of `(`)
/// overflow a thread's stack; no query a person writes comes near it.
pub const MAX_NESTING: usize = 32;

/// Parses `query`; `fields` are the canonical field names allowed before a colon (their
/// Swedish aliases and the number and date fields are allowed too). An empty query gives
/// `None`.
pub fn parse(query: &str, fields: &[&str]) -> Result<Option<QueryNode>, SyntaxError> {
    let tokens = lex(query, fields)?;
    let mut parser = Parser {
        tokens,
        next: 0,
        end: query.chars().count(),
        depth: 0,
    };
    let node = parser.all(None)?;
    Ok(match node {
        QueryNode::All(clauses) if clauses.is_empty() => None,
        node => Some(node),
    })
}

struct Parser {
    tokens: Vec<(usize, Token)>,
    next: usize,
    end: usize,
    /// Parentheses open around the token being read; never above [`MAX_NESTING`].
    depth: usize,
}

impl Parser {
    fn peek(&self) -> Option<&(usize, Token)> {
        self.tokens.get(self.next)
    }

    fn position(&self) -> usize {
        self.peek().map_or(self.end, |(pos, _)| *pos)
    }

    /// Clauses up to the closing parenthesis opened at `open` (or the end of input).
    fn all(&mut self, open: Option<usize>) -> Result<QueryNode, SyntaxError> {
        let mut clauses = Vec::new();
        loop {
            match self.peek() {
                None => {
                    if let Some(pos) = open {
                        return error(pos, "this parenthesis is never closed: add a )");
                    }
                    break;
                }
                Some((pos, Token::Close)) => {
                    if open.is_none() {
                        return error(*pos, "this ) has no ( before it");
                    }
                    self.next += 1;
                    break;
                }
                Some((_, Token::And)) => self.next += 1,
                Some(_) => clauses.push(self.alternatives()?),
            }
        }
        Ok(QueryNode::All(clauses))
    }

    /// One clause, or several joined by OR.
    fn alternatives(&mut self) -> Result<(Occur, QueryNode), SyntaxError> {
        let first_pos = self.position();
        let (occur, first) = self.unary()?;
        let mut options = vec![first];
        while let Some((pos, Token::Or)) = self.peek() {
            let or_pos = *pos;
            if occur == Occur::MustNot {
                return error(
                    first_pos,
                    "a negated term cannot be one side of OR: use parentheses, e.g. -(a OR b)",
                );
            }
            self.next += 1;
            if self.peek().is_none() {
                return error(or_pos, "OR needs a term after it");
            }
            let (alt_occur, alt) = self.unary()?;
            if alt_occur == Occur::MustNot {
                return error(
                    or_pos,
                    "a negated term cannot be one side of OR: use parentheses, e.g. -(a OR b)",
                );
            }
            options.push(alt);
        }
        Ok(if options.len() == 1 {
            (occur, options.pop().expect("one option"))
        } else {
            (occur, QueryNode::Any(options))
        })
    }

    fn unary(&mut self) -> Result<(Occur, QueryNode), SyntaxError> {
        let Some((pos, token)) = self.peek().cloned() else {
            return error(self.end, "the query ends where a term was expected");
        };
        match token {
            Token::Minus | Token::Not => {
                self.next += 1;
                if self.peek().is_none() {
                    return error(pos, "NOT / - needs a term after it");
                }
                Ok((Occur::MustNot, self.primary()?))
            }
            Token::Plus => {
                self.next += 1;
                Ok((Occur::Must, self.primary()?))
            }
            _ => Ok((Occur::Must, self.primary()?)),
        }
    }

    fn primary(&mut self) -> Result<QueryNode, SyntaxError> {
        let Some((pos, token)) = self.peek().cloned() else {
            return error(self.end, "the query ends where a term was expected");
        };
        self.next += 1;
        match token {
            Token::Open => {
                if self.depth >= MAX_NESTING {
                    return error(
                        pos,
                        format!(
                            "parentheses are nested more than {MAX_NESTING} deep here: write the query with fewer levels of ( )"
                        ),
                    );
                }
                self.depth += 1;
                let group = self.all(Some(pos));
                self.depth -= 1;
                group
            }
            Token::Word(field, text) => Ok(QueryNode::Word {
                field,
                text,
                position: pos,
            }),
            Token::Phrase(field, text) => Ok(QueryNode::Phrase {
                field,
                text,
                position: pos,
            }),
            Token::Range(filter) => Ok(QueryNode::Range {
                filter,
                position: pos,
            }),
            Token::Or => error(pos, "OR needs a term before it"),
            Token::Close => error(pos, "this ) has no ( before it"),
            Token::And | Token::Not | Token::Plus | Token::Minus => {
                error(pos, "an operator stands where a term was expected")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIELDS: &[&str] = &["title", "fund"];

    fn word(text: &str, position: usize) -> QueryNode {
        QueryNode::Word {
            field: None,
            text: text.to_string(),
            position,
        }
    }

    #[test]
    fn or_binds_tighter_than_the_implicit_and() {
        let parsed = parse("a b OR c -d", FIELDS).unwrap().unwrap();
        assert_eq!(
            parsed,
            QueryNode::All(vec![
                (Occur::Must, word("a", 0)),
                (
                    Occur::Must,
                    QueryNode::Any(vec![word("b", 2), word("c", 7)])
                ),
                (Occur::MustNot, word("d", 10)),
            ])
        );
    }

    #[test]
    fn fields_phrases_and_groups() {
        let parsed = parse("title:\"stärkt samverkan\" (x OR y)", FIELDS)
            .unwrap()
            .unwrap();
        let QueryNode::All(clauses) = parsed else {
            panic!()
        };
        assert_eq!(
            clauses[0].1,
            QueryNode::Phrase {
                field: Some("title".into()),
                text: "stärkt samverkan".into(),
                position: 0
            }
        );
        assert!(matches!(clauses[1].1, QueryNode::All(_)));
        assert_eq!(parse("   ", FIELDS).unwrap(), None);
    }

    #[test]
    fn swedish_field_names_and_ranges() {
        let parsed = parse("titel:x start:[2023 TO 2024] budget:>=5", FIELDS)
            .unwrap()
            .unwrap();
        let QueryNode::All(clauses) = parsed else {
            panic!()
        };
        assert_eq!(
            clauses[0].1,
            QueryNode::Word {
                field: Some("title".into()),
                text: "x".into(),
                position: 0
            }
        );
        let QueryNode::Range { filter, position } = &clauses[1].1 else {
            panic!("{:?}", clauses[1])
        };
        assert_eq!((filter.field, *position), (RangeField::Start, 8));
        assert!(matches!(
            clauses[2].1,
            QueryNode::Range { position: 29, .. }
        ));
    }

    #[test]
    fn errors_point_at_the_problem() {
        let cases = [
            ("a \"open", 2, "never closed"),
            ("(a b", 0, "never closed"),
            ("a b)", 3, "has no ("),
            ("OR a", 0, "before it"),
            ("a OR", 2, "after it"),
            ("a färg:x", 2, "unknown field \"färg\""),
            ("budget:>=abc", 9, "whole number"),
            ("x start:[2023 TO 2024", 8, "never closed"),
            ("start:[2023-01-01 TO 2023-02-30]", 21, "date"),
            ("title: x", 6, "needs a value"),
            ("-a OR b", 0, "negated"),
        ];
        for (query, position, message) in cases {
            let err = parse(query, FIELDS).unwrap_err();
            assert_eq!(err.position, position, "{query}: {err:?}");
            assert!(err.message.contains(message), "{query}: {err:?}");
        }
    }

    #[test]
    fn nesting_is_bounded_with_an_error_at_the_first_group_too_deep() {
        let nested = |depth: usize| format!("{}a{}", "(".repeat(depth), ")".repeat(depth));
        assert!(parse(&nested(MAX_NESTING), FIELDS).unwrap().is_some());
        let err = parse(&nested(MAX_NESTING + 1), FIELDS).unwrap_err();
        assert_eq!(err.position, MAX_NESTING);
        assert!(err.message.contains("nested more than 32 deep"), "{err:?}");
        // A hostile query: the error comes back without walking 50 000 levels.
        let err = parse(&nested(50_000), FIELDS).unwrap_err();
        assert_eq!(err.position, MAX_NESTING);
        // Side by side, groups do not add up: only nesting counts.
        let wide = format!("{} x", nested(MAX_NESTING).repeat(3));
        assert!(parse(&wide, FIELDS).is_ok());
    }
}
