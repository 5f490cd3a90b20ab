//! Core benchmark (not a test): parse, RIS → BibTeX and RIS → CSL-JSON in
//! process, the input already in memory, so that the figures are the core's
//! and not the disk's or the shell's.
//!
//! ```text
//! python3 benches/gen_corpus.py --records 10000 --out /tmp/r10k.ris
//! cargo bench --bench core -- /tmp/r10k.ris              # every core
//! CITRIS_THREADS=1 cargo bench --bench core -- /tmp/r10k.ris   # one thread
//! cargo bench --bench core -- /tmp/r10k.ris --parse-only   # e.g. under perf
//! ```
//!
//! Each operation runs 5 times (after one warm-up run); the fastest run is
//! printed with MB/s of input and records/s. `benches/run.sh` measures the CLI
//! and the peers end to end, peak memory included.

use std::time::{Duration, Instant};

/// The allocator the CLI uses (see `src/main.rs`).
#[cfg(feature = "cli")]
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

use citris::{parse_bytes, write_string, Format, Options};

fn best<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut out = f();
    let mut best = Duration::MAX;
    for _ in 0..runs {
        let t = Instant::now();
        out = f();
        best = best.min(t.elapsed());
    }
    (best, out)
}

fn main() {
    let Some(path) = std::env::args().skip(1).find(|a| !a.starts_with("--")) else {
        eprintln!("usage: cargo bench --bench core -- FILE.ris");
        std::process::exit(2);
    };
    let bytes = std::fs::read(&path).unwrap_or_else(|e| {
        eprintln!("{path}: {e}");
        std::process::exit(1)
    });
    let mb = bytes.len() as f64 / 1e6;
    let threads = std::env::var("CITRIS_THREADS").unwrap_or_else(|_| "all".into());
    println!("{path}: {mb:.1} MB, threads: {threads}");
    let (t, parsed) = best(5, || parse_bytes(&bytes));
    let n = parsed.references.len();
    let row = |what: &str, t: Duration, out: usize| {
        let s = t.as_secs_f64();
        println!(
            "{what:<22} {:>8.1} ms {:>8.0} MB/s {:>10.0} records/s  output {:.1} MB",
            s * 1e3,
            mb / s,
            n as f64 / s,
            out as f64 / 1e6
        );
    };
    row("parse", t, 0);
    if std::env::args().any(|a| a == "--parse-only") {
        return;
    }
    let opts = Options::default();
    for (name, format) in [("BibTeX", Format::Bibtex), ("CSL-JSON", Format::CslJson)] {
        let (tw, out) = best(5, || write_string(&parsed.references, format, &opts));
        row(&format!("write {name}"), tw, out.len());
        row(&format!("  parse + {name}"), t + tw, out.len());
    }
}
