//! Swapping in new rules while messages are being classified.
//!
//! An [`Engine`] is immutable. To change the rules of a long-running
//! service, build a new engine and swap it in with a [`ReloadableEngine`]:
//!
//! * readers take a snapshot ([`ReloadableEngine::load`], an `Arc<Engine>`)
//!   and classify with it, outside any lock;
//! * a reload compiles the new rules first, outside any lock, and only then
//!   replaces the pointer. A broken rule file leaves the running engine in
//!   place and returns the error.
//!
//! Classification therefore never waits for a rule compile: the lock is held
//! only for the time it takes to clone or replace an `Arc`. A message that
//! started with the old rules finishes with them; every message is
//! classified by exactly one complete rule set, never a mix.
//!
//! ```
//! use fanzha::{Engine, Label, ReloadableEngine};
//!
//! let shared = ReloadableEngine::new(Engine::builtin());
//! assert_eq!(shared.classify("本周六团建，地点在公司楼下").label, Label::Clean);
//!
//! // Later, e.g. on SIGHUP or when a rule file changes:
//! let generation = shared.reload(Engine::builder().add_rules_str(
//!     "team-building.toml",
//!     r#"
//!     [lexicons]
//!     teambuilding = ["团建"]
//!     [[rules]]
//!     id = "test.teambuilding"
//!     category = "test"
//!     score = 9
//!     description = "a rule that only this example uses"
//!     when = "teambuilding"
//!     "#,
//! ))?;
//! assert_eq!(generation, 1);
//! assert_eq!(shared.classify("本周六团建，地点在公司楼下").label, Label::Scam);
//!
//! // A broken rule set is refused and the running rules stay.
//! let err = shared.reload(Engine::builder().add_rules_str("bad.toml", "[[rules]]\nid = 1"));
//! assert!(err.is_err());
//! assert_eq!(shared.generation(), 1);
//! # Ok::<(), fanzha::Error>(())
//! ```
//!
//! The lock is a std [`RwLock`] around an `Arc`: no dependency, and at a
//! few microseconds per message the read lock (one atomic add and one
//! `Arc` clone) is not what limits throughput. A service that classifies
//! many messages in a row can take one snapshot per batch
//! ([`ReloadableEngine::classify_batch`] does).

use std::sync::{Arc, PoisonError, RwLock};

use crate::engine::{Engine, EngineBuilder};
use crate::error::Error;
use crate::verdict::Verdict;

/// An [`Engine`] that can be replaced while other threads classify with it.
///
/// Share it like an engine: by reference (`std::thread::scope`) or in an
/// `Arc`. It is `Send + Sync`. See the [module docs](crate::reload) for how
/// the swap works.
#[derive(Debug)]
pub struct ReloadableEngine {
    current: RwLock<Current>,
}

#[derive(Debug)]
struct Current {
    engine: Arc<Engine>,
    generation: u64,
}

const _: () = {
    const fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<ReloadableEngine>();
};

impl ReloadableEngine {
    /// Starts with `engine`, at generation 0.
    pub fn new(engine: Engine) -> Self {
        Self::from_arc(Arc::new(engine))
    }

    /// Starts with an engine that is already shared, at generation 0.
    pub fn from_arc(engine: Arc<Engine>) -> Self {
        ReloadableEngine {
            current: RwLock::new(Current {
                engine,
                generation: 0,
            }),
        }
    }

    /// The engine in force now.
    ///
    /// The snapshot stays valid (and keeps its rules) however many reloads
    /// happen after it was taken; drop it to let an old engine be freed.
    pub fn load(&self) -> Arc<Engine> {
        self.read(|c| Arc::clone(&c.engine))
    }

    /// How many times the engine has been replaced since [`new`](Self::new).
    pub fn generation(&self) -> u64 {
        self.read(|c| c.generation)
    }

    /// The engine in force now and its generation, read together.
    pub fn load_with_generation(&self) -> (Arc<Engine>, u64) {
        self.read(|c| (Arc::clone(&c.engine), c.generation))
    }

