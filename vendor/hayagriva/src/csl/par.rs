//! citris patch 25: independent renders on every core.
//!
//! A bibliography's entries, the sort keys of its items and the final form of
//! each citation are rendered independently of one another; natively they are
//! rendered on up to eight threads (or as many as [`set_render_threads`]
//! says), in the browser build on its one thread. The results are in input
//! order, so the output is the same either way.

/// Below this many items one thread does the work.
#[cfg(not(target_arch = "wasm32"))]
const PARALLEL_FROM: usize = 256;

/// `f` of every item, in order.
#[cfg(not(target_arch = "wasm32"))]
pub(crate) fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = threads();
    if threads < 2 || items.len() < PARALLEL_FROM {
        return items.iter().map(f).collect();
    }
    let per = items.len().div_ceil(threads);
    let f = &f;
    std::thread::scope(|s| {
        let handles: Vec<_> = items
            .chunks(per)
            .map(|chunk| s.spawn(move || chunk.iter().map(f).collect::<Vec<R>>()))
            .collect();
        let mut out = Vec::with_capacity(items.len());
        for h in handles {
            out.extend(h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)));
        }
        out
    })
}

/// `f` of every item, in order (one thread in the browser).
#[cfg(target_arch = "wasm32")]
pub(crate) fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    items.iter().map(f).collect()
}

/// Threads asked for with [`set_render_threads`]; 0: every core, at most 8.
static THREADS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// How many threads a bibliography's independent renders may use (natively;
/// the browser build has one). `0` restores the default, every core up to
/// eight; `1` renders on the calling thread, as a benchmark of one thread
/// wants. The output does not depend on it.
pub fn set_render_threads(n: usize) {
    THREADS.store(n, std::sync::atomic::Ordering::Relaxed);
}

#[cfg(not(target_arch = "wasm32"))]
fn threads() -> usize {
    match THREADS.load(std::sync::atomic::Ordering::Relaxed) {
        0 => std::thread::available_parallelism().map_or(1, |n| n.get().min(8)),
        n => n,
    }
}
