//! Hostile stored values (one key's list of items, as `put` or another tool
//! could leave it in etcd), each with what Temporal's YAML parser (yaml.v3)
//! does with it, as its own loader showed when these were written.

/// What yaml.v3 does with a value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Accepted,
    /// Refused, with the finding code tcfg reports.
    Refused(&'static str),
}

pub struct Hostile {
    pub name: &'static str,
    pub text: String,
    pub verdict: Verdict,
}

fn item(value: &str) -> String {
    format!("- value: {value}\n")
}

/// Ten times as much at every level: 10^9 copies of `x` once expanded, in
/// under a kilobyte.
pub fn laughs() -> String {
    let mut text = String::from("- value:\n    a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    let mut prev = 'a';
    for n in "bcdefghi".chars() {
        text.push_str(&format!(
            "    {n}: &{n} [{}]\n",
            vec![format!("*{prev}"); 10].join(", ")
        ));
        prev = n;
    }
    text
}

/// Anchors that each nest the one before 1,000 levels deeper: a value
/// 20,000 levels deep from 40 KB, which yaml.v3 accepts.
fn deep_by_aliases() -> String {
    let mut text = String::from("- value:\n");
    for i in 0..20 {
        let inner = if i == 0 {
            "x".to_string()
        } else {
            format!("*a{}", i - 1)
        };
        text.push_str(&format!(
            "    - &a{i} {}{inner}{}\n",
            "[".repeat(1000),
            "]".repeat(1000)
        ));
    }
    text
}

/// Each map merges the one before: quadratic copying, unless counted.
fn merge_chain() -> String {
    let mut text = String::from("- value:\n    m0: &m0 {k0: 0}\n");
    for i in 1..2000 {
        text.push_str(&format!("    m{i}: &m{i} {{<<: *m{}, k{i}: {i}}}\n", i - 1));
    }
    text
}

/// Every hostile value, each under etcd's default request limit (1.5 MiB).
pub fn values() -> Vec<Hostile> {
    use Verdict::*;
    // A stored list is at depth 1 and its item at 2: a value's own levels
    // start at 3.
    let block = |n: usize| format!("- value:\n    {}x\n", "- ".repeat(n - 2));
    let h = |name, text, verdict| Hostile { name, text, verdict };
    vec![
        h("alias bomb", laughs(), Refused("yaml-limit")),
        h("anchor inside itself", item("&a [1, *a]"), Refused("yaml-syntax")),
        h("merge chain", merge_chain(), Refused("yaml-limit")),
        h(
            "10,000 flow levels",
            item(&format!("{}{}", "[".repeat(10_000), "]".repeat(10_000))),
            Accepted,
        ),
        h(
            "10,001 flow levels",
            item(&format!("{}{}", "[".repeat(10_001), "]".repeat(10_001))),
            Refused("yaml-limit"),
        ),
        h(
            "10,000 nested flow maps",
            item(&format!("{}1{}", "{a: ".repeat(10_000), "}".repeat(10_000))),
            Accepted,
        ),
        h("10,000 block levels", block(10_000), Accepted),
        h("10,001 block levels", block(10_001), Refused("yaml-limit")),
        // Temporal reads it; tcfg could not write it back within yaml.v3's
        // limits, so validation refuses it (on purpose).
        h(
            "10,000 block levels holding 10,000 flow levels",
            format!(
                "- value:\n    {}{}{}\n",
                "- ".repeat(9_998),
                "[".repeat(10_000),
                "]".repeat(10_000)
            ),
            Accepted,
        ),
        h("20,000 levels through aliases", deep_by_aliases(), Accepted),
        h(
            "80,000 items",
            (0..80_000).map(|i| item(&i.to_string())).collect(),
            Accepted,
        ),
        h(
            "a list of 200,000 scalars",
            item(&format!("[{}]", vec!["1"; 200_000].join(", "))),
            Accepted,
        ),
    ]
}
