//! Checks on one URL: host type, registrable domain, brand imitation, risk lists.

use std::collections::BTreeSet;
use std::hash::BuildHasherDefault;

use url::{Host, Url};

use super::confusable::{canonical, is_mixed_latin_confusable, osa_distance, osa_distance_with};
use super::extract::{normalize, normalize_is_identity};
use super::policy::is_same_or_subdomain;
use super::{LinkFeature, LinkPolicy, LinkReport, LinkVerdict};

/// Schemes that are written without `//`.
const OPAQUE_SCHEMES: &[&str] = &[
    "javascript",
    "vbscript",
    "data",
    "file",
    "mailto",
    "tel",
    "sms",
    "about",
    "blob",
];

/// Schemes that run code or embed a document instead of opening a site.
const SCRIPT_SCHEMES: &[&str] = &["javascript", "vbscript", "data"];

/// Schemes under which a host can be a web site.
const WEB_SCHEMES: &[&str] = &["http", "https", "ftp", "ws", "wss"];

/// Splits `s` into the URL to parse (with scheme) and the lower-case scheme.
fn with_scheme(s: &str) -> (String, String) {
    if let Some(colon) = s.find(':') {
        let scheme = &s[..colon];
        let valid = scheme
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
        let lower = scheme.to_ascii_lowercase();
        if valid && (s[colon + 1..].starts_with("//") || OPAQUE_SCHEMES.contains(&lower.as_str())) {
            return (s.to_string(), lower);
        }
    }
    if let Some(rest) = s.strip_prefix("//") {
        return (format!("http://{rest}"), "http".into());
    }
    (format!("http://{s}"), "http".into())
}

/// Decodes `%XX` escapes (lossy UTF-8).
fn percent_decode(s: &str) -> String {
    fn hex(c: u8) -> Option<u8> {
        (c as char).to_digit(16).map(|v| v as u8)
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                out.push(h * 16 + l);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Host names already analysed, for [`LinkPolicy::analyze_cached`].
#[derive(Debug, Default, Clone)]
pub struct DomainMemo {
    map: std::collections::HashMap<String, DomainFindings, BuildHasherDefault<HostHasher>>,
}

/// FxHash-style hasher for the memo's host names (a multiply and a rotate per
/// 8 bytes). SipHash cost more than the lookup it protects: ~1,600
/// instructions a link. Its flooding resistance is not needed here: the memo
/// holds at most [`DOMAIN_MEMO_CAPACITY`] hosts before it starts over, so even
/// hosts crafted to collide cost a bounded scan, never unbounded growth.
#[derive(Default, Clone, Copy)]
struct HostHasher(u64);

impl HostHasher {
    const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;

    #[inline]
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(Self::K);
    }
}

impl std::hash::Hasher for HostHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes(c.try_into().expect("8 bytes")));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut buf = [0u8; 8];
            buf[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(buf));
        }
    }

    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
}

impl DomainMemo {
    /// Forgets everything (call it when the policy changes).
    pub fn clear(&mut self) {
        self.map.clear();
    }
}

/// Hosts remembered before a memo starts over: bounds its memory.
const DOMAIN_MEMO_CAPACITY: usize = 8192;

#[derive(Debug, Clone)]
struct DomainFindings {
    unicode: String,
    registrable: Option<String>,
    features: BTreeSet<LinkFeature>,
    reasons: Vec<String>,
}

/// Collects features and reasons while analyzing.
struct Findings {
    features: BTreeSet<LinkFeature>,
    reasons: Vec<String>,
    /// The user part before '@' imitates a site name.
    userinfo_disguise: bool,
}

impl Findings {
    fn add(&mut self, f: LinkFeature, reason: String) {
        self.features.insert(f);
        self.reasons.push(reason);
    }
    fn has(&self, f: LinkFeature) -> bool {
        self.features.contains(&f)
    }
}

/// Byte positions where `needle` occurs in `hay` with a label or hyphen boundary
/// on both sides.
fn occurs_bounded(hay: &str, needle: &str) -> bool {
    let boundary = |c: Option<char>| !c.is_some_and(|c| c != '.' && c != '-' && c != '_');
    hay.match_indices(needle).any(|(i, _)| {
        boundary(hay[..i].chars().next_back()) && boundary(hay[i + needle.len()..].chars().next())
    })
}

