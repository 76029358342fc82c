//! Scams that unfold over several messages of one chat.
//!
//! A scammer rarely puts everything in one message: an offer (解封, 内部渠道),
//! then a price, then "send me the code". Each message alone may stay below
//! the scam threshold. [`ConversationTracker`] keeps, per chat (or per sender
//! when the format has no chat), a sliding window of the evidence of recent
//! messages and raises a [`ConversationAlert`] when the evidence of the window,
//! counted once per category, reaches the threshold although no single message
//! did.
//!
//! * Window: the last [`ConversationOptions::window_messages`] messages of the
//!   chat, and, when times parse (`YYYY-MM-DD HH:MM…`), only those within
//!   [`ConversationOptions::window_minutes`] of the newest.
//! * Evidence: the non-dampened hits of every message, even clean or
//!   suspicious ones. Per category the highest score counts; the sum over
//!   categories is compared with the threshold. At least two messages must
//!   contribute.
//! * A message labelled scam empties its chat's window (it is reported on its
//!   own); so does an alert, so one episode gives one alert.
//! * Memory: only chats with evidence in their window are tracked, at most
//!   [`ConversationOptions::max_chats`] of them; the least recently active
//!   are forgotten first.
//!
//! ```
//! use fanzha::conversation::{ConversationOptions, ConversationTracker, Evidence, Observed};
//! use fanzha::Label;
//! let mut t = ConversationTracker::new(ConversationOptions { threshold: 7.0, ..Default::default() });
//! let msg = |line, category: &str| Observed {
//!     source: "chat.txt".into(), line, record: line, sender: Some("x".into()), time: None,
//!     label: Label::Clean, score: 4.0,
//!     evidence: vec![Evidence { category: category.into(), rule: format!("{category}.r"), score: 4.0 }],
//! };
//! assert!(t.observe("chat", msg(1, "offer")).is_none());
//! t.tick("chat"); // a message without evidence
//! let alert = t.observe("chat", msg(3, "fee")).unwrap();
//! assert_eq!(alert.score, 8.0);
//! assert_eq!(alert.messages.len(), 2);
//! ```

use std::collections::{HashMap, VecDeque};

use serde::Serialize;

use crate::Label;

/// How conversations are tracked.
#[derive(Clone, Debug)]
pub struct ConversationOptions {
    /// Messages of one chat that a window spans (default 20).
    pub window_messages: usize,
    /// When times parse, evidence older than this many minutes than the newest
    /// message of the chat leaves the window (default 60).
    pub window_minutes: i64,
    /// Chats tracked at most (default 10,000).
    pub max_chats: usize,
    /// Summed evidence at and above which a conversation is a scam.
    pub threshold: f64,
}

impl Default for ConversationOptions {
    fn default() -> Self {
        ConversationOptions {
            window_messages: 20,
            window_minutes: 60,
            max_chats: 10_000,
            threshold: crate::engine::DEFAULT_SCAM_THRESHOLD,
        }
    }
}

/// One rule hit of a message, as evidence.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Evidence {
    /// The rule's category.
    pub category: String,
    /// The rule id.
    pub rule: String,
    /// The hit's score.
    pub score: f64,
}

/// A message with evidence, as the tracker keeps it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Observed {
    /// Where it came from.
    pub source: String,
    /// 1-based line in the source.
    pub line: u64,
    /// 1-based record number in the source.
    pub record: u64,
    /// Who sent it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sender: Option<String>,
    /// When, as written in the source.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time: Option<String>,
    /// The message's own label.
    pub label: Label,
    /// The message's own score.
    pub score: f64,
    /// Its non-dampened hits.
    pub evidence: Vec<Evidence>,
}

/// A chat where a scam unfolds over several messages.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ConversationAlert {
    /// The chat (or sender) name.
    pub chat: String,
    /// Summed evidence: the highest score per category, added up.
    pub score: f64,
    /// The categories that contributed, highest first.
    pub categories: Vec<String>,
    /// The rules that contributed, in message order.
    pub rules: Vec<String>,
    /// The messages in the window that carried evidence, in input order.
    pub messages: Vec<Observed>,
}

