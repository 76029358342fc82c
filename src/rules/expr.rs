//! The condition language of rules.
//!
//! ```text
//! expr    := or
//! or      := and (("|" | "or") and)*
//! and     := unary (("&" | "and") unary)*
//! unary   := ("!" | "not") unary | primary
//! primary := "(" expr ")" | call | NAME
//! call    := "near" "(" expr "," expr "," INT ")"      both within INT characters
//!          | "before" "(" expr "," expr ["," INT] ")"  first ends before second starts
//!          | "atleast" "(" INT "," expr ("," expr)* ")" at least INT of them hold
//!          | "distinct" "(" NAME "," INT ")"            INT different terms of NAME
//! NAME    := [A-Za-z_][A-Za-z0-9_.]*   a lexicon, a regex, or link.<feature>
//! ```
//!
//! Distances count characters of the compact view (separators removed), so
//! `解 * 封 ... 费 用` is as near as `解封...费用`.

use std::fmt;

/// A parsed condition, before names are resolved.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Expr {
    /// A lexicon, regex or link feature, by name.
    Name(String),
    /// Negation.
    Not(Box<Expr>),
    /// All must hold.
    And(Vec<Expr>),
    /// Any must hold.
    Or(Vec<Expr>),
    /// Both hold with some pair of hits within `max` characters.
    Near(Box<Expr>, Box<Expr>, usize),
    /// Both hold with a hit of the first ending before a hit of the second
    /// starts, within `max` characters when given.
    Before(Box<Expr>, Box<Expr>, Option<usize>),
    /// At least `n` of the parts hold.
    AtLeast(usize, Vec<Expr>),
    /// At least `n` different terms (or regex matches) of one name occur.
    Distinct(String, usize),
}

impl Expr {
    /// Calls `f` on every name in the expression.
    pub(crate) fn visit_names<'a>(&'a self, f: &mut impl FnMut(&'a str)) {
        match self {
            Expr::Name(n) | Expr::Distinct(n, _) => f(n),
            Expr::Not(e) => e.visit_names(f),
            Expr::And(v) | Expr::Or(v) | Expr::AtLeast(_, v) => {
                v.iter().for_each(|e| e.visit_names(f))
            }
            Expr::Near(a, b, _) | Expr::Before(a, b, _) => {
                a.visit_names(f);
                b.visit_names(f);
            }
        }
    }
}

/// A syntax error in a condition, with the character column (1-based).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ExprError {
    pub(crate) column: usize,
    pub(crate) message: String,
}

impl fmt::Display for ExprError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "column {}: {}", self.column, self.message)
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Name(String),
    Int(usize),
    LParen,
    RParen,
    Comma,
    And,
    Or,
    Not,
}

struct Lexer {
    toks: Vec<(Tok, usize)>,
}

fn tokenize(src: &str) -> Result<Lexer, ExprError> {
    let mut toks = Vec::new();
    let chars: Vec<(usize, char)> = src.chars().enumerate().collect();
    let mut i = 0;
    while i < chars.len() {
        let (col, c) = chars[i];
        let column = col + 1;
        match c {
            c if c.is_whitespace() => i += 1,
            '(' => (toks.push((Tok::LParen, column)), i += 1).1,
            ')' => (toks.push((Tok::RParen, column)), i += 1).1,
            ',' => (toks.push((Tok::Comma, column)), i += 1).1,
            '&' => {
                i += if chars.get(i + 1).map(|x| x.1) == Some('&') { 2 } else { 1 };
                toks.push((Tok::And, column));
            }
            '|' => {
                i += if chars.get(i + 1).map(|x| x.1) == Some('|') { 2 } else { 1 };
                toks.push((Tok::Or, column));
            }
            '!' => (toks.push((Tok::Not, column)), i += 1).1,
            c if c.is_ascii_digit() => {
                let start = i;
                while i < chars.len() && chars[i].1.is_ascii_digit() {
                    i += 1;
                }
                let s: String = chars[start..i].iter().map(|x| x.1).collect();
                let n = s.parse().map_err(|_| ExprError { column, message: format!("number {s} is too large") })?;
                toks.push((Tok::Int(n), column));
            }
            c if c.is_ascii_alphabetic() || c == '_' => {
                let start = i;
                while i < chars.len() && (chars[i].1.is_ascii_alphanumeric() || matches!(chars[i].1, '_' | '.' | '-')) {
                    i += 1;
                }
                let s: String = chars[start..i].iter().map(|x| x.1).collect();
                let tok = match s.as_str() {
                    "and" => Tok::And,
                    "or" => Tok::Or,
                    "not" => Tok::Not,
                    _ => Tok::Name(s),
                };
                toks.push((tok, column));
            }
            other => {
                return Err(ExprError {
                    column,
                    message: format!("unexpected character '{other}' (names are ASCII: lexicon, regex or link.<feature>)"),
                })
            }
        }
    }
    Ok(Lexer { toks })
}

