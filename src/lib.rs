//! citris: a lossless RIS reader and citation converter (skeleton, filled in by the core issue).
#[cfg(feature = "cite")]
pub mod cite;
