//! Style search benchmark (not a test): every prefix of a few queries a user
//! types into the page's style picker, against the whole index (10,844 styles),
//! in process. The page runs the same search in its search worker; its
//! keystroke-to-results figures are in the browser tests' metrics
//! (`tests/e2e/artifacts/style-metrics.json`).
//!
//! ```text
//! cargo bench --bench search
//! ```
//!
//! Prints, per query, the slowest prefix (best of 20 runs each), and the
//! median and slowest over all prefixes.

use std::time::{Duration, Instant};

fn main() {
    let t = Instant::now();
    let index = citris::styles::current().expect("the style pack (feature style-pack)");
    println!(
        "index: {} styles, read in {:.1} ms",
        index.styles().len(),
        t.elapsed().as_secs_f64() * 1e3
    );
    let queries = [
        "journal of clinical medicine",
        "cancer gene therapy",
        "elsevier harvard",
        "0929-1903",
        "medicine",
        "zeitschrift für",
    ];
    let mut all = Vec::new();
    for q in queries {
        let mut worst = (Duration::ZERO, String::new(), 0);
        for end in q.char_indices().map(|(i, c)| i + c.len_utf8()) {
            let prefix = &q[..end];
            let mut best = Duration::MAX;
            let mut total = 0;
            for _ in 0..20 {
                let t = Instant::now();
                let (hits, n) = index.search_with_total(prefix, 50);
                best = best.min(t.elapsed());
                total = n;
                std::hint::black_box(hits);
            }
            all.push(best);
            if best > worst.0 {
                worst = (best, prefix.to_string(), total);
            }
        }
        println!(
            "{q:30} slowest prefix {:>10?} ({:?}, {} matches)",
            worst.0, worst.1, worst.2
        );
    }
    all.sort();
    println!(
        "{} searches: median {:?}, slowest {:?}",
        all.len(),
        all[all.len() / 2],
        all[all.len() - 1]
    );
}
