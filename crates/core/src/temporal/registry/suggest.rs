//! Finding keys by name: glob and substring search, and the registered
//! names closest to a misspelt one.

use super::{KeyDef, Registry};
use crate::model::key::fold;
use crate::model::suggest::bounded_levenshtein;

impl Registry {
    /// Keys whose name matches `pattern`: a glob with `*` and `?` when it has
    /// either, else a substring; case-insensitive either way.
    pub fn search(&self, pattern: &str) -> Vec<&KeyDef> {
        let p = fold(pattern);
        let glob = p.contains(['*', '?']);
        self.keys
            .iter()
            .filter(|k| {
                let name = fold(&k.name);
                if glob {
                    glob_match(p.as_bytes(), name.as_bytes())
                } else {
                    name.contains(&p)
                }
            })
            .collect()
    }

    /// Registered names close to `name`, best first.
    pub fn suggest(&self, name: &str) -> Vec<&str> {
        let target = fold(name);
        let target_bag = Bag::of(target.as_bytes());
        let limit = (target.chars().count() / 4).clamp(1, 4);
        let bags = self.bags.get_or_init(|| {
            self.keys
                .iter()
                .map(|k| {
                    let f = fold(&k.name);
                    let bag = Bag::of(f.as_bytes());
                    (f, bag)
                })
                .collect()
        });
        let mut rows = (Vec::new(), Vec::new());
        let mut scored: Vec<(usize, &str)> = bags
            .iter()
            .enumerate()
            .filter(|(_, (folded, bag))| {
                folded.len().abs_diff(target.len()) <= limit && target_bag.lower_bound(bag) <= limit
            })
            .filter_map(|(i, (folded, _))| {
                bounded_levenshtein(target.as_bytes(), folded.as_bytes(), limit, &mut rows)
                    .map(|d| (d, self.keys[i].name.as_str()))
            })
            .collect();
        scored.sort();
        scored.into_iter().take(3).map(|(_, c)| c).collect()
    }
}

/// Letter counts of a name: half their difference never exceeds the edit
/// distance, which rules out most names without the full comparison.
#[derive(Debug, Clone)]
pub(super) struct Bag([u8; 40]);

impl Bag {
    fn of(s: &[u8]) -> Bag {
        let mut b = [0u8; 40];
        for &c in s {
            let i = match c {
                b'a'..=b'z' => (c - b'a') as usize,
                b'0'..=b'9' => 26 + (c - b'0') as usize,
                b'.' => 36,
                b'_' | b'-' => 37,
                _ => 38,
            };
            b[i] = b[i].saturating_add(1);
        }
        Bag(b)
    }

    /// A lower bound of the edit distance between the two names.
    fn lower_bound(&self, other: &Bag) -> usize {
        let (mut more, mut less) = (0usize, 0usize);
        for (a, b) in self.0.iter().zip(other.0.iter()) {
            if a > b {
                more += usize::from(a - b);
            } else {
                less += usize::from(b - a);
            }
        }
        more.max(less)
    }
}

fn glob_match(p: &[u8], s: &[u8]) -> bool {
    let (mut pi, mut si) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while si < s.len() {
        if pi < p.len() && (p[pi] == b'?' || p[pi] == s[si]) {
            pi += 1;
            si += 1;
        } else if pi < p.len() && p[pi] == b'*' {
            star = Some(pi);
            mark = si;
            pi += 1;
        } else if let Some(st) = star {
            pi = st + 1;
            mark += 1;
            si = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == b'*')
}