impl LinkPolicy {
    /// Analyzes one URL as found in text (scheme optional; defanged or full-width
    /// forms are accepted). Never panics; an unparseable URL is reported as
    /// benign with the parse error as reason.
    pub fn analyze(&self, url: &str) -> LinkReport {
        self.analyze_inner(url, None, None)
    }

    /// [`LinkPolicy::analyze`] that remembers what it found per host name in
    /// `memo`, so a host seen before costs a map lookup instead of the
    /// public-suffix, brand and lookalike checks. A memo must only ever be
    /// used with one policy (and cleared if the policy changes).
    pub fn analyze_cached(&self, url: &str, memo: &mut DomainMemo) -> LinkReport {
        self.analyze_inner(url, Some(memo), None)
    }

    /// [`LinkPolicy::analyze_cached`] of a URL from `find_links_parsed`,
    /// reusing the parse made while finding it (`parsed`, when it is the
    /// parse of exactly the string this analysis would parse).
    pub(crate) fn analyze_found(
        &self,
        url: &str,
        parsed: Option<Url>,
        memo: &mut DomainMemo,
    ) -> LinkReport {
        self.analyze_inner(url, Some(memo), parsed)
    }

    fn analyze_inner(
        &self,
        url: &str,
        memo: Option<&mut DomainMemo>,
        parsed: Option<Url>,
    ) -> LinkReport {
        let raw = url;
        let url = url.trim();
        // Most URLs (all that find_links reports from plain text) are already
        // normalized: skip the copy then.
        let norm = if normalize_is_identity(url) {
            None
        } else {
            Some(normalize(url))
        };
        let (full, scheme) = with_scheme(norm.as_ref().map_or(url, |n| n.text.trim()));
        let mut f = Findings {
            features: BTreeSet::new(),
            reasons: Vec::new(),
            userinfo_disguise: false,
        };
        if norm.as_ref().is_some_and(|n| n.defanged) {
            f.add(
                LinkFeature::Defanged,
                "link is written defanged (hxxp, [.]), as in security warnings".into(),
            );
        }
        let mut host_out = None;
        let mut registrable = None;

        if SCRIPT_SCHEMES.contains(&scheme.as_str()) {
            f.add(
                LinkFeature::NonHttpScheme,
                format!("{scheme}: URL runs code or embeds a page instead of opening a web site"),
            );
            return self.finish(full, host_out, registrable, f);
        }
        // The finder's parse is reused only when it parsed this very string
        // (then Url::parse would return the same).
        let parsed = match parsed
            .filter(|_| norm.is_none() && full == raw)
            .map_or_else(|| Url::parse(&full), Ok)
        {
            Ok(u) => u,
            Err(e) => {
                f.reasons.push(format!("not a valid URL ({e})"));
                return self.finish(full, None, None, f);
            }
        };
        if scheme == "file" {
            f.add(
                LinkFeature::NonHttpScheme,
                "file: URL opens a local or network file".into(),
            );
        }
        let web = WEB_SCHEMES.contains(&scheme.as_str());

        match parsed.host() {
            None => {}
            Some(Host::Ipv4(ip)) => {
                let shown = ip.to_string();
                let raw = raw_host(&full);
                let how = if !raw.is_empty() && raw != shown {
                    format!(" (written as {raw}, a numeric form browsers accept)")
                } else {
                    String::new()
                };
                f.add(
                    LinkFeature::IpHost,
                    format!("host is the IP address {shown}{how}, not a domain name"),
                );
                host_out = Some(shown);
            }
            Some(Host::Ipv6(ip)) => {
                let shown = format!("[{ip}]");
                f.add(
                    LinkFeature::IpHost,
                    format!("host is the IPv6 address {shown}, not a domain name"),
                );
                host_out = Some(shown);
            }
            Some(Host::Domain(d)) if memo.is_some() && web => {
                let ascii = d.trim_end_matches('.').to_ascii_lowercase();
                let memo = memo.expect("checked above");
                if memo.map.len() >= DOMAIN_MEMO_CAPACITY {
                    memo.map.clear();
                }
                let entry = memo.map.entry(ascii).or_insert_with_key(|ascii| {
                    let (unicode, registrable) = self.names(ascii);
                    let mut g = Findings {
                        features: BTreeSet::new(),
                        reasons: Vec::new(),
                        userinfo_disguise: false,
                    };
                    self.check_domain(ascii, &unicode, registrable.as_deref(), &mut g);
                    DomainFindings {
                        unicode,
                        registrable,
                        features: g.features,
                        reasons: g.reasons,
                    }
                });
                f.features.extend(entry.features.iter().copied());
                f.reasons.extend(entry.reasons.iter().cloned());
                registrable = entry.registrable.clone();
                host_out = Some(entry.unicode.clone());
            }
            Some(Host::Domain(d)) => {
                let ascii = d.trim_end_matches('.').to_ascii_lowercase();
                let unicode = url::quirks::domain_to_unicode(&ascii);
                let unicode = if unicode.is_empty() {
                    ascii.clone()
                } else {
                    unicode
                };
                registrable = psl::domain(ascii.as_bytes())
                    .filter(|dom| dom.suffix().is_known())
                    .and_then(|dom| std::str::from_utf8(dom.as_bytes()).ok())
                    .map(str::to_string);
                if web {
                    self.check_domain(&ascii, &unicode, registrable.as_deref(), &mut f);
                }
                host_out = Some(unicode);
            }
        }

        // Userinfo: https://weixin110.qq.com@203.0.113.9/
        if !parsed.username().is_empty() || parsed.password().is_some() {
            let user = percent_decode(parsed.username()).to_lowercase();
            let host_shown = host_out.clone().unwrap_or_default();
            let domain_like = user.contains('.')
                && psl::suffix(user.trim_end_matches('.').as_bytes()).is_some_and(|s| s.is_known());
            let brandish = self
                .official_domains
                .iter()
                .any(|d| user.contains(d.as_str()))
                || self.brand_labels.iter().any(|b| occurs_bounded(&user, b));
            if domain_like || brandish {
                f.add(
                    LinkFeature::Userinfo,
                    format!(
                        "text before '@' ({user}) looks like a site name, but the browser goes to {host_shown}"
                    ),
                );
                f.userinfo_disguise = true;
            } else {
                f.add(
                    LinkFeature::Userinfo,
                    "URL carries a user name before '@' (credentials in a link)".into(),
                );
            }
        }

        // App packages.
        // Only a segment with a '.' (or a '%' that may decode to one) can
        // name a file type: most paths are skipped before decoding.
        if let Some(last) = parsed
            .path_segments()
            .and_then(|mut s| s.next_back())
            .filter(|last| last.contains(['.', '%']))
        {
            let last = percent_decode(last).to_lowercase();
            if let Some((_, ext)) = last.rsplit_once('.') {
                if self.download_extensions.iter().any(|e| e == ext) {
                    f.add(
                        LinkFeature::AppDownload,
                        format!("link downloads an installable file ({last})"),
                    );
                }
            }
        }
        self.finish(full, host_out, registrable, f)
    }

