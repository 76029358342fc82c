//! fanzha (反诈): explainable, rule-based detection of chat scams.
#![deny(missing_docs)]

pub mod conversation;
pub mod engine;
pub mod error;
pub mod eval;
pub mod input;
pub mod links;
pub mod normalize;
pub mod rules;
pub mod scan;
pub mod verdict;

pub use engine::{Engine, EngineBuilder, ExampleFailure};
pub use error::{Error, RuleError, RuleErrorKind};
pub use verdict::{Advice, Hit, Label, LinkHit, Span, Verdict};
