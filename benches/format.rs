//! Formatting benchmark (not a test): 10,000 references in APA.
//!
//! `cargo bench --bench format [-- N]` prints the time to format N (default
//! 10,000) references natively. The references are the conformance corpus
//! (tests/conformance/corpus.json) cycled with distinct ids and dates, the
//! same set `node tests/conformance/conformance.js --bench N` times with
//! citeproc-js.

use std::time::Instant;

use citris::cite::{format, Style};
use serde_json::{json, Value};

fn main() {
    let n: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(10_000);
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/conformance/corpus.json");
    let base: Vec<Value> = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let items: Vec<Value> = (0..n)
        .map(|i| {
            let mut item = base[i % base.len()].clone();
            item["id"] = json!(format!("bench-{i}"));
            item["issued"] = json!({"date-parts": [[1900 + (i % 120), 1 + (i % 12)]]});
            item
        })
        .collect();

    let t = Instant::now();
    let style = Style::bundled("apa").unwrap();
    let parse = t.elapsed();

    // Warm-up: locale parsing happens once per process.
    format(&items[..10.min(n)], &style, "en-US").unwrap();

    let t = Instant::now();
    let entries = format(&items, &style, "en-US").unwrap();
    let elapsed = t.elapsed();
    println!(
        "citris (hayagriva 0.10.1): {} references in APA in {:.3} s ({} entries; style parse {:.1} ms)",
        n,
        elapsed.as_secs_f64(),
        entries.len(),
        parse.as_secs_f64() * 1000.0
    );
    let t = Instant::now();
    let one = format(&items[..1], &style, "en-US").unwrap();
    println!(
        "one reference: {:.2} ms ({} entry)",
        t.elapsed().as_secs_f64() * 1000.0,
        one.len()
    );
}