    /// The display (Unicode) form of an ASCII host and its registrable domain.
    fn names(&self, ascii: &str) -> (String, Option<String>) {
        let unicode = url::quirks::domain_to_unicode(ascii);
        let unicode = if unicode.is_empty() {
            ascii.to_string()
        } else {
            unicode
        };
        let registrable = psl::domain(ascii.as_bytes())
            .filter(|dom| dom.suffix().is_known())
            .and_then(|dom| std::str::from_utf8(dom.as_bytes()).ok())
            .map(str::to_string);
        (unicode, registrable)
    }

    /// Host checks for a domain name under a web scheme.
    fn check_domain(
        &self,
        ascii: &str,
        unicode: &str,
        registrable: Option<&str>,
        f: &mut Findings,
    ) {
        if let Some(d) = self
            .official_domains
            .iter()
            .find(|d| is_same_or_subdomain(ascii, d))
        {
            f.add(
                LinkFeature::Official,
                format!("host {unicode} belongs to the official domain {d}"),
            );
            return;
        }
        let owner = registrable.unwrap_or(ascii);
        if ascii.split('.').any(|l| l.starts_with("xn--")) {
            f.add(
                LinkFeature::Punycode,
                format!("host {ascii} is punycode; it displays as {unicode}"),
            );
        }
        let suffix = psl::suffix(ascii.as_bytes())
            .filter(|s| s.is_known())
            .and_then(|s| std::str::from_utf8(s.as_bytes()).ok())
            .unwrap_or("");
        if suffix.is_empty() {
            f.reasons
                .push(format!("host {unicode} has no known public suffix"));
        }
        let exempt = self
            .lookalike_exempt
            .iter()
            .any(|e| is_same_or_subdomain(ascii, e));

        // The labels left of the public suffix, decoded.
        let name_labels =
            ascii.split('.').count() - suffix.split('.').filter(|s| !s.is_empty()).count();
        let labels: Vec<String> = unicode
            .split('.')
            .take(name_labels)
            .map(str::to_lowercase)
            .collect();

        if !exempt {
            if let Some(d) = self
                .official_domains
                .iter()
                .find(|d| occurs_bounded(ascii, d))
            {
                f.add(
                    LinkFeature::BrandInForeignDomain,
                    format!(
                        "host {unicode} contains the official domain {d} but belongs to {owner}"
                    ),
                );
            }
            self.check_labels(&labels, unicode, owner, f);
        }
        for label in &labels {
            if is_mixed_latin_confusable(label) {
                f.add(
                    LinkFeature::MixedScript,
                    format!("host label {label} mixes Latin with Cyrillic or Greek letters"),
                );
                break;
            }
        }
        if let Some(s) = self
            .shorteners
            .iter()
            .find(|s| is_same_or_subdomain(ascii, s))
        {
            f.add(
                LinkFeature::Shortener,
                format!("{s} is a URL shortener: the real target is hidden"),
            );
        }
        let tld = suffix.rsplit('.').next().unwrap_or("");
        if !tld.is_empty() && self.risky_tlds.iter().any(|t| t == tld) {
            f.add(
                LinkFeature::RiskyTld,
                format!("top-level domain .{tld} is cheap and often used for scams"),
            );
        }
    }