struct Parser {
    toks: Vec<(Tok, usize)>,
    pos: usize,
    end_column: usize,
    /// Nesting of parentheses, function calls and `!` so far.
    depth: usize,
}

/// Deepest nesting of parentheses, function calls and `!` a condition may
/// have: the parser (and every walk of the tree) recurses once per level, and
/// a rule file with 100,000 `(` must give an error, not a stack overflow.
pub(crate) const MAX_DEPTH: usize = 64;

/// Parses a condition.
pub(crate) fn parse(src: &str) -> Result<Expr, ExprError> {
    let lexer = tokenize(src)?;
    let mut p = Parser {
        toks: lexer.toks,
        pos: 0,
        end_column: src.chars().count() + 1,
        depth: 0,
    };
    if p.toks.is_empty() {
        return Err(ExprError {
            column: 1,
            message: "empty condition".into(),
        });
    }
    let e = p.or()?;
    if let Some((t, col)) = p.toks.get(p.pos) {
        return Err(ExprError {
            column: *col,
            message: format!("unexpected {}", describe(t)),
        });
    }
    Ok(e)
}

fn describe(t: &Tok) -> String {
    match t {
        Tok::Name(n) => format!("name '{n}'"),
        Tok::Int(n) => format!("number {n}"),
        Tok::LParen => "'('".into(),
        Tok::RParen => "')'".into(),
        Tok::Comma => "','".into(),
        Tok::And => "'&'".into(),
        Tok::Or => "'|'".into(),
        Tok::Not => "'!'".into(),
    }
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos).map(|t| &t.0)
    }

    fn column(&self) -> usize {
        self.toks.get(self.pos).map_or(self.end_column, |t| t.1)
    }

    fn err<T>(&self, message: impl Into<String>) -> Result<T, ExprError> {
        Err(ExprError {
            column: self.column(),
            message: message.into(),
        })
    }

    fn expect(&mut self, want: Tok) -> Result<(), ExprError> {
        match self.peek() {
            Some(t) if *t == want => {
                self.pos += 1;
                Ok(())
            }
            Some(t) => self.err(format!(
                "expected {} but found {}",
                describe(&want),
                describe(t)
            )),
            None => self.err(format!(
                "expected {} but the condition ended",
                describe(&want)
            )),
        }
    }

    /// Runs `f` one nesting level deeper; an error past [`MAX_DEPTH`].
    fn nested(
        &mut self,
        f: impl FnOnce(&mut Self) -> Result<Expr, ExprError>,
    ) -> Result<Expr, ExprError> {
        if self.depth >= MAX_DEPTH {
            return self.err(format!(
                "condition nested more than {MAX_DEPTH} levels deep"
            ));
        }
        self.depth += 1;
        let r = f(self);
        self.depth -= 1;
        r
    }

    fn or(&mut self) -> Result<Expr, ExprError> {
        self.nested(Self::or_inner)
    }

    fn or_inner(&mut self) -> Result<Expr, ExprError> {
        let mut parts = vec![self.and()?];
        while self.peek() == Some(&Tok::Or) {
            self.pos += 1;
            parts.push(self.and()?);
        }
        Ok(if parts.len() == 1 {
            parts.pop().unwrap_or(Expr::Or(Vec::new()))
        } else {
            Expr::Or(parts)
        })
    }

    fn and(&mut self) -> Result<Expr, ExprError> {
        let mut parts = vec![self.unary()?];
        while self.peek() == Some(&Tok::And) {
            self.pos += 1;
            parts.push(self.unary()?);
        }
        Ok(if parts.len() == 1 {
            parts.pop().unwrap_or(Expr::And(Vec::new()))
        } else {
            Expr::And(parts)
        })
    }

    fn unary(&mut self) -> Result<Expr, ExprError> {
        if self.peek() == Some(&Tok::Not) {
            self.pos += 1;
            return Ok(Expr::Not(Box::new(self.nested(Self::unary)?)));
        }
        self.primary()
    }

    fn int(&mut self) -> Result<usize, ExprError> {
        match self.peek() {
            Some(Tok::Int(n)) => {
                let n = *n;
                self.pos += 1;
                Ok(n)
            }
            _ => self.err("expected a number"),
        }
    }

    fn primary(&mut self) -> Result<Expr, ExprError> {
        match self.peek().cloned() {
            Some(Tok::LParen) => {
                self.pos += 1;
                let e = self.or()?;
                self.expect(Tok::RParen)?;
                Ok(e)
            }
            Some(Tok::Name(name)) => {
                self.pos += 1;
                if self.peek() != Some(&Tok::LParen) {
                    return Ok(Expr::Name(name));
                }
                self.pos += 1;
                let e = match name.as_str() {
                    "near" => {
                        let a = self.or()?;
                        self.expect(Tok::Comma)?;
                        let b = self.or()?;
                        self.expect(Tok::Comma)?;
                        let n = self.int()?;
                        Expr::Near(Box::new(a), Box::new(b), n)
                    }
                    "before" => {
                        let a = self.or()?;
                        self.expect(Tok::Comma)?;
                        let b = self.or()?;
                        let n = if self.peek() == Some(&Tok::Comma) {
                            self.pos += 1;
                            Some(self.int()?)
                        } else {
                            None
                        };
                        Expr::Before(Box::new(a), Box::new(b), n)
                    }
                    "atleast" => {
                        let n = self.int()?;
                        let mut parts = Vec::new();
                        while self.peek() == Some(&Tok::Comma) {
                            self.pos += 1;
                            parts.push(self.or()?);
                        }
                        if parts.is_empty() {
                            return self
                                .err("atleast(N, ...) needs at least one condition after N");
                        }
                        Expr::AtLeast(n, parts)
                    }
                    "distinct" => {
                        let name = match self.peek().cloned() {
                            Some(Tok::Name(n)) => {
                                self.pos += 1;
                                n
                            }
                            _ => {
                                return self
                                    .err("distinct(NAME, N) needs a lexicon or regex name first")
                            }
                        };
                        self.expect(Tok::Comma)?;
                        Expr::Distinct(name, self.int()?)
                    }
                    other => {
                        self.pos -= 1;
                        return self.err(format!(
                            "unknown function '{other}' (known: near, before, atleast, distinct)"
                        ));
                    }
                };
                self.expect(Tok::RParen)?;
                Ok(e)
            }
            Some(t) => self.err(format!("unexpected {}", describe(&t))),
            None => self.err("the condition ended too early"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> Expr {
        Expr::Name(s.into())
    }

    #[test]
    fn precedence() {
        assert_eq!(
            parse("a | b & !c").unwrap(),
            Expr::Or(vec![
                n("a"),
                Expr::And(vec![n("b"), Expr::Not(Box::new(n("c")))])
            ])
        );
        assert_eq!(
            parse("a and not (b or c)").unwrap(),
            parse("a & !(b | c)").unwrap()
        );
    }

    #[test]
    fn functions() {
        assert_eq!(
            parse("near(a, b | c, 10)").unwrap(),
            Expr::Near(
                Box::new(n("a")),
                Box::new(Expr::Or(vec![n("b"), n("c")])),
                10
            )
        );
        assert_eq!(
            parse("before(a, b)").unwrap(),
            Expr::Before(Box::new(n("a")), Box::new(n("b")), None)
        );
        assert_eq!(
            parse("atleast(2, a, b, link.lookalike)").unwrap(),
            Expr::AtLeast(2, vec![n("a"), n("b"), n("link.lookalike")])
        );
    }

    #[test]
    fn distinct() {
        assert_eq!(
            parse("distinct(lure, 2) & x").unwrap(),
            Expr::And(vec![Expr::Distinct("lure".into(), 2), n("x")])
        );
        assert!(parse("distinct(a | b, 2)").is_err());
    }

    #[test]
    fn errors_have_columns() {
        assert_eq!(parse("a & ").unwrap_err().column, 5);
        assert_eq!(parse("a b").unwrap_err().column, 3);
        assert!(parse("near(a, b)")
            .unwrap_err()
            .message
            .contains("expected ','"));
        assert!(parse("fuzzy(a)")
            .unwrap_err()
            .message
            .contains("unknown function"));
        assert_eq!(parse("a ^ b").unwrap_err().column, 3);
        assert!(parse("").is_err());
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        let ok = format!(
            "{}a{}",
            "(".repeat(MAX_DEPTH - 1),
            ")".repeat(MAX_DEPTH - 1)
        );
        assert_eq!(parse(&ok).unwrap(), n("a"));
        for deep in [
            format!("{}a{}", "(".repeat(100_000), ")".repeat(100_000)),
            format!("{}a", "!".repeat(100_000)),
            format!("{}a{}", "near(".repeat(100_000), ", b, 3)".repeat(100_000)),
        ] {
            let e = parse(&deep).unwrap_err();
            assert!(e.message.contains("nested more than"), "{}", e.message);
        }
    }
}
