//! Link extraction and offline link checks (placeholder until the links
//! module lands; same public API).
#![allow(missing_docs, dead_code)]

use std::ops::Range;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FoundLink {
    pub span: Range<usize>,
    pub text: String,
    pub url: String,
}

pub fn might_contain_link(text: &str) -> bool {
    text.contains('.') || text.contains("://")
}

pub fn find_links(_text: &str) -> Vec<FoundLink> {
    Vec::new()
}

#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct LinkPolicy {}

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct LinkPolicyError(String);

impl LinkPolicy {
    pub fn builtin() -> LinkPolicy {
        LinkPolicy {}
    }
    pub fn from_toml_str(_src: &str, _origin: &str) -> Result<LinkPolicy, LinkPolicyError> {
        Ok(LinkPolicy {})
    }
    pub fn extend(&mut self, _other: LinkPolicy) {}
    pub fn analyze(&self, url: &str) -> LinkReport {
        LinkReport {
            url: url.to_string(),
            host: None,
            registrable_domain: None,
            verdict: LinkVerdict::Benign,
            features: Vec::new(),
            reasons: Vec::new(),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkVerdict {
    Official,
    Benign,
    Suspicious,
    Phishing,
}

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum LinkFeature {
    Official,
    BrandInForeignDomain,
    Lookalike,
    IpHost,
    Userinfo,
    Shortener,
    RiskyTld,
    AppDownload,
    NonHttpScheme,
    MixedScript,
    Punycode,
}

impl LinkFeature {
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
    ];
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
        }
    }
    pub fn from_name(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|f| f.name() == s)
    }
}

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct LinkReport {
    pub url: String,
    pub host: Option<String>,
    pub registrable_domain: Option<String>,
    pub verdict: LinkVerdict,
    pub features: Vec<LinkFeature>,
    pub reasons: Vec<String>,
}