    /// Classifies one message with the engine in force now.
    pub fn classify(&self, text: &str) -> Verdict {
        self.load().classify(text)
    }

    /// Classifies messages in parallel with one snapshot of the engine, so
    /// the whole batch sees the same rules. See [`Engine::classify_batch`].
    pub fn classify_batch<I>(&self, texts: I) -> Vec<Verdict>
    where
        I: IntoIterator,
        I::Item: AsRef<str> + Send,
    {
        self.load().classify_batch(texts)
    }

    /// Puts `engine` in force and returns the engine it replaces.
    ///
    /// Messages already being classified finish with the old engine.
    pub fn replace(&self, engine: Engine) -> Arc<Engine> {
        self.replace_arc(Arc::new(engine))
    }

    /// Like [`replace`](Self::replace), for an engine already in an `Arc`.
    pub fn replace_arc(&self, engine: Arc<Engine>) -> Arc<Engine> {
        let mut current = self.current.write().unwrap_or_else(PoisonError::into_inner);
        current.generation += 1;
        std::mem::replace(&mut current.engine, engine)
    }

    /// Builds an engine from `builder` and puts it in force; returns the new
    /// generation.
    ///
    /// The rules are compiled before anything is replaced, with no lock
    /// held: classification goes on with the old rules meanwhile. When the
    /// build fails the old engine stays in force and the error says which
    /// file, line and rule is wrong.
    pub fn reload(&self, builder: EngineBuilder) -> Result<u64, Error> {
        let engine = Arc::new(builder.build()?);
        let mut current = self.current.write().unwrap_or_else(PoisonError::into_inner);
        current.generation += 1;
        current.engine = engine;
        Ok(current.generation)
    }

    fn read<T>(&self, f: impl FnOnce(&Current) -> T) -> T {
        // The guarded value is a pointer and a counter, valid whatever a
        // panicking thread was doing: poisoning carries no information here.
        f(&self.current.read().unwrap_or_else(PoisonError::into_inner))
    }
}

impl From<Engine> for ReloadableEngine {
    fn from(engine: Engine) -> Self {
        ReloadableEngine::new(engine)
    }
}

impl From<Arc<Engine>> for ReloadableEngine {
    fn from(engine: Arc<Engine>) -> Self {
        ReloadableEngine::from_arc(engine)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verdict::Label;

    const EXTRA: &str = r#"
        [lexicons]
        marker = ["zzmarkerzz"]
        [[rules]]
        id = "test.marker"
        category = "test"
        score = 9
        description = "test marker"
        when = "marker"
    "#;

    #[test]
    fn reload_swaps_and_old_snapshots_keep_their_rules() {
        let shared = ReloadableEngine::new(Engine::builtin());
        let old = shared.load();
        assert_eq!(shared.classify("hi zzmarkerzz").label, Label::Clean);
        let g = shared
            .reload(Engine::builder().add_rules_str("extra.toml", EXTRA))
            .unwrap();
        assert_eq!(g, 1);
        assert_eq!(shared.classify("hi zzmarkerzz").label, Label::Scam);
        assert_eq!(old.classify("hi zzmarkerzz").label, Label::Clean);
        let previous = shared.replace(Engine::builtin());
        assert_eq!(previous.classify("hi zzmarkerzz").label, Label::Scam);
        assert_eq!(shared.generation(), 2);
        assert_eq!(shared.classify("hi zzmarkerzz").label, Label::Clean);
    }

    #[test]
    fn failed_reload_keeps_the_engine() {
        let shared = ReloadableEngine::new(
            Engine::builder()
                .add_rules_str("extra.toml", EXTRA)
                .build()
                .unwrap(),
        );
        let err = shared
            .reload(Engine::builder().add_rules_str("broken.toml", "[[rules]]\nid = "))
            .unwrap_err();
        assert!(err.to_string().contains("broken.toml"), "{err}");
        assert_eq!(shared.generation(), 0);
        assert_eq!(shared.classify("zzmarkerzz").label, Label::Scam);
    }
}