#[derive(Debug, Default)]
struct ChatState {
    /// Messages of this chat seen since it is tracked.
    seen: u64,
    last_active: u64,
    /// (message number in this chat, minutes if the time parsed, the message)
    window: VecDeque<(u64, Option<i64>, Observed)>,
}

/// Keeps per-chat windows of evidence; feed it every message of a chat in
/// input order: [`observe`](Self::observe) those with hits, [`tick`](Self::tick)
/// the others.
#[derive(Debug)]
pub struct ConversationTracker {
    opts: ConversationOptions,
    chats: HashMap<String, ChatState>,
    clock: u64,
    alerts: u64,
}

impl ConversationTracker {
    /// A tracker with these options.
    pub fn new(opts: ConversationOptions) -> ConversationTracker {
        ConversationTracker {
            opts,
            chats: HashMap::new(),
            clock: 0,
            alerts: 0,
        }
    }

    /// Alerts raised so far.
    pub fn alerts(&self) -> u64 {
        self.alerts
    }

    /// Chats currently tracked.
    pub fn tracked_chats(&self) -> usize {
        self.chats.len()
    }

    /// A message of `chat` without evidence: it only moves the window on.
    pub fn tick(&mut self, chat: &str) {
        let Some(state) = self.chats.get_mut(chat) else {
            return;
        };
        state.seen += 1;
        let oldest = state
            .seen
            .saturating_sub(self.opts.window_messages.max(1) as u64);
        while state.window.front().is_some_and(|(n, _, _)| *n <= oldest) {
            state.window.pop_front();
        }
        if state.window.is_empty() {
            self.chats.remove(chat);
        }
    }

    /// A message of `chat` with evidence (hits). Returns an alert when the
    /// window now makes a scam although no single message of it is one.
    pub fn observe(&mut self, chat: &str, msg: Observed) -> Option<ConversationAlert> {
        self.clock += 1;
        if msg.label == Label::Scam {
            // Reported on its own; the episode starts afresh.
            self.chats.remove(chat);
            return None;
        }
        if msg.evidence.is_empty() {
            self.tick(chat);
            return None;
        }
        if !self.chats.contains_key(chat) {
            self.evict_if_full();
        }
        let state = self.chats.entry(chat.to_string()).or_default();
        state.seen += 1;
        state.last_active = self.clock;
        let now = msg.time.as_deref().and_then(parse_minutes);
        state.window.push_back((state.seen, now, msg));
        let oldest = state
            .seen
            .saturating_sub(self.opts.window_messages.max(1) as u64);
        let horizon = now.map(|t| t - self.opts.window_minutes);
        state.window.retain(|(n, t, _)| {
            *n > oldest
                && match (horizon, t) {
                    (Some(h), Some(t)) => *t >= h,
                    _ => true,
                }
        });

        // Highest score per category, summed.
        let mut best: Vec<(&str, f64)> = Vec::new();
        for (_, _, m) in &state.window {
            for e in &m.evidence {
                match best.iter_mut().find(|(c, _)| *c == e.category) {
                    Some((_, s)) => *s = s.max(e.score),
                    None => best.push((&e.category, e.score)),
                }
            }
        }
        let score: f64 = best.iter().map(|(_, s)| s).sum();
        if state.window.len() < 2 || score < self.opts.threshold {
            return None;
        }
        best.sort_by(|a, b| b.1.total_cmp(&a.1));
        let categories = best.iter().map(|(c, _)| c.to_string()).collect();
        let messages: Vec<Observed> = std::mem::take(&mut state.window)
            .into_iter()
            .map(|(_, _, m)| m)
            .collect();
        self.chats.remove(chat);
        let mut rules: Vec<String> = Vec::new();
        for e in messages.iter().flat_map(|m| &m.evidence) {
            if !rules.contains(&e.rule) {
                rules.push(e.rule.clone());
            }
        }
        self.alerts += 1;
        Some(ConversationAlert {
            chat: chat.to_string(),
            score,
            categories,
            rules,
            messages,
        })
    }

