//! Every integration test in one binary (as ripgrep does), so that the tests
//! link once. `tests/csl_suite.rs` stays apart: it is also compiled against
//! crates.io's hayagriva to measure it with the same runner.

mod bibtexparser;
mod cite;
mod cli;
mod common;
mod corpus;
mod data_loss;
mod fuzz_regressions;
mod golden;
mod hostile;
mod properties;
mod spec;
mod styles;
