//! Classifying many messages at once, in parallel.
//!
//! [`Engine::classify_batch`] classifies a finite collection of messages
//! on rayon's thread pool and returns the verdicts in input order. For an
//! unbounded stream (a file of unknown size, a socket) use
//! [`scan::par_map_ordered`], which keeps
//! only a few batches in memory.

use rayon::prelude::*;

use crate::engine::Engine;
use crate::verdict::Verdict;

/// Below this many messages a batch is classified on the calling thread:
/// handing work to other threads costs more than it saves.
const MIN_PARALLEL: usize = 64;

impl Engine {
    /// Classifies every message of `texts`, in parallel, and returns one
    /// verdict per message, in input order.
    ///
    /// `texts` can yield anything that derefs to a string: `&str`,
    /// `String`, `&String`, `Box<str>`, `Cow<str>`... The messages are
    /// collected first, then classified on rayon's current thread pool
    /// (the global pool, one thread per CPU, unless called inside
    /// [`rayon::ThreadPool::install`]). The result is exactly what calling
    /// [`classify`](Engine::classify) on each message in turn would give.
    ///
    /// ```
    /// use fanzha::{Engine, Label};
    ///
    /// let engine = Engine::builtin();
    /// let inbox = ["晚上一起吃饭吗？", "把你刚收到的验证码发我", "明天见"];
    /// let verdicts = engine.classify_batch(inbox);
    /// let labels: Vec<Label> = verdicts.iter().map(|v| v.label).collect();
    /// assert_eq!(labels, [Label::Clean, Label::Scam, Label::Clean]);
    ///
    /// // Owned strings work too, e.g. lines read from a file.
    /// let lines: Vec<String> = vec!["hello".into(), "解封微信 加V".into()];
    /// assert_eq!(engine.classify_batch(&lines).len(), 2);
    /// ```
    pub fn classify_batch<I>(&self, texts: I) -> Vec<Verdict>
    where
        I: IntoIterator,
        I::Item: AsRef<str> + Send,
    {
        let texts: Vec<I::Item> = texts.into_iter().collect();
        if texts.len() < MIN_PARALLEL {
            return texts.iter().map(|t| self.classify(t.as_ref())).collect();
        }
        texts
            .into_par_iter()
            .with_min_len(16)
            .map(|t| self.classify(t.as_ref()))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batch_matches_one_by_one_and_keeps_order() {
        let engine = Engine::builtin();
        let texts: Vec<String> = (0..500)
            .map(|i| match i % 3 {
                0 => format!("第{i}条：晚上吃什么"),
                1 => format!("专业解封微信{i}，加V：abc{i}，收费500元"),
                _ => format!("把你刚收到的验证码发我 {i}"),
            })
            .collect();
        let batch = engine.classify_batch(&texts);
        assert_eq!(batch.len(), texts.len());
        for (t, v) in texts.iter().zip(&batch) {
            let one = engine.classify(t);
            assert_eq!(v.label, one.label, "{t}");
            assert_eq!(v.hits, one.hits, "{t}");
        }
        assert!(engine.classify_batch(Vec::<&str>::new()).is_empty());
    }
}