    /// Forgets the least recently active tenth of the chats when full.
    fn evict_if_full(&mut self) {
        let max = self.opts.max_chats.max(1);
        if self.chats.len() < max {
            return;
        }
        let mut ages: Vec<u64> = self.chats.values().map(|s| s.last_active).collect();
        ages.sort_unstable();
        let cut = ages[(max / 10).min(ages.len() - 1)];
        self.chats.retain(|_, s| s.last_active > cut);
    }
}

/// Minutes since 0000-03-01 of a `YYYY-MM-DD[T ]HH:MM…` time (naive; any
/// offset or seconds are ignored). `None` for other layouts.
pub fn parse_minutes(s: &str) -> Option<i64> {
    let b = s.trim().as_bytes();
    if b.len() < 16
        || b[4] != b'-'
        || b[7] != b'-'
        || !matches!(b[10], b'T' | b' ')
        || b[13] != b':'
    {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let t = std::str::from_utf8(&b[r]).ok()?;
        t.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| t.parse().ok())?
    };
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, min) = (num(11..13)?, num(14..16)?);
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) || h > 23 || min > 59 {
        return None;
    }
    // Days from civil (H. Hinnant), shifted so that March is month 0.
    let (y, m) = if m <= 2 { (y - 1, m + 9) } else { (y, m - 3) };
    let days = 365 * y + y / 4 - y / 100 + y / 400 + (153 * m + 2) / 5 + d - 1;
    Some(days * 1440 + h * 60 + min)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obs(line: u64, time: Option<&str>, cat: &str, score: f64) -> Observed {
        Observed {
            source: "s".into(),
            line,
            record: line,
            sender: None,
            time: time.map(str::to_string),
            label: Label::Clean,
            score,
            evidence: vec![Evidence {
                category: cat.into(),
                rule: format!("{cat}.r"),
                score,
            }],
        }
    }

    fn tracker() -> ConversationTracker {
        ConversationTracker::new(ConversationOptions {
            threshold: 7.0,
            ..Default::default()
        })
    }

    #[test]
    fn one_category_repeated_does_not_add_up() {
        let mut t = tracker();
        for i in 0..10 {
            assert!(t.observe("c", obs(i, None, "offer", 5.0)).is_none());
        }
    }

    #[test]
    fn evidence_leaves_the_window_by_count_and_time() {
        let mut t = tracker();
        t.observe("c", obs(1, None, "offer", 4.0));
        for _ in 0..20 {
            t.tick("c");
        }
        assert_eq!(t.tracked_chats(), 0);
        assert!(t.observe("c", obs(30, None, "fee", 4.0)).is_none());

        let mut t = tracker();
        t.observe("c", obs(1, Some("2024-03-01 10:00:00"), "offer", 4.0));
        assert!(t
            .observe("c", obs(2, Some("2024-03-01 11:30:00"), "fee", 4.0))
            .is_none());
        assert!(t
            .observe("c", obs(3, Some("2024-03-01T11:40:00+08:00"), "code", 4.0))
            .is_some());
    }

    #[test]
    fn chats_are_separate_and_bounded() {
        let mut t = ConversationTracker::new(ConversationOptions {
            threshold: 7.0,
            max_chats: 100,
            ..Default::default()
        });
        for i in 0..1000 {
            assert!(t
                .observe(&format!("c{i}"), obs(i, None, "offer", 4.0))
                .is_none());
            assert!(t.tracked_chats() <= 100);
        }
    }

    #[test]
    fn minutes_parse() {
        assert_eq!(
            parse_minutes("2024-03-01 00:01").unwrap() - parse_minutes("2024-02-29 23:59").unwrap(),
            2
        );
        assert!(parse_minutes("12/31/23, 9:41 PM").is_none());
    }
}
