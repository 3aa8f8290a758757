//! Work spread over the machine's cores.

/// `f` of every item, in the order of `items`, computed on up to as many
/// threads as there are cores (at most 8). Items are dealt out in turn
/// (neighbours differ widely in size, so interleaving balances better than
/// contiguous ranges) and the results put back in order, so the outcome
/// does not depend on scheduling as long as `f` does not depend on the
/// order in which items are visited. A panic in `f` is raised again here.
pub(crate) fn map<T: Send, R: Send>(items: Vec<T>, f: impl Fn(T) -> R + Sync) -> Vec<R> {
    let count = items.len();
    let threads = std::thread::available_parallelism()
        .map_or(1, std::num::NonZeroUsize::get)
        .clamp(1, 8)
        .min(count);
    if threads <= 1 {
        return items.into_iter().map(f).collect();
    }
    let mut shares: Vec<Vec<T>> = (0..threads).map(|_| Vec::new()).collect();
    for (index, item) in items.into_iter().enumerate() {
        shares[index % threads].push(item);
    }
    let f = &f;
    let mut results: Vec<Vec<R>> = std::thread::scope(|scope| {
        let workers: Vec<_> = shares
            .into_iter()
            .map(|share| scope.spawn(move || share.into_iter().map(f).collect::<Vec<R>>()))
            .collect();
        workers
            .into_iter()
            .map(|worker| match worker.join() {
                Ok(results) => results,
                Err(panic) => std::panic::resume_unwind(panic),
            })
            .collect()
    });
    // Item `index` is result `index / threads` of worker `index % threads`.
    let mut shares: Vec<_> = results.iter_mut().map(|share| share.drain(..)).collect();
    (0..count)
        .filter_map(|index| shares[index % threads].next())
        .collect()
}

/// Calls `f` on every item, as [`map`] does.
pub(crate) fn for_each<T: Send>(items: Vec<T>, f: impl Fn(T) + Sync) {
    map(items, f);
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

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
