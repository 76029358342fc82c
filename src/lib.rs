//! fanzha (反诈): explainable, rule-based detection of chat scams.
//!
//! The crate is being assembled; see DESIGN notes in the repository.

pub mod input;
