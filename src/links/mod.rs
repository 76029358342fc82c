//! Links: offline extraction of URLs from chat text and checks against a policy.
//!
//! ```
//! use fanzha::links::{find_links, LinkPolicy, LinkVerdict};
//!
//! let policy = LinkPolicy::builtin();
//! let links = find_links("点击https://weixin110.qq.com.appeal-center.top/form立即申诉");
//! assert_eq!(links.len(), 1);
//! let report = policy.analyze(&links[0].url);
//! assert_eq!(report.verdict, LinkVerdict::Phishing);
//! ```
//!
//! Nothing here touches the network: the public suffix list is compiled in
//! (`psl`), and the lists of official domains, shorteners, risky TLDs and so on
//! come from `rules/links.toml` (see [`LinkPolicy`]).

mod analyze;
mod confusable;
mod extract;
mod policy;

pub use analyze::DomainMemo;
pub(crate) use extract::find_links_parsed;
pub(crate) use extract::trigger_at;
pub use extract::{find_links, might_contain_link, FoundLink};
pub(crate) use policy::POLICY_KEYS;
pub use policy::{LinkPolicy, LinkPolicyError};

use std::sync::OnceLock;

/// Overall judgement of one link.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkVerdict {
    /// The host belongs to an official (allow-listed) domain.
    Official,
    /// Nothing suspicious found.
    Benign,
    /// A risk signal (IP host, shortener, risky TLD, app download...) without
    /// evidence of imitation.
    Suspicious,
    /// Imitates an official site or hides its real target (brand in a foreign
    /// domain, lookalike host, userinfo trick, script URL).
    Phishing,
}

impl LinkVerdict {
    /// snake_case name, as serialized.
    pub fn name(&self) -> &'static str {
        match self {
            LinkVerdict::Official => "official",
            LinkVerdict::Benign => "benign",
            LinkVerdict::Suspicious => "suspicious",
            LinkVerdict::Phishing => "phishing",
        }
    }
}

/// One fact found about a link. Features are facts; the verdict weighs them.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum LinkFeature {
    /// The host is an official domain or below one.
    Official,
    /// A brand name or official domain appears inside a non-official host.
    BrandInForeignDomain,
    /// A host label looks like a protected label (typo, leetspeak, confusable letters).
    Lookalike,
    /// The host is an IP address (in any notation browsers accept).
    IpHost,
    /// The URL has a `user@` part before the host.
    Userinfo,
    /// The host is a URL shortener.
    Shortener,
    /// The top-level domain is cheap and often abused.
    RiskyTld,
    /// The path ends in an installable or executable package (.apk, .exe...).
    AppDownload,
    /// The scheme is `javascript:`, `data:`, `vbscript:` or `file:`.
    NonHttpScheme,
    /// A host label mixes Latin with Cyrillic or Greek letters.
    MixedScript,
    /// The host has punycode (`xn--`) labels.
    Punycode,
    /// A generic WeChat abbreviation (wx, vx) is part of a non-official host.
    WeakBrand,
    /// An appeal-scam word (jiefeng, shensu, appeal...) is part of the host.
    AppealKeyword,
    /// The link was written defanged (hxxp, `[.]`): informational only.
    Defanged,
}

impl LinkFeature {
    /// Every feature, in declaration order.
    pub const ALL: &'static [LinkFeature] = &[
        LinkFeature::Official,
        LinkFeature::BrandInForeignDomain,
        LinkFeature::Lookalike,
        LinkFeature::IpHost,
        LinkFeature::Userinfo,
        LinkFeature::Shortener,
        LinkFeature::RiskyTld,
        LinkFeature::AppDownload,
        LinkFeature::NonHttpScheme,
        LinkFeature::MixedScript,
        LinkFeature::Punycode,
        LinkFeature::WeakBrand,
        LinkFeature::AppealKeyword,
        LinkFeature::Defanged,
    ];

    /// snake_case name, as serialized and as used in rule files.
    pub fn name(self) -> &'static str {
        match self {
            LinkFeature::Official => "official",
            LinkFeature::BrandInForeignDomain => "brand_in_foreign_domain",
            LinkFeature::Lookalike => "lookalike",
            LinkFeature::IpHost => "ip_host",
            LinkFeature::Userinfo => "userinfo",
            LinkFeature::Shortener => "shortener",
            LinkFeature::RiskyTld => "risky_tld",
            LinkFeature::AppDownload => "app_download",
            LinkFeature::NonHttpScheme => "non_http_scheme",
            LinkFeature::MixedScript => "mixed_script",
            LinkFeature::Punycode => "punycode",
            LinkFeature::WeakBrand => "weak_brand",
            LinkFeature::AppealKeyword => "appeal_keyword",
            LinkFeature::Defanged => "defanged",
        }
    }

    /// The feature with this snake_case name, if any.
    pub fn from_name(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|f| f.name() == s)
    }
}

/// What the checker found about one URL.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct LinkReport {
    /// The URL as analyzed: normalized (defanging and full-width folding undone),
    /// with `http://` added when it had no scheme.
    pub url: String,
    /// The host, punycode decoded to Unicode; `None` for script URLs or parse errors.
    pub host: Option<String>,
    /// Registrable domain (eTLD+1) of the host from the public suffix list, ASCII.
    pub registrable_domain: Option<String>,
    /// The overall judgement.
    pub verdict: LinkVerdict,
    /// Features found, sorted, without duplicates.
    pub features: Vec<LinkFeature>,
    /// Short English explanations, one per finding.
    pub reasons: Vec<String>,
}

impl LinkReport {
    /// True when the report has `feature`.
    pub fn has(&self, feature: LinkFeature) -> bool {
        self.features.contains(&feature)
    }
}

/// The built-in policy, built once and shared.
pub fn builtin_policy() -> &'static LinkPolicy {
    static POLICY: OnceLock<LinkPolicy> = OnceLock::new();
    POLICY.get_or_init(LinkPolicy::builtin)
}

/// Analyzes `url` with the built-in policy (convenience for [`LinkPolicy::analyze`]).
pub fn check_url(url: &str) -> LinkReport {
    builtin_policy().analyze(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feature_names_round_trip() {
        for &f in LinkFeature::ALL {
            assert_eq!(LinkFeature::from_name(f.name()), Some(f));
            let json = serde_json::to_string(&f).unwrap();
            assert_eq!(json, format!("\"{}\"", f.name()));
        }
        assert_eq!(LinkFeature::from_name("nope"), None);
        assert_eq!(
            serde_json::to_string(&LinkVerdict::Phishing).unwrap(),
            "\"phishing\""
        );
    }
}
