//! Work spread over the machine's cores.

/// Calls `f` on every item, on up to as many threads as there are cores
/// (at most 8). Items are dealt out in turn (neighbours differ widely in
/// size, so interleaving balances better than contiguous ranges); `f` must
/// not depend on the order in which items are visited, so the outcome
/// does not depend on scheduling. A panic in `f` is raised again here.
pub(crate) fn for_each<T: Send>(items: Vec<T>, f: impl Fn(T) + Sync) {
    let threads = std::thread::available_parallelism()
        .map_or(1, std::num::NonZeroUsize::get)
        .clamp(1, 8)
        .min(items.len());
    if threads <= 1 {
        items.into_iter().for_each(f);
        return;
    }
    let mut shares: Vec<Vec<T>> = (0..threads).map(|_| Vec::new()).collect();
    for (index, item) in items.into_iter().enumerate() {
        shares[index % threads].push(item);
    }
    let f = &f;
    std::thread::scope(|scope| {
        let workers: Vec<_> = shares
            .into_iter()
            .map(|share| scope.spawn(move || share.into_iter().for_each(f)))
            .collect();
        for worker in workers {
            if let Err(panic) = worker.join() {
                std::panic::resume_unwind(panic);
            }
        }
    });
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
    fn no_items_no_calls() {
        super::for_each(Vec::<u8>::new(), |_| panic!("called"));
    }
}