    /// Brand, weak-brand, appeal-keyword and lookalike checks on host labels.
    fn check_labels(&self, labels: &[String], unicode: &str, owner: &str, f: &mut Findings) {
        let mut brand = None;
        let mut weak = None;
        let mut keyword = None;
        let mut lookalike: Option<(String, String, usize)> = None;
        for label in labels {
            let tokens: Vec<&str> = label.split(['-', '_']).filter(|t| !t.is_empty()).collect();
            for b in &self.brand_labels {
                let hit = if b.is_ascii() {
                    tokens.iter().any(|t| t == b) || (b.len() >= 5 && label.contains(b.as_str()))
                } else {
                    label.contains(b.as_str())
                };
                if hit && brand.is_none() {
                    brand = Some(b.clone());
                }
            }
            for w in &self.weak_brand_labels {
                let hit = tokens.iter().any(|t| {
                    *t == w
                        || t.strip_prefix(w.as_str())
                            .is_some_and(|rest| self.appeal_keywords.iter().any(|k| k == rest))
                });
                if hit && weak.is_none() {
                    weak = Some(w.clone());
                }
            }
            for k in &self.appeal_keywords {
                let hit =
                    tokens.iter().any(|t| t == k) || (k.len() >= 6 && label.contains(k.as_str()));
                if hit && keyword.is_none() {
                    keyword = Some(k.clone());
                }
            }
            if lookalike.is_none() {
                let joined: String = tokens.concat();
                let mut cands: Vec<(&str, bool)> = tokens.iter().map(|t| (*t, false)).collect();
                if tokens.len() > 1 {
                    // "we-chat": a protected label split by hyphens.
                    cands.push((&joined, true));
                }
                lookalike = self.find_lookalike(&cands);
            }
        }
        if let Some(b) = brand {
            f.add(
                LinkFeature::BrandInForeignDomain,
                format!("host {unicode} uses the brand name {b} but belongs to {owner}, not an official domain"),
            );
        }
        if let Some(w) = weak {
            f.add(
                LinkFeature::WeakBrand,
                format!("host {unicode} uses the WeChat abbreviation {w} but belongs to {owner}"),
            );
        }
        if let Some(k) = keyword {
            f.add(
                LinkFeature::AppealKeyword,
                format!("host {unicode} contains the appeal-scam word {k}"),
            );
        }
        if let Some((part, target, dist)) = lookalike {
            let how = if dist == 0 {
                "same letters after confusable/leetspeak folding".to_string()
            } else {
                format!("edit distance {dist}")
            };
            let part_note = if part == unicode {
                String::new()
            } else {
                format!(" ({part})")
            };
            f.add(
                LinkFeature::Lookalike,
                format!("host {unicode}{part_note} looks like official {target} ({how})"),
            );
        }
    }

