//! The migration of a prefix through a Temporal upgrade, in two plans. A
//! rolling upgrade runs both releases at once, so the first plan writes each
//! renamed key under its new name too and keeps the old one (which the old
//! servers still read); once every server runs the new release, the second
//! (`finish`) deletes the names it no longer reads.

use crate::model::document::Document;
use crate::model::key::Key;
use crate::temporal::upgrade::{Kind, Report};

/// What a migration writes (the desired state for [`super::plan::plan`])
/// and what it leaves for the operator to decide.
#[derive(Clone, Debug, Default)]
pub struct Migration {
    /// The keys to write (start), or everything to keep (finish: plan it
    /// with `prune`, which deletes the rest).
    pub desired: Document,
    /// Plan with `prune`: the keys `desired` leaves out are deleted.
    pub prune: bool,
    /// Sentences about what the plan leaves alone, and why.
    pub left_alone: Vec<String>,
}

/// The first step: each renamed key written under its new name as well.
pub fn start(report: &Report, current: &Document) -> Migration {
    let mut m = Migration::default();
    for (old, new) in report.renames() {
        let Some(from) = current.get(&Key::new(old)) else {
            continue;
        };
        match current.get(&Key::new(new)) {
            None => m.desired.insert(Key::new(new), from.items.clone()),
            Some(there) if there.items == from.items => {}
            Some(_) => m.left_alone.push(format!(
                "{new} is already set, to something other than {old}: the plan writes neither; decide which value the new release should read and write it to {new}"
            )),
        }
    }
    m
}

/// The last step, once every server runs the new release: the names it no
/// longer reads are deleted; a renamed key only when its new name holds
/// the same values (else they would be lost).
pub fn finish(report: &Report, current: &Document) -> Migration {
    let mut m = Migration {
        desired: current.clone(),
        prune: true,
        left_alone: Vec::new(),
    };
    let mut gone: Vec<&str> = Vec::new();
    for s in &report.steps {
        match s.kind {
            Kind::Renamed => {
                let (Some(from), new) = (
                    current.get(&Key::new(&s.key)),
                    s.successor.as_deref().unwrap_or_default(),
                ) else {
                    continue;
                };
                match current.get(&Key::new(new)) {
                    Some(there) if there.items == from.items => gone.push(&s.key),
                    Some(_) => m.left_alone.push(format!(
                        "{} is kept: {new} holds other values; make {new} what it should be, then run --finish again",
                        s.key
                    )),
                    None => m.left_alone.push(format!(
                        "{} is kept: {new} is not written yet; apply the first migration plan (without --finish) first",
                        s.key
                    )),
                }
            }
            Kind::Replaced | Kind::Removed => gone.push(&s.key),
            _ => {}
        }
    }
    m.desired.entries.retain(|e| !gone.iter().any(|g| e.key == Key::new(g)));
    m
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::parse::parse_document;
    use crate::temporal::registry::Registry;
    use crate::temporal::upgrade::check;

    fn doc(yaml: &str) -> Document {
        parse_document("c.yaml", yaml).value
    }

    fn report(yaml: &str) -> Report {
        let (from, to) = (
            Registry::for_version(Some("1.30")).unwrap(),
            Registry::for_version(Some("1.31")).unwrap(),
        );
        check(&doc(yaml), &from, &to).unwrap()
    }

    const OLD: &str = "chasm.scheduler.serviceCallTimeout:\n- value: 20s\nsystem.enableNexus:\n- value: true\nfrontend.rps:\n- value: 100\n";

    #[test]
    fn start_writes_the_new_names_and_keeps_the_old() {
        let current = doc(OLD);
        let m = start(&report(OLD), &current);
        assert!(!m.prune);
        let names: Vec<&str> = m.desired.entries.iter().map(|e| e.key.as_str()).collect();
        assert_eq!(names, ["scheduler.serviceCallTimeout"]);
        assert_eq!(m.desired.entries[0].items, current.entries[0].items);
        assert!(m.left_alone.is_empty());
    }

    #[test]
    fn finish_deletes_what_the_new_release_does_not_read() {
        let migrated = format!("{OLD}scheduler.serviceCallTimeout:\n- value: 20s\n");
        let m = finish(&report(&migrated), &doc(&migrated));
        assert!(m.prune);
        let names: Vec<&str> = m.desired.entries.iter().map(|e| e.key.as_str()).collect();
        assert_eq!(names, ["frontend.rps", "scheduler.serviceCallTimeout"]);
    }

    #[test]
    fn finish_never_loses_a_value() {
        // Not migrated yet: the old name stays.
        let m = finish(&report(OLD), &doc(OLD));
        assert!(m.desired.get(&Key::new("chasm.scheduler.serviceCallTimeout")).is_some());
        assert!(
            m.left_alone[0].contains("apply the first migration plan"),
            "{:?}",
            m.left_alone
        );
        // Both set, differently: start writes neither, finish keeps both.
        let both = format!("{OLD}scheduler.serviceCallTimeout:\n- value: 5s\n");
        let s = start(&report(&both), &doc(&both));
        assert!(s.desired.is_empty());
        assert!(s.left_alone[0].contains("decide which value"), "{:?}", s.left_alone);
        let f = finish(&report(&both), &doc(&both));
        assert!(f.desired.get(&Key::new("chasm.scheduler.serviceCallTimeout")).is_some());
    }
}
