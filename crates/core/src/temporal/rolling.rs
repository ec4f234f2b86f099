//! A config during a rolling upgrade: old and new servers read it at once,
//! so it is checked against both releases (`--temporal-version 1.30..1.31`).
//! A key is known if either release registers it (the old and the new name
//! of a renamed key stand side by side); every value is checked against
//! each release.

use std::collections::HashSet;

use crate::model::finding::{self, Code, Finding};
use crate::temporal::registry::Registry;

/// The findings of two releases as one list: unknown keys only where
/// neither release registers them; the rest once, marked with the release
/// when only one of them has it.
pub(crate) fn across_releases(
    old: Vec<Finding>,
    new: Vec<Finding>,
    older: &Registry,
    newer: &Registry,
) -> Vec<Finding> {
    let at = |f: &Finding| (f.origin.clone(), f.line, f.column);
    let same = |f: &Finding| (f.code, f.origin.clone(), f.line, f.column, f.message.clone());
    let unknown_to_old: HashSet<_> = old.iter().filter(|f| f.code == Code::UnknownKey).map(at).collect();
    let old_set: HashSet<_> = old.iter().map(same).collect();
    let new_set: HashSet<_> = new.iter().map(same).collect();
    let mut out = Vec::with_capacity(new.len());
    for mut f in new {
        if f.code == Code::UnknownKey {
            if !unknown_to_old.contains(&at(&f)) {
                continue;
            }
            f.message = format!("not a key of Temporal {} or {}", older.version, newer.version);
        } else if !old_set.contains(&same(&f)) {
            f.message = format!("{} (with Temporal {})", f.message, newer.version);
        }
        out.push(f);
    }
    for mut f in old {
        if f.code == Code::UnknownKey || new_set.contains(&same(&f)) {
            continue;
        }
        f.message = format!("{} (with Temporal {})", f.message, older.version);
        out.push(f);
    }
    finding::sort(&mut out);
    out
}

#[cfg(test)]
mod tests {
    use crate::model::finding::Code;
    use crate::model::parse::parse_document;
    use crate::temporal::registry::Registry;
    use crate::temporal::validate::{validate, Options};

    #[test]
    fn a_rolling_upgrade_knows_the_keys_of_both_releases_and_checks_values_against_each() {
        let range = Registry::for_version(Some("1.30"))
            .unwrap()
            .with_older(Registry::for_version(Some("1.29")).unwrap());
        // chasm.scheduler.serviceCallTimeout and matching.enableFairness are
        // in both; the GradualChange form of enableFairness is new in v1.30
        // (a bool before); history.enableChasm turned from a global setting
        // into a namespace one; scheduler.tweakables is in neither.
        let text = "\
chasm.scheduler.serviceCallTimeout:
- value: 10s
matching.enableFairness:
- value: {Old: false, New: true}
history.enableChasm:
- value: true
  constraints: {namespace: a}
scheduler.tweakables:
- value: {}
";
        let doc = parse_document("t.yaml", text).value;
        let f = validate(&doc, &range, &Options::default());
        let unknown: Vec<_> = f.iter().filter(|f| f.code == Code::UnknownKey).collect();
        assert_eq!(unknown.len(), 1, "{f:?}");
        assert_eq!(unknown[0].key.as_deref(), Some("scheduler.tweakables"));
        assert_eq!(unknown[0].message, "not a key of Temporal v1.29.7 or v1.30.6");
        // The map form does not convert for v1.29 only.
        let fairness: Vec<_> = f
            .iter()
            .filter(|f| f.key.as_deref() == Some("matching.enableFairness"))
            .collect();
        assert_eq!(fairness.len(), 1, "{fairness:?}");
        assert!(
            fairness[0].message.ends_with("(with Temporal v1.29.7)"),
            "{}",
            fairness[0].message
        );
        // enableChasm is global in v1.29 (the item never matches) and
        // namespace in v1.30 (it does).
        let chasm: Vec<_> = f
            .iter()
            .filter(|f| f.key.as_deref() == Some("history.enableChasm"))
            .collect();
        assert!(
            chasm.iter().all(|f| f.message.ends_with("(with Temporal v1.29.7)")) && !chasm.is_empty(),
            "{chasm:?}"
        );
        // v1.30 alone accepts the map form: only the range finds it.
        let alone = validate(&doc, &Registry::for_version(Some("1.30")).unwrap(), &Options::default());
        assert!(alone
            .iter()
            .all(|f| f.key.as_deref() != Some("matching.enableFairness")));
    }
}
