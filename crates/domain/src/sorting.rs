//! One sort for every list the app sorts (drafts, the outbox, replies, sent complaints, currency marks):
//! each list's items are ordered through a single sort of `(number, position)` pairs, so the standard
//! library's stable sort, about 4 KB of Wasm for each element type it is used on (quicksort, merge and
//! small-sort paths), is built once instead of once per list type (issue #12: 7 copies, 28 KB raw).

/// Sorts `items` by `key`, smallest first, stably (items with equal keys keep their order). A key is
/// any number an `f64` holds exactly (milliseconds since 1970, lengths, positions); negate it for
/// largest first.
pub fn sort_by_number<T>(items: &mut Vec<T>, key: impl Fn(&T) -> f64) {
    let mut order: Vec<(f64, usize)> = items.iter().map(key).zip(0..).collect();
    sort_pairs(&mut order);
    let mut slots: Vec<Option<T>> = std::mem::take(items).into_iter().map(Some).collect();
    items.extend(order.into_iter().filter_map(|(_, at)| slots[at].take()));
}

/// Not generic, and kept out of line: a sort called inside [`sort_by_number`] would be a new copy for each
/// `T`, its comparison closure being a type of that generic function.
#[inline(never)]
fn sort_pairs(order: &mut [(f64, usize)]) {
    // Stable, so equal keys stay in position order.
    order.sort_by(|a, b| a.0.total_cmp(&b.0));
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn sorts_by_the_key_and_keeps_equal_keys_in_their_order() {
        let mut items = vec![(3.0, 'a'), (1.0, 'b'), (3.0, 'c'), (-2.0, 'd'), (1.0, 'e')];
        sort_by_number(&mut items, |&(k, _)| k);
        assert_eq!(items.iter().map(|&(_, c)| c).collect::<String>(), "dbeac");
        let mut newest_first = vec![10_u64, 1_764_633_600_000, 5];
        sort_by_number(&mut newest_first, |&ms| -(ms as f64));
        assert_eq!(newest_first, [1_764_633_600_000, 10, 5]);
        let mut empty: Vec<u8> = Vec::new();
        sort_by_number(&mut empty, |&b| f64::from(b));
        assert!(empty.is_empty());
    }

    proptest! {
        #[test]
        fn orders_as_the_standard_stable_sort_does(keys in proptest::collection::vec(-50i32..50, 0..200)) {
            let items: Vec<(i32, usize)> = keys.into_iter().zip(0..).collect();
            let mut ours = items.clone();
            sort_by_number(&mut ours, |&(k, _)| f64::from(k));
            let mut standard = items;
            standard.sort_by_key(|&(k, _)| k);
            prop_assert_eq!(ours, standard);
        }
    }
}
