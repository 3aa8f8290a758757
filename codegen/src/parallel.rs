//! Work spread over the machine's cores. [`join`] also serves the tools
//! around the generator (`cargo xtask regen` compares files with it).

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// `f` of every item, in the order of `items`, computed on up to as many
/// threads as there are cores (at most 8). Each thread takes the next item
/// not yet taken, so a few large items (one module file is 20 times the
/// median) do not leave the other threads idle, and the results are put
/// back in item order: the outcome does not depend on scheduling as long
/// as `f` does not depend on the order in which items are visited. A panic
/// in `f` is raised again here.
pub(crate) fn map<T: Send, R: Send>(items: Vec<T>, f: impl Fn(T) -> R + Sync) -> Vec<R> {
    let count = items.len();
    let threads = std::thread::available_parallelism()
        .map_or(1, std::num::NonZeroUsize::get)
        .clamp(1, 8)
        .min(count);
    if threads <= 1 {
        return items.into_iter().map(f).collect();
    }
    // Each slot is taken exactly once: the counter hands out every index
    // to one thread only.
    let slots: Vec<Mutex<Option<T>>> = items
        .into_iter()
        .map(|item| Mutex::new(Some(item)))
        .collect();
    let next = AtomicUsize::new(0);
    let (f, slots, next) = (&f, &slots, &next);
    let done: Vec<Vec<(usize, R)>> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(move || {
                    let mut done = Vec::new();
                    loop {
                        let index = next.fetch_add(1, Ordering::Relaxed);
                        let Some(slot) = slots.get(index) else {
                            break done;
                        };
                        let item = slot
                            .lock()
                            .unwrap_or_else(std::sync::PoisonError::into_inner)
                            .take();
                        if let Some(item) = item {
                            done.push((index, f(item)));
                        }
                    }
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|worker| match worker.join() {
                Ok(done) => done,
                Err(panic) => std::panic::resume_unwind(panic),
            })
            .collect()
    });
    let mut results: Vec<Option<R>> = (0..count).map(|_| None).collect();
    for (index, result) in done.into_iter().flatten() {
        results[index] = Some(result);
    }
    results.into_iter().flatten().collect()
}

/// Calls `f` on every item, as [`map`] does.
pub(crate) fn for_each<T: Send>(items: Vec<T>, f: impl Fn(T) + Sync) {
    map(items, f);
}

/// `(a(), b())`, with `a` on a thread of its own while `b` runs on this
/// one: two steps of about the same size that share nothing mutable. A
/// panic in `a` is raised again here.
pub fn join<A: Send, B>(a: impl FnOnce() -> A + Send, b: impl FnOnce() -> B) -> (A, B) {
    std::thread::scope(|scope| {
        let a = scope.spawn(a);
        let b = b();
        match a.join() {
            Ok(a) => (a, b),
            Err(panic) => std::panic::resume_unwind(panic),
        }
    })
}

/// Drops `value` on a thread of its own. Freeing the snapshots' documents
/// (hundreds of thousands of small allocations) takes tens of milliseconds
/// that the serial steps after it need not wait for; the other core is idle
/// then. The thread is detached: a process that exits first leaves the
/// freeing to the operating system.
pub(crate) fn drop_in_background<T: Send + 'static>(value: T) {
    let spawned = std::thread::Builder::new()
        .name("drop".to_owned())
        .spawn(move || drop(value));
    // Without a thread, the value was dropped with the closure here.
    drop(spawned);
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn join_returns_both_results_and_raises_a_panic_of_the_thread() {
        let mut here = Vec::new();
        let (there, ()) = super::join(|| (0..4).sum::<u32>(), || here.push(1));
        assert_eq!((there, here), (6, vec![1]));
        let panicked = std::panic::catch_unwind(|| super::join(|| panic!("in a"), || 2));
        assert!(panicked.is_err());
    }

    #[test]
    fn every_item_is_visited_once() {
        let mut values: Vec<usize> = (0..1000).collect();
        let calls = AtomicUsize::new(0);
        super::for_each(values.iter_mut().collect(), |value| {
            *value *= 2;
            calls.fetch_add(1, Ordering::Relaxed);
        });
        assert_eq!(calls.load(Ordering::Relaxed), 1000);
        assert!(values.iter().enumerate().all(|(i, v)| *v == i * 2));
    }

    #[test]
    fn results_come_back_in_item_order() {
        let items: Vec<usize> = (0..1001).collect();
        let squares = super::map(items, |n| n * n);
        assert_eq!(squares, (0..1001).map(|n| n * n).collect::<Vec<_>>());
    }

    #[test]
    fn no_items_no_calls() {
        super::for_each(Vec::<u8>::new(), |_| panic!("called"));
    }
}
