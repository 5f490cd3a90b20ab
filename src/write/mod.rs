//! The writers, side by side: [`bibtex`] (BibTeX and BibLaTeX), [`csl_json`]
//! and [`ris`], each from the one [`Reference`](crate::Reference) model to
//! `impl fmt::Write`. [`crate::Writer`] drives them with unique keys.

pub mod bibtex;
pub mod csl_json;
pub mod ris;