    /// First candidate that looks like (but is not) a protected label; returns
    /// (candidate, protected label, plain edit distance or 0 when only the
    /// canonical forms meet). Candidates flagged `true` are hyphen-joined labels,
    /// which count even when they equal a protected label.
    fn find_lookalike(&self, cands: &[(&str, bool)]) -> Option<(String, String, usize)> {
        for &(cand, joined) in cands {
            if cand.chars().count() < 2 {
                continue;
            }
            let c_canon = canonical(cand);
            for p in &self.protected_labels {
                if cand == p && !joined {
                    continue;
                }
                let plen = p.chars().count();
                let p_canon = canonical(p);
                let limit = match plen {
                    0..=4 => 0,
                    5..=9 => 1,
                    _ => 2,
                };
                // Visually similar letters are already folded by `canonical`, so a
                // remaining substitution is a different letter: for short labels
                // (wxpay vs wbpay, weixin vs neixin) that is another word, not a
                // typo-squat. Allow it only from 7 letters on (tencent → tencemt).
                let sub_cost = if plen >= 7 { 1 } else { 2 };
                let close = c_canon == p_canon
                    || (limit > 0
                        && osa_distance_with(&c_canon, &p_canon, limit, sub_cost) <= limit);
                if close {
                    let plain = osa_distance(cand, p, 3);
                    let dist = if c_canon == p_canon && plain > 2 {
                        0
                    } else {
                        plain
                    };
                    return Some((cand.to_string(), p.clone(), dist));
                }
            }
        }
        None
    }

    fn finish(
        &self,
        url: String,
        host: Option<String>,
        registrable_domain: Option<String>,
        f: Findings,
    ) -> LinkReport {
        use LinkFeature as F;
        let userinfo_disguise = f.userinfo_disguise;
        let script = f.has(F::NonHttpScheme) && !url.to_ascii_lowercase().starts_with("file:");
        let verdict = if f.has(F::Official) {
            LinkVerdict::Official
        } else if f.has(F::BrandInForeignDomain)
            || f.has(F::Lookalike)
            || userinfo_disguise
            || script
            || (f.has(F::WeakBrand) && f.has(F::AppealKeyword))
        {
            LinkVerdict::Phishing
        } else if [
            F::IpHost,
            F::Userinfo,
            F::Shortener,
            F::RiskyTld,
            F::AppDownload,
            F::NonHttpScheme,
            F::MixedScript,
            F::WeakBrand,
            F::AppealKeyword,
        ]
        .iter()
        .any(|&x| f.has(x))
        {
            LinkVerdict::Suspicious
        } else {
            LinkVerdict::Benign
        };
        LinkReport {
            url,
            host,
            registrable_domain,
            verdict,
            features: f.features.into_iter().collect(),
            reasons: f.reasons,
        }
    }
}

