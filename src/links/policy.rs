//! The link policy: the lists from `rules/links.toml` and how they are loaded.

use serde::{Deserialize, Serialize};
use toml::Spanned;

/// The built-in policy file, compiled into the library.
const BUILTIN_TOML: &str = include_str!("../../rules/links.toml");
/// Name used for the built-in file in error messages.
const BUILTIN_ORIGIN: &str = "rules/links.toml";

/// Lists that drive the offline link checks (see `rules/links.toml` for what each
/// list means). Entries are stored lower-case, without a leading dot.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LinkPolicy {
    /// Domains owned by the protected brand; hosts equal to one or below one are official.
    pub official_domains: Vec<String>,
    /// Brand names that must not appear in a foreign (non-official) host.
    pub brand_labels: Vec<String>,
    /// Generic brand abbreviations (wx, vx): suspicious in a foreign host, phishing with an appeal keyword.
    pub weak_brand_labels: Vec<String>,
    /// Appeal-scam words in host names (jiefeng, shensu, appeal...).
    pub appeal_keywords: Vec<String>,
    /// Labels protected against lookalikes (typos, leetspeak, confusable letters).
    pub protected_labels: Vec<String>,
    /// Registrable domains exempt from the brand and lookalike checks.
    pub lookalike_exempt: Vec<String>,
    /// URL shortener domains.
    pub shorteners: Vec<String>,
    /// Top-level domains that are cheap and often abused.
    pub risky_tlds: Vec<String>,
    /// File extensions of installable or executable packages.
    pub download_extensions: Vec<String>,
}

/// Error while loading a link policy file.
#[derive(Debug, thiserror::Error)]
pub enum LinkPolicyError {
    /// The file is not valid TOML or does not have the expected keys and types.
    #[error("{origin}:{line}:{column}: invalid link policy: {message}")]
    Parse {
        /// File name (or other origin) of the policy text.
        origin: String,
        /// 1-based line of the error.
        line: usize,
        /// 1-based column (in characters) of the error.
        column: usize,
        /// What the TOML parser reported.
        message: String,
    },
    /// One list entry is unusable (empty, contains spaces, ...).
    #[error("{origin}:{line}: invalid entry {entry:?} in `{list}`: {reason}")]
    Entry {
        /// File name (or other origin) of the policy text.
        origin: String,
        /// 1-based line of the entry.
        line: usize,
        /// Name of the list holding the entry.
        list: &'static str,
        /// The entry as written.
        entry: String,
        /// Why it was rejected.
        reason: &'static str,
    },
}

/// The top-level keys of a link-policy file (the fields of [`RawPolicy`]).
pub(crate) const POLICY_KEYS: [&str; 9] = [
    "official_domains",
    "brand_labels",
    "weak_brand_labels",
    "appeal_keywords",
    "protected_labels",
    "lookalike_exempt",
    "shorteners",
    "risky_tlds",
    "download_extensions",
];

/// The policy as written, with spans, so that entry errors can name a line.
#[derive(Deserialize)]
#[serde(default, deny_unknown_fields)]
#[derive(Default)]
struct RawPolicy {
    official_domains: Vec<Spanned<String>>,
    brand_labels: Vec<Spanned<String>>,
    weak_brand_labels: Vec<Spanned<String>>,
    appeal_keywords: Vec<Spanned<String>>,
    protected_labels: Vec<Spanned<String>>,
    lookalike_exempt: Vec<Spanned<String>>,
    shorteners: Vec<Spanned<String>>,
    risky_tlds: Vec<Spanned<String>>,
    download_extensions: Vec<Spanned<String>>,
}

