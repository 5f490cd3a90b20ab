//! Independent items (records, references) handled on every core, natively.

/// Below this many items one thread does the work: starting threads costs more.
#[cfg(not(target_arch = "wasm32"))]
const PARALLEL_FROM: usize = 1024;

/// `f(start, slice)` on contiguous slices of `items`, one per core, the results
/// in slice order (so concatenating them gives what one pass in order gives);
/// `None` when one thread should do the work: few items, one core, or the
/// browser build, which has one thread. A panic in `f` is raised again here.
#[cfg(not(target_arch = "wasm32"))]
pub(crate) fn map_slices<T: Sync, R: Send>(
    items: &[T],
    f: impl Fn(usize, &[T]) -> R + Sync,
) -> Option<Vec<R>> {
    let threads = threads();
    if threads < 2 || items.len() < PARALLEL_FROM {
        return None;
    }
    let per = items.len().div_ceil(threads);
    let f = &f;
    Some(std::thread::scope(|s| {
        let handles: Vec<_> = items
            .chunks(per)
            .enumerate()
            .map(|(i, slice)| s.spawn(move || f(i * per, slice)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    }))
}

/// [`map_slices`], or `f(0, items)` alone when one thread does the work: the
/// results to concatenate either way.
pub(crate) fn map_parts<T: Sync, R: Send>(
    items: &[T],
    f: impl Fn(usize, &[T]) -> R + Sync,
) -> Vec<R> {
    map_slices(items, &f).unwrap_or_else(|| vec![f(0, items)])
}

/// `f` on every item, in place, on every core natively (one thread in the
/// browser build or below [`PARALLEL_FROM`] items).
#[cfg(feature = "cite")]
pub(crate) fn for_each_mut<T: Send>(items: &mut [T], f: impl Fn(&mut T) + Sync) {
    #[cfg(not(target_arch = "wasm32"))]
    {
        let threads = threads();
        if threads >= 2 && items.len() >= PARALLEL_FROM {
            let per = items.len().div_ceil(threads);
            let f = &f;
            std::thread::scope(|s| {
                for chunk in items.chunks_mut(per) {
                    s.spawn(move || chunk.iter_mut().for_each(f));
                }
            });
            return;
        }
    }
    items.iter_mut().for_each(f)
}

/// Threads to use: every core (at most 8), or `CITRIS_THREADS` when set (the
/// benchmark sets it to 1 to measure one thread).
#[cfg(not(target_arch = "wasm32"))]
pub(crate) fn threads() -> usize {
    static THREADS: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *THREADS.get_or_init(|| {
        std::env::var("CITRIS_THREADS")
            .ok()
            .and_then(|v| v.trim().parse().ok())
            .filter(|&n: &usize| n >= 1)
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get().min(8)))
    })
}

/// The browser build has one thread.
#[cfg(target_arch = "wasm32")]
pub(crate) fn map_slices<T: Sync, R: Send>(
    _items: &[T],
    _f: impl Fn(usize, &[T]) -> R + Sync,
) -> Option<Vec<R>> {
    None
}