/// The host as written in `full` (after `scheme://` and any `user@`).
fn raw_host(full: &str) -> String {
    let Some((_, rest)) = full.split_once("://") else {
        return String::new();
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit('@').next().unwrap_or("");
    host_port
        .split(':')
        .next()
        .unwrap_or("")
        .to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::super::{check_url, find_links, LinkFeature as F, LinkVerdict as V};
    use super::*;

    fn verdict(url: &str) -> V {
        check_url(url).verdict
    }

    #[track_caller]
    fn expect(url: &str, v: V, feats: &[F]) {
        let r = check_url(url);
        assert_eq!(r.verdict, v, "{url}: {r:#?}");
        for f in feats {
            assert!(r.has(*f), "{url} should have {f:?}: {r:#?}");
        }
        assert!(
            !r.reasons.is_empty() || v == V::Benign,
            "{url}: reasons missing"
        );
    }

    #[test]
    fn issue_examples() {
        expect(
            "https://weixin110.qq.com.appeal-center.top/form",
            V::Phishing,
            &[F::BrandInForeignDomain, F::RiskyTld],
        );
        expect("http://weixln110.com/jf", V::Phishing, &[F::Lookalike]);
        expect("weixin110。qq。com", V::Official, &[F::Official]);
        expect(
            "https://kf.qq.com@198.51.100.7/login",
            V::Phishing,
            &[F::Userinfo, F::IpHost],
        );
        expect("https://t.cn/A6abc", V::Suspicious, &[F::Shortener]);
        expect("https://www.taobao.com/", V::Benign, &[]);
        expect(
            "https://dldir1.qq.com/weixin/android/weixin8.apk",
            V::Official,
            &[F::Official, F::AppDownload],
        );
    }

    #[test]
    fn glued_chinese_link_is_flagged() {
        // "wx" alone is only a weak brand sign, but together with the appeal word
        // "jiefeng" (解封) in a foreign domain it is the scam itself: phishing.
        let links = find_links("点击www.wx-jiefeng.cn立即申诉");
        assert_eq!(links.len(), 1);
        assert_eq!(links[0].text, "www.wx-jiefeng.cn");
        let r = check_url(&links[0].url);
        assert_eq!(r.verdict, V::Phishing, "{r:#?}");
        assert!(r.has(F::WeakBrand) && r.has(F::AppealKeyword));
        expect("wx-shop.cn", V::Suspicious, &[F::WeakBrand]);
        expect("jiefeng-help.com", V::Suspicious, &[F::AppealKeyword]);
    }

    #[test]
    fn punycode_lookalike() {
        let ascii = url::quirks::domain_to_ascii("wеchat.com"); // Cyrillic е
        assert!(ascii.starts_with("xn--wchat-"), "{ascii}");
        let r = check_url(&format!("https://{ascii}/login"));
        assert_eq!(r.verdict, V::Phishing, "{r:#?}");
        assert!(r.has(F::Punycode) && r.has(F::MixedScript) && r.has(F::Lookalike));
        assert_eq!(r.host.as_deref(), Some("wеchat.com"));
        // The same host written in Unicode.
        expect(
            "https://wеchat.com/login",
            V::Phishing,
            &[F::Lookalike, F::MixedScript],
        );
        // Whole-script Cyrillic lookalike.
        expect("https://wесhаt.com/", V::Phishing, &[F::Lookalike]);
    }

    #[test]
    fn official_is_never_flagged() {
        for u in [
            "https://mp.weixin.qq.com/s/AbCdEf123",
            "https://a.b.c.d.long-sub.qq.com/x/y?z=1",
            "https://kf.qq.com/faq/120911VrYVrA.html",
            "https://weixin110.qq.com/",
            "weixin110.qq.com/cgi-bin/readtemplate?t=w_safe",
            "https://pay.weixin.qq.com/index.php",
            "https://wechat.com",
            "https://www.wechat.com/en/",
            "http://WEIXIN.QQ.COM./",
            "https://evil.com@weixin110.qq.com/",
            "https://dldir1.qq.com/weixin/Windows/WeChatSetup.exe",
            "https://www.tencent.com/zh-cn/",
        ] {
            expect(u, V::Official, &[F::Official]);
        }
    }

    #[test]
    fn brand_in_foreign_domain() {
        for u in [
            "qq.com-limit.top",
            "https://wechat-pay.xyz/",
            "kf-qq.top/login",
            "https://weixin.qq.com.cn.verify.site/",
            "https://mywechatpay.com/",
            "https://微信安全中心.com/解封",
            "https://tencent-support.net/",
        ] {
            expect(u, V::Phishing, &[F::BrandInForeignDomain]);
        }
        // "qq" inside a word is not the brand.
        expect("https://www.qqq-games.com/", V::Benign, &[]);
        expect("https://www.squqqa.com/", V::Benign, &[]);
    }

    #[test]
    fn lookalikes() {
        for u in [
            "we1xin.com",
            "http://weixln.net",
            "https://tencnet.com/",
            "https://vvechat.com/",
            "http://weixin11O.com/",
            "https://wexin.cn/",
            "https://my.we-chat.info/",
        ] {
            expect(u, V::Phishing, &[F::Lookalike]);
        }
        let r = check_url("http://weixln110.com/jf");
        assert!(
            r.reasons
                .iter()
                .any(|s| s.contains("looks like official weixin110")
                    && s.contains("edit distance 1")),
            "{r:#?}"
        );
    }

    #[test]
    fn ip_hosts() {
        expect("http://0x7f.1/", V::Suspicious, &[F::IpHost]);
        let r = check_url("http://2130706433/");
        assert!(r.reasons[0].contains("written as 2130706433"), "{r:#?}");
        expect("http://[::1]:8080/", V::Suspicious, &[F::IpHost]);
        expect("http://198.51.100.7/login", V::Suspicious, &[F::IpHost]);
        expect(
            "https://weixin110.qq.com@203.0.113.9/",
            V::Phishing,
            &[F::Userinfo],
        );
        expect(
            "https://user:pw@example.com/",
            V::Suspicious,
            &[F::Userinfo],
        );
    }

    #[test]
    fn other_risks() {
        expect(
            "javascript:alert(document.cookie)",
            V::Phishing,
            &[F::NonHttpScheme],
        );
        expect(
            "data:text/html;base64,PHNjcmlwdD4=",
            V::Phishing,
            &[F::NonHttpScheme],
        );
        expect(
            "file:///C:/Windows/x.exe",
            V::Suspicious,
            &[F::NonHttpScheme],
        );
        expect(
            "https://example.com/app/v2.APK",
            V::Suspicious,
            &[F::AppDownload],
        );
        expect(
            "https://cdn.example.com/setup%2Eexe",
            V::Suspicious,
            &[F::AppDownload],
        );
        expect("https://bit.ly/3abc", V::Suspicious, &[F::Shortener]);
        expect("https://somesite.xyz/", V::Suspicious, &[F::RiskyTld]);
        expect("hxxps://example[.]com/", V::Benign, &[F::Defanged]);
        expect("https://xn--wxtr44c.com/", V::Benign, &[F::Punycode]);
    }

    #[test]
    fn popular_sites_are_benign() {
        for u in [
            "https://www.baidu.com/s?wd=x",
            "https://github.com/rust-lang/rust",
            "https://www.google.com/",
            "https://www.wikipedia.org/",
            "https://foo.github.io/",
            "https://www.bilibili.com/video/BV1",
            "https://weibo.com/",
            "https://www.alipay.com/",
            // One different letter in a short label is another word, not a squat.
            "https://wbpay.ru/",
            "http://neixin.cn/",
            // Tencent Cloud customer content: exempt, but not official.
            "https://x.tencentcos.cn/a",
        ] {
            expect(u, V::Benign, &[]);
        }
    }

    #[test]
    fn never_panics_on_garbage() {
        for u in [
            "",
            " ",
            "://",
            "http://",
            "http://[",
            "a@b@c",
            "%",
            "%zz",
            "http://%41.com",
            "javascript:",
            "data:",
            "xn--",
            "http://xn--.com",
            "....",
            "http://.",
            "ｈｔｔｐ：／／",
            "http://a..b.com",
            "http://-.com",
            "💥",
            "weixin点",
            "[.]",
        ] {
            let _ = check_url(u);
        }
        assert_eq!(verdict("not a url at all"), V::Benign);
    }

    #[test]
    fn reusing_the_finders_parse_gives_the_same_reports() {
        let policy = LinkPolicy::builtin();
        let (mut a, mut b) = (DomainMemo::default(), DomainMemo::default());
        for t in [
            "点击https://weixin110.qq.com.appeal-center.top/form立即申诉",
            "hxxps://evil[.]com/login and ｗｘ－ｊｉｅｆｅｎｇ．ｃｎ",
            "go https://wеchat.com/x now, www.x.com, 10.1.2.3:8080/admin",
            "链接：https://weixin110.qq.com@203.0.113.9/，快 javascript:alert(1)",
            "x http://0x7f.1/ y http://[::1]:443/a ftp://files.example.org/app.apk",
            "打开 weixin。qq。com 申诉 https://微信安全中心.com/解封",
        ] {
            for (l, parsed) in super::super::extract::find_links_parsed(t) {
                let reused = policy.analyze_found(&l.url, parsed, &mut a);
                let plain = policy.analyze_cached(&l.url, &mut b);
                assert_eq!(
                    serde_json::to_value(&reused).unwrap(),
                    serde_json::to_value(&plain).unwrap(),
                    "{t}"
                );
            }
        }
    }

    #[test]
    fn percent_decode_works() {
        assert_eq!(percent_decode("a%2Eb%zz%"), "a.b%zz%");
        assert_eq!(percent_decode("%E5%BE%AE"), "微");
    }

    #[test]
    fn user_policy_extends() {
        let mut p = LinkPolicy::builtin();
        assert_ne!(p.analyze("https://corp.example/").verdict, V::Official);
        p.extend(
            LinkPolicy::from_toml_str(
                "official_domains = [\"corp.example\"]\nshorteners = [\"sho.rt\"]",
                "user.toml",
            )
            .unwrap(),
        );
        assert_eq!(p.analyze("https://a.corp.example/").verdict, V::Official);
    }
}
