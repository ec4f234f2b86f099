//! Names close to a misspelt one, by edit distance.

use crate::model::key::fold;

/// Candidates close to `name` by edit distance (case-insensitive), best first.
pub fn suggestions<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let target = fold(name);
    let limit = (target.chars().count() / 4).clamp(1, 4);
    let mut rows = (Vec::new(), Vec::new());
    let mut scored: Vec<(usize, &str)> = candidates
        .filter_map(|c| bounded_levenshtein(target.as_bytes(), fold(c).as_bytes(), limit, &mut rows).map(|d| (d, c)))
        .collect();
    scored.sort();
    scored.into_iter().take(3).map(|(_, c)| c).collect()
}

/// Levenshtein distance if it is at most `limit`: rejects by length first,
/// and stops as soon as every path costs more than `limit`.
pub(crate) fn bounded_levenshtein(
    a: &[u8],
    b: &[u8],
    limit: usize,
    rows: &mut (Vec<usize>, Vec<usize>),
) -> Option<usize> {
    if a.len().abs_diff(b.len()) > limit {
        return None;
    }
    let (prev, cur) = rows;
    prev.clear();
    prev.extend(0..=b.len());
    cur.clear();
    cur.resize(b.len() + 1, 0);
    for (i, &ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        let mut row_min = cur[0];
        for (j, &cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
            row_min = row_min.min(cur[j + 1]);
        }
        if row_min > limit {
            return None;
        }
        std::mem::swap(prev, cur);
    }
    let d = prev[b.len()];
    (d <= limit).then_some(d)
}

/// The single best candidate, if any is close.
pub fn closest<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    suggestions(name, candidates).into_iter().next()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_levenshtein_agrees_with_the_plain_one() {
        for (a, b) in [
            ("kitten", "sitting"),
            ("frontend.rps", "frontend.rsp"),
            ("", "abc"),
            ("abc", ""),
            ("same", "same"),
        ] {
            let full = strsim::levenshtein(a, b);
            for limit in 0..5 {
                let expected = (full <= limit).then_some(full);
                assert_eq!(
                    bounded_levenshtein(a.as_bytes(), b.as_bytes(), limit, &mut Default::default()),
                    expected,
                    "{a} {b} {limit}"
                );
            }
        }
    }

    #[test]
    fn the_closest_candidate_ignores_case() {
        assert_eq!(
            closest("Frontend.RSP", ["frontend.rps", "history.rps"].into_iter()),
            Some("frontend.rps")
        );
        assert_eq!(closest("matching.x", ["frontend.rps"].into_iter()), None);
    }
}
