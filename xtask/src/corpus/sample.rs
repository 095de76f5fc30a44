//! The seeded check sample: the same specs for the same seed and spec list, whatever order the
//! files were listed in, so two runs (before and after a generator change) check the same crates.

/// Specs above this size are "large"; the sample holds at least `large_min` of them.
pub const LARGE_BYTES: u64 = 1024 * 1024;

/// Left out of the sample: Microsoft Graph's 20-47 MB crates belong to the large-API work, and one
/// of them would take longer to check than the rest of the sample.
pub fn excluded(spec: &str) -> bool {
    spec.starts_with("microsoft.com/graph")
}

/// `size` specs (paths) drawn with `seed` from `specs` (path, bytes), at least `large_min` of them
/// larger than [`LARGE_BYTES`] when there are that many, none [`excluded`]; sorted by path.
pub fn draw(specs: &[(String, u64)], size: usize, large_min: usize, seed: u64) -> Vec<String> {
    let mut pool: Vec<&(String, u64)> = specs.iter().filter(|(p, _)| !excluded(p)).collect();
    pool.sort();
    pool.dedup();
    let mut rng = fastrand::Rng::with_seed(seed);
    let (mut large, mut rest): (Vec<_>, Vec<_>) = pool
        .into_iter()
        .partition(|(_, bytes)| *bytes > LARGE_BYTES);
    rng.shuffle(&mut large);
    let take_large = large_min.min(large.len()).min(size);
    rest.extend(large.drain(take_large..));
    rest.sort();
    rng.shuffle(&mut rest);
    let mut chosen: Vec<String> = large
        .into_iter()
        .chain(rest)
        .take(size)
        .map(|(p, _)| p.clone())
        .collect();
    chosen.sort();
    chosen
}

/// `items` in a seeded random order: the sample is checked in this order, so a report written
/// part-way through a long check is a random subset of the sample, not its alphabetical head.
pub fn shuffled<T>(mut items: Vec<T>, seed: u64) -> Vec<T> {
    fastrand::Rng::with_seed(seed).shuffle(&mut items);
    items
}

#[cfg(test)]
mod tests {
    use super::*;

    fn corpus() -> Vec<(String, u64)> {
        let mut specs: Vec<(String, u64)> = (0..500)
            .map(|i| (format!("api{i:03}.com.json"), 1000 + i as u64 * 100))
            .collect();
        specs.extend((0..20).map(|i| (format!("big{i:02}.com.json"), 2 * LARGE_BYTES)));
        specs.push(("microsoft.com/graph.json".into(), 40 * LARGE_BYTES));
        specs.push(("microsoft.com/graph-beta.json".into(), 47 * LARGE_BYTES));
        specs
    }

    #[test]
    fn same_seed_same_sample_whatever_the_listing_order() {
        let specs = corpus();
        let mut reversed = specs.clone();
        reversed.reverse();
        let a = draw(&specs, 300, 10, 7);
        assert_eq!(a, draw(&reversed, 300, 10, 7));
        assert_eq!(a.len(), 300);
        assert_ne!(a, draw(&specs, 300, 10, 8), "the seed matters");
        let mut unique = a.clone();
        unique.dedup();
        assert_eq!(unique.len(), 300, "no spec twice");
    }

    #[test]
    fn holds_the_large_minimum_and_leaves_out_graph() {
        let specs = corpus();
        for seed in 0..20 {
            let s = draw(&specs, 300, 10, seed);
            let large = s.iter().filter(|p| p.starts_with("big")).count();
            assert!(large >= 10, "seed {seed}: {large} large");
            assert!(!s.iter().any(|p| excluded(p)), "seed {seed}");
        }
        // Fewer specs than asked: all of them (but Graph).
        assert_eq!(draw(&specs, 10_000, 10, 1).len(), 520);
        // A sample smaller than the large minimum is all large.
        assert!(draw(&specs, 5, 10, 1).iter().all(|p| p.starts_with("big")));
    }

    #[test]
    fn the_check_order_is_seeded() {
        let items: Vec<u32> = (0..100).collect();
        let a = shuffled(items.clone(), 3);
        assert_eq!(a, shuffled(items.clone(), 3));
        assert_ne!(a, items, "shuffled");
        let mut sorted = a;
        sorted.sort();
        assert_eq!(sorted, items, "a permutation");
    }
}
