//! Ordered parallel processing: many inputs through a rayon pool, at most a
//! window of them in flight, results handed back in input order as soon as
//! each one's turn comes (streaming, with bounded memory).

use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{mpsc, Arc};

use rayon::ThreadPool;

/// Runs `work(i, &item)` for every item on `pool`, with at most `window`
/// items started but not yet handed to `sink` (so at most `window` results,
/// and decoded images, exist at once). Items are drawn from `items` only
/// when they can start, so an iterator that opens its inputs holds at most
/// `window` of them open. `sink` receives each item and its result in item
/// order; a panic in `work` arrives as `Err(message)`. When `sink` returns
/// false no further item is started; those already running finish and are
/// dropped.
pub fn run_ordered<T, R>(
    pool: &ThreadPool,
    items: impl IntoIterator<Item = T>,
    window: usize,
    work: impl Fn(usize, &T) -> R + Send + Sync + 'static,
    mut sink: impl FnMut(usize, &T, Result<R, String>) -> bool,
) where
    T: Send + Sync + 'static,
    R: Send + 'static,
{
    let mut items = items.into_iter().peekable();
    let mut started: BTreeMap<usize, Arc<T>> = BTreeMap::new();
    let work = Arc::new(work);
    let window = window.max(1);
    let (tx, rx) = mpsc::channel::<(usize, Result<R, String>)>();
    let mut next_start = 0;
    let mut next_emit = 0;
    let mut running = 0;
    let mut ready: BTreeMap<usize, Result<R, String>> = BTreeMap::new();
    let mut stopped = false;
    loop {
        while !stopped && running + ready.len() < window {
            let Some(item) = items.next() else { break };
            let item = Arc::new(item);
            started.insert(next_start, Arc::clone(&item));
            let (work, tx) = (Arc::clone(&work), tx.clone());
            let i = next_start;
            pool.spawn(move || {
                let result =
                    catch_unwind(AssertUnwindSafe(|| work(i, &item))).map_err(|p| panic_text(&*p));
                // The receiver lives until every started item has reported.
                let _ = tx.send((i, result));
            });
            next_start += 1;
            running += 1;
        }
        if running == 0 {
            break;
        }
        let Ok((i, result)) = rx.recv() else { break };
        running -= 1;
        ready.insert(i, result);
        while let Some(result) = ready.remove(&next_emit) {
            // The worker has let go of its item: this is the last owner
            // (none once the run has stopped).
            if let Some(item) = started.remove(&next_emit) {
                if !stopped && !sink(next_emit, &item, result) {
                    stopped = true;
                }
            }
            next_emit += 1;
        }
        if stopped {
            ready.clear();
            started.clear();
        }
    }
}

/// The text a panic was raised with, on one line.
pub fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    let text = if let Some(s) = payload.downcast_ref::<&str>() {
        s
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.as_str()
    } else {
        "unknown panic"
    };
    text.replace('\n', " ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    fn pool(n: usize) -> ThreadPool {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .unwrap()
    }

    #[test]
    fn results_come_in_input_order_whatever_finishes_first() {
        let mut seen = Vec::new();
        run_ordered(
            &pool(4),
            0..20u64,
            6,
            |_, &x| {
                std::thread::sleep(Duration::from_millis((20 - x) % 7));
                x * 10
            },
            |i, _, r| {
                seen.push((i, r.unwrap()));
                true
            },
        );
        assert_eq!(
            seen,
            (0..20).map(|i| (i as usize, i * 10)).collect::<Vec<_>>()
        );
    }

    #[test]
    fn never_more_than_the_window_in_flight() {
        static LIVE: AtomicUsize = AtomicUsize::new(0);
        static PEAK: AtomicUsize = AtomicUsize::new(0);
        run_ordered(
            &pool(4),
            0..40u32,
            3,
            |_, _| {
                let now = LIVE.fetch_add(1, Ordering::SeqCst) + 1;
                PEAK.fetch_max(now, Ordering::SeqCst);
                std::thread::sleep(Duration::from_millis(2));
                LIVE.fetch_sub(1, Ordering::SeqCst);
            },
            |_, _, _| true,
        );
        assert!(PEAK.load(Ordering::SeqCst) <= 3);
    }

    #[test]
    fn items_are_drawn_only_when_they_can_start() {
        let drawn = AtomicUsize::new(0);
        let items = (0..30u32).inspect(|_| {
            drawn.fetch_add(1, Ordering::SeqCst);
        });
        let mut most_ahead = 0;
        run_ordered(
            &pool(2),
            items,
            4,
            |_, &x| x,
            |i, &item, r| {
                assert_eq!(r, Ok(item));
                most_ahead = most_ahead.max(drawn.load(Ordering::SeqCst) - i);
                true
            },
        );
        assert!(most_ahead <= 4, "{most_ahead} drawn ahead");
    }

    #[test]
    fn a_panic_is_one_items_error_and_stopping_early_works() {
        let mut got = Vec::new();
        run_ordered(
            &pool(2),
            vec![1, 0, 2, 3, 4, 5],
            2,
            |_, &x| {
                if x == 0 {
                    panic!("boom")
                }
                x
            },
            |_, _, r| {
                got.push(r.clone());
                got.len() < 3
            },
        );
        assert_eq!(got, vec![Ok(1), Err("boom".to_owned()), Ok(2)]);
    }
}
