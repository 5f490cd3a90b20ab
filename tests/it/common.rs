//! Helpers shared by integration tests (`mod common;`).

use std::path::{Path, PathBuf};

/// Every `.ris` file of the fixtures, then of the shared corpus, in path order.
pub fn fixture_and_corpus_files() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().flatten().collect();
        entries.sort_by_key(|e| e.path());
        for e in entries {
            let p = e.path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "ris") {
                out.push(p);
            }
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let corpus = root.join("../shared/corpus");
    assert!(
        corpus.is_dir(),
        "the shared corpus is expected at {}",
        corpus.display()
    );
    let mut out = Vec::new();
    walk(&root.join("tests/fixtures"), &mut out);
    walk(&corpus, &mut out);
    out
}