/// 1-based line and column (in characters) of a byte offset in `src`.
pub(crate) fn line_col(src: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(src.len());
    while !src.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &src[..offset];
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

impl LinkPolicyError {
    /// The 1-based line the error is on.
    pub fn line(&self) -> usize {
        match self {
            LinkPolicyError::Parse { line, .. } | LinkPolicyError::Entry { line, .. } => *line,
        }
    }

    /// What is wrong, without the file and line.
    pub fn detail(&self) -> String {
        match self {
            LinkPolicyError::Parse { message, .. } => format!("invalid link policy: {message}"),
            LinkPolicyError::Entry {
                list,
                entry,
                reason,
                ..
            } => format!("invalid entry {entry:?} in `{list}`: {reason}"),
        }
    }
}

impl LinkPolicy {
    /// The built-in policy compiled from `rules/links.toml`.
    ///
    /// The file is checked by the test suite, so this does not fail; should it
    /// ever fail to parse, an empty policy is returned rather than panicking.
    pub fn builtin() -> LinkPolicy {
        Self::from_toml_str(BUILTIN_TOML, BUILTIN_ORIGIN).unwrap_or_default()
    }

    /// Parses a policy from TOML text; `origin` (usually the file name) is used in
    /// error messages, which also give the line of the problem.
    pub fn from_toml_str(src: &str, origin: &str) -> Result<LinkPolicy, LinkPolicyError> {
        let raw: RawPolicy = toml::from_str(src).map_err(|e| {
            let (line, column) = e.span().map_or((1, 1), |s| line_col(src, s.start));
            LinkPolicyError::Parse {
                origin: origin.to_string(),
                line,
                column,
                message: e.message().trim().to_string(),
            }
        })?;
        let conv = |list: &'static str,
                    items: Vec<Spanned<String>>,
                    kind: EntryKind|
         -> Result<Vec<String>, LinkPolicyError> {
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                let span = item.span();
                let written = item.into_inner();
                match clean_entry(&written, kind) {
                    Ok(v) => {
                        if !out.contains(&v) {
                            out.push(v);
                        }
                    }
                    Err(reason) => {
                        return Err(LinkPolicyError::Entry {
                            origin: origin.to_string(),
                            line: line_col(src, span.start).0,
                            list,
                            entry: written,
                            reason,
                        })
                    }
                }
            }
            Ok(out)
        };
        Ok(LinkPolicy {
            official_domains: conv("official_domains", raw.official_domains, EntryKind::Domain)?,
            brand_labels: conv("brand_labels", raw.brand_labels, EntryKind::Word)?,
            weak_brand_labels: conv("weak_brand_labels", raw.weak_brand_labels, EntryKind::Word)?,
            appeal_keywords: conv("appeal_keywords", raw.appeal_keywords, EntryKind::Word)?,
            protected_labels: conv("protected_labels", raw.protected_labels, EntryKind::Word)?,
            lookalike_exempt: conv("lookalike_exempt", raw.lookalike_exempt, EntryKind::Domain)?,
            shorteners: conv("shorteners", raw.shorteners, EntryKind::Domain)?,
            risky_tlds: conv("risky_tlds", raw.risky_tlds, EntryKind::Word)?,
            download_extensions: conv(
                "download_extensions",
                raw.download_extensions,
                EntryKind::Word,
            )?,
        })
    }

    /// Adds the entries of `other` to this policy (user lists extend the built-in ones).
    pub fn extend(&mut self, other: LinkPolicy) {
        fn add(into: &mut Vec<String>, from: Vec<String>) {
            for v in from {
                if !into.contains(&v) {
                    into.push(v);
                }
            }
        }
        add(&mut self.official_domains, other.official_domains);
        add(&mut self.brand_labels, other.brand_labels);
        add(&mut self.weak_brand_labels, other.weak_brand_labels);
        add(&mut self.appeal_keywords, other.appeal_keywords);
        add(&mut self.protected_labels, other.protected_labels);
        add(&mut self.lookalike_exempt, other.lookalike_exempt);
        add(&mut self.shorteners, other.shorteners);
        add(&mut self.risky_tlds, other.risky_tlds);
        add(&mut self.download_extensions, other.download_extensions);
    }

    /// True when `host` (ASCII or Unicode, any case, optional trailing dot) is an
    /// official domain or a subdomain of one.
    pub fn is_official_host(&self, host: &str) -> bool {
        let host = host.trim_end_matches('.').to_lowercase();
        self.official_domains
            .iter()
            .any(|d| is_same_or_subdomain(&host, d))
    }
}

/// `host == domain` or `host` ends with `.domain`.
pub(crate) fn is_same_or_subdomain(host: &str, domain: &str) -> bool {
    host == domain
        || (host.len() > domain.len()
            && host.ends_with(domain)
            && host.as_bytes()[host.len() - domain.len() - 1] == b'.')
}

#[derive(Clone, Copy)]
enum EntryKind {
    /// A domain name: labels separated by dots.
    Domain,
    /// A single word or label (may be non-ASCII, e.g. 微信).
    Word,
}

fn clean_entry(written: &str, kind: EntryKind) -> Result<String, &'static str> {
    let v = written.trim().trim_start_matches('.').to_lowercase();
    if v.is_empty() {
        return Err("entry is empty");
    }
    if v.chars()
        .any(|c| c.is_whitespace() || c == '/' || c == ':' || c == '@')
    {
        return Err("entry must be a bare name without spaces, '/', ':' or '@'");
    }
    match kind {
        EntryKind::Domain => {
            if v.ends_with('.') || v.contains("..") {
                return Err("domain has an empty label");
            }
        }
        EntryKind::Word => {
            if v.contains('.') {
                return Err("entry must be a single label without dots");
            }
        }
    }
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_keys_are_the_fields_of_a_policy_file() {
        // serde names every accepted field when it refuses an unknown one.
        let Err(LinkPolicyError::Parse { message, .. }) =
            LinkPolicy::from_toml_str("not_a_list = []", "t")
        else {
            panic!("an unknown key must be refused");
        };
        let (_, expected) = message.split_once("expected one of ").expect(&message);
        let mut fields: Vec<&str> = expected.split(", ").map(|f| f.trim_matches('`')).collect();
        let mut keys = POLICY_KEYS.to_vec();
        fields.sort_unstable();
        keys.sort_unstable();
        assert_eq!(fields, keys);
    }

    #[test]
    fn builtin_parses() {
        let p = LinkPolicy::from_toml_str(BUILTIN_TOML, BUILTIN_ORIGIN).expect("builtin policy");
        assert!(p.official_domains.iter().any(|d| d == "weixin110.qq.com"));
        assert!(p.shorteners.iter().any(|d| d == "t.cn"));
        assert!(p.risky_tlds.iter().any(|d| d == "top"));
        assert!(p.download_extensions.iter().any(|d| d == "apk"));
        assert!(!p.brand_labels.is_empty() && !p.protected_labels.is_empty());
        assert_eq!(LinkPolicy::builtin(), p);
    }

    #[test]
    fn syntax_error_names_origin_and_line() {
        let src = "official_domains = [\"a.com\"]\n\nshorteners = [\"t.cn\",\n";
        let err = LinkPolicy::from_toml_str(src, "user.toml").unwrap_err();
        let msg = err.to_string();
        assert!(msg.starts_with("user.toml:"), "{msg}");
        match err {
            LinkPolicyError::Parse { line, .. } => assert!(line >= 3, "{msg}"),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn unknown_key_is_an_error() {
        let src = "official_domains = []\nshortners = [\"x.cn\"]\n";
        let err = LinkPolicy::from_toml_str(src, "user.toml").unwrap_err();
        let msg = err.to_string();
        assert!(msg.starts_with("user.toml:2:"), "{msg}");
        assert!(msg.contains("shortners"), "{msg}");
    }

    #[test]
    fn bad_entry_names_line_and_list() {
        let src = "official_domains = [\n  \"a.com\",\n  \"b .com\",\n]\n";
        let err = LinkPolicy::from_toml_str(src, "mine.toml").unwrap_err();
        let msg = err.to_string();
        assert!(msg.starts_with("mine.toml:3:"), "{msg}");
        assert!(msg.contains("official_domains"), "{msg}");
        let err = LinkPolicy::from_toml_str("risky_tlds = [\"\"]", "x.toml").unwrap_err();
        assert!(err.to_string().contains("empty"), "{err}");
    }

    #[test]
    fn entries_are_normalized_and_extend_dedups() {
        let mut p = LinkPolicy::from_toml_str(
            "official_domains = [\"Example.COM\", \".example.com\"]\nrisky_tlds = [\".TOP\"]",
            "t",
        )
        .unwrap();
        assert_eq!(p.official_domains, vec!["example.com"]);
        assert_eq!(p.risky_tlds, vec!["top"]);
        let other = LinkPolicy::from_toml_str(
            "official_domains = [\"example.com\", \"corp.example\"]",
            "u",
        )
        .unwrap();
        p.extend(other);
        assert_eq!(p.official_domains, vec!["example.com", "corp.example"]);
        assert!(p.is_official_host("A.Example.com."));
        assert!(!p.is_official_host("badexample.com"));
    }

    #[test]
    fn line_col_counts_chars() {
        assert_eq!(line_col("ab\n微信x", 9), (2, 3));
        assert_eq!(line_col("", 5), (1, 1));
    }
}
