//! The text `tcfg edit` opens in an editor, and what a saved buffer says:
//! a key's whole list (or, for a scope, one item's value) below comments
//! that give the key's type, default and description; read back as the
//! items to write, or as the findings to reopen it with. No terminal and
//! no etcd here: the command runs the editor and writes through
//! `changes::commit`.

use crate::model::constraints::Constraints;
use crate::model::document::ConstrainedValue;
use crate::model::finding::{Code, Finding, Level};
use crate::model::key::Key;
use crate::model::serialize::items_to_yaml;
use crate::model::value::Value;
use crate::model::yaml::Pos;
use crate::temporal::registry::Registry;
use crate::temporal::validate::{validate_key, Options};

/// What the buffer holds.
#[derive(Clone, Debug, PartialEq)]
pub enum Target {
    /// The key's whole list of items.
    List,
    /// The value of the item whose constraints are exactly these (put's
    /// scope flags): the other items stay as they are.
    Item(Constraints),
}

/// A buffer as opened: its text and what it was made from.
#[derive(Clone, Debug)]
pub struct Buffer {
    /// The key's registered name (or the name given, for a key the release
    /// does not register).
    pub name: String,
    /// What it edits.
    pub target: Target,
    /// The text the editor opens.
    pub text: String,
    /// The items stored when it was opened.
    pub items: Vec<ConstrainedValue>,
}

/// What a saved buffer says.
#[derive(Clone, Debug, PartialEq)]
pub enum Saved {
    /// Nothing but comments and blank lines: write nothing.
    Emptied,
    /// The same items as stored (comments aside): write nothing.
    Unchanged,
    /// The key's new items, valid; the warnings and notes found on them.
    Items(Vec<ConstrainedValue>, Vec<Finding>),
    /// Errors (and whatever else was found): reopen with them.
    Invalid(Vec<Finding>),
}

/// The comment lines that start every buffer.
fn header(name: &str, target: &Target, registry: &Registry, place: &str) -> String {
    let mut h = String::new();
    let mut line = |s: &str| {
        if s.is_empty() {
            h.push_str("#\n");
        } else {
            h.push_str("# ");
            h.push_str(s);
            h.push('\n');
        }
    };
    line(&format!("{} on {place}", crate::model::key::escaped(name)));
    match registry.get(name) {
        Some(def) => {
            line(&format!(
                "type: {}; precedence: {}; default: {}",
                def.value_type,
                def.precedence,
                if def.default.is_empty() { "(none)" } else { &def.default }
            ));
            if let Some(d) = registry.description(name) {
                line("");
                for l in d.text.lines() {
                    // A description line is Temporal's text: kept on comment lines.
                    line(&comment_safe(l));
                }
            }
        }
        None => line("not a key of this Temporal release (--allow-unknown-keys)"),
    }
    line("");
    match target {
        Target::List => {
            line("The key's whole list: each item a value and its constraints, the most specific first.");
            line("Save an empty list ([]) to store no items; delete every line to write nothing.");
        }
        Target::Item(c) => {
            line(&format!(
                "The value of the item for {c}, as YAML; the key's other items stay as they are."
            ));
            line("Delete every line to write nothing.");
        }
    }
    line("Lines starting with # are ignored.");
    h
}

/// A text made safe for one comment line (no line break can end it).
fn comment_safe(s: &str) -> String {
    s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect()
}

impl Buffer {
    /// The buffer for `name` as `items` hold it now, `place` naming where
    /// (`/temporal/dynamicconfig/ on etcd 127.0.0.1:2379`).
    pub fn open(name: &str, target: Target, items: &[ConstrainedValue], registry: &Registry, place: &str) -> Buffer {
        let mut text = header(name, &target, registry, place);
        match &target {
            Target::List => text.push_str(&items_to_yaml(items)),
            Target::Item(scope) => {
                let value = items.iter().find(|i| &i.constraints == scope).map(|i| i.value.clone());
                match value {
                    Some(v) => text.push_str(&value_text(&v)),
                    None => {
                        let def = registry.get(name);
                        text.push_str("# No item for this scope is stored; the key's default:\n");
                        match def {
                            Some(d) if !d.default.is_empty() => {
                                text.push_str(&value_text(&d.default_value()));
                            }
                            _ => {}
                        }
                    }
                }
            }
        }
        Buffer {
            name: name.to_string(),
            target,
            text,
            items: items.to_vec(),
        }
    }

    /// The buffer for a stored value that does not parse: its text as
    /// stored, to be fixed (any valid list saved replaces it).
    pub fn open_unparseable(name: &str, raw: &str, registry: &Registry, place: &str) -> Buffer {
        let mut text = header(name, &Target::List, registry, place);
        text.push_str("# The stored value below does not parse: fix it, or replace it.\n");
        text.push_str(raw);
        if !raw.ends_with('\n') {
            text.push('\n');
        }
        Buffer {
            name: name.to_string(),
            target: Target::List,
            text,
            items: Vec::new(),
        }
    }

    /// The text to reopen a saved buffer with: the findings as comments at
    /// the top, then what was saved, its own comments and all.
    pub fn reopened(&self, saved: &str, findings: &[Finding]) -> String {
        let mut text = String::from("# Not written: fix what is found below and save again, or delete every line.\n");
        for f in findings.iter().filter(|f| f.level == Level::Error) {
            text.push_str(&format!("#   {}\n", comment_safe(&f.to_string())));
            if let Some(h) = &f.hint {
                text.push_str(&format!("#     hint: {}\n", comment_safe(h)));
            }
        }
        text.push_str("#\n");
        // The previous round's findings are not kept twice.
        let body = saved
            .split_inclusive('\n')
            .skip_while(|l| l.starts_with("# Not written:") || l.starts_with("#   ") || l.starts_with("#     hint:"))
            .skip_while(|l| *l == "#\n")
            .collect::<String>();
        text.push_str(&body);
        text
    }

    /// What `saved` (the buffer's text after the editor) says, read as
    /// `origin` (the file's name, for findings).
    pub fn read(&self, origin: &str, saved: &str, registry: &Registry, opts: &Options) -> Saved {
        let saved_body = body(saved);
        if saved_body.is_empty() {
            return Saved::Emptied;
        }
        // As opened (comments aside): even a default offered for a scope
        // with no item adds nothing.
        if saved_body == body(&self.text) {
            return Saved::Unchanged;
        }
        let items = match &self.target {
            Target::List => {
                let parsed = crate::model::parse::parse_items(origin, &self.name, saved);
                if parsed.has_errors() {
                    return Saved::Invalid(parsed.findings);
                }
                parsed.value
            }
            Target::Item(scope) => match item_value(origin, &self.name, saved) {
                Ok(value) => crate::changes::edit::upsert(&self.items, ConstrainedValue::new(value, scope.clone())),
                Err(f) => return Saved::Invalid(vec![*f]),
            },
        };
        if items == self.items {
            return Saved::Unchanged;
        }
        let findings = validate_key(
            origin,
            &Key::new(self.name.as_str()),
            Pos::default(),
            &items,
            registry,
            opts,
        );
        if findings.iter().any(|f| f.level == Level::Error) {
            Saved::Invalid(findings)
        } else {
            Saved::Items(items, findings)
        }
    }
}

/// A value as a buffer shows it: the canonical text of a one-item list's
/// value, without the list around it.
fn value_text(v: &Value) -> String {
    let one = items_to_yaml(&[ConstrainedValue::new(v.clone(), Constraints::default())]);
    // `- value: X` (and its continuation lines, indented by four).
    let rest = one.strip_prefix("- value:").unwrap_or(&one);
    let mut out = String::new();
    if let Some(inline) = rest.strip_prefix(' ') {
        if !inline.contains('\n') || inline.ends_with('\n') && inline.matches('\n').count() == 1 {
            out.push_str(inline.trim_end());
            out.push('\n');
            return out;
        }
    }
    for l in rest.lines().filter(|l| !l.trim().is_empty()) {
        out.push_str(l.strip_prefix("    ").unwrap_or(l.trim_start()));
        out.push('\n');
    }
    out
}

/// One item's value from a buffer: YAML, checked as `put` checks a value.
fn item_value(origin: &str, name: &str, text: &str) -> Result<Value, Box<Finding>> {
    let bad = |pos: Pos, message: String| Box::new(Finding::new(Code::YamlSyntax, origin, pos, Some(name), message));
    match crate::model::yaml::load(text) {
        Ok(Some(node)) => {
            let mut loose = Vec::new();
            let value = Value::from_owned_node(node, &mut loose)
                .map_err(|(pos, m)| bad(pos, format!("the value is not valid: {m}")))?;
            if let Some((pos, m)) = loose.into_iter().next() {
                return Err(bad(pos, format!("the value is not valid: {m}")));
            }
            Ok(value)
        }
        Ok(None) => Err(bad(Pos::default(), "the value is empty".into())),
        Err(e) => Err(bad(e.pos(), format!("not valid YAML: {e}"))),
    }
}

/// The lines that are not comments or blank, trimmed at the end.
fn body(text: &str) -> String {
    text.lines()
        .filter(|l| !l.trim_start().starts_with('#') && !l.trim().is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn registry() -> Registry {
        Registry::for_version(None).unwrap()
    }

    fn item(v: i64, ns: Option<&str>) -> ConstrainedValue {
        let c = Constraints {
            namespace: ns.map(str::to_string),
            ..Default::default()
        };
        ConstrainedValue::new(Value::Int(v), c)
    }

    #[test]
    fn a_list_buffer_says_the_type_default_and_description_and_reads_back() {
        let r = registry();
        let stored = vec![item(4000, Some("payments")), item(1200, None)];
        let b = Buffer::open("frontend.namespaceRPS", Target::List, &stored, &r, "/p/ on etcd x");
        assert!(
            b.text.starts_with(
                "# frontend.namespaceRPS on /p/ on etcd x\n# type: int; precedence: namespace; default: 2400\n"
            ),
            "{}",
            b.text
        );
        assert!(b.text.contains("# Lines starting with # are ignored."), "{}", b.text);
        let opts = Options::default();
        assert_eq!(b.read("b.yaml", &b.text, &r, &opts), Saved::Unchanged);
        assert_eq!(b.read("b.yaml", "# all gone\n\n", &r, &opts), Saved::Emptied);
        let edited = b.text.replace("value: 4000", "value: 5000");
        match b.read("b.yaml", &edited, &r, &opts) {
            Saved::Items(items, _) => assert_eq!(items[0], item(5000, Some("payments"))),
            other => panic!("{other:?}"),
        }
        // A string where an int goes: the finding names the file and line.
        let bad = b.text.replace("value: 4000", "value: lots");
        let Saved::Invalid(findings) = b.read("b.yaml", &bad, &r, &opts) else {
            panic!()
        };
        assert!(
            findings
                .iter()
                .any(|f| f.level == Level::Error && f.origin == "b.yaml" && f.line > 0),
            "{findings:?}"
        );
        let again = b.reopened(&bad, &findings);
        assert!(again.starts_with("# Not written:"), "{again}");
        assert!(again.contains("expected an int"), "{again}");
        assert!(again.ends_with(&bad), "the edit is kept: {again}");
        // Reopened twice: the findings are not stacked.
        assert_eq!(b.reopened(&again, &findings), again);
    }

    #[test]
    fn an_item_buffer_edits_one_value_and_keeps_the_others() {
        let r = registry();
        let stored = vec![item(4000, Some("payments")), item(1200, None)];
        let mut scope = Constraints {
            namespace: Some("payments".into()),
            ..Default::default()
        };
        let b = Buffer::open(
            "frontend.namespaceRPS",
            Target::Item(scope.clone()),
            &stored,
            &r,
            "here",
        );
        assert!(b.text.ends_with("\n4000\n"), "{}", b.text);
        let opts = Options::default();
        assert_eq!(b.read("b", &b.text, &r, &opts), Saved::Unchanged);
        match b.read("b", &b.text.replace("\n4000\n", "\n4500\n"), &r, &opts) {
            Saved::Items(items, _) => assert_eq!(items, vec![item(4500, Some("payments")), item(1200, None)]),
            other => panic!("{other:?}"),
        }
        // No item for the scope yet: the default is offered, and saving it
        // as is adds nothing.
        scope.namespace = Some("orders".into());
        let b = Buffer::open("frontend.namespaceRPS", Target::Item(scope), &stored, &r, "here");
        assert!(b.text.ends_with("default:\n2400\n"), "{}", b.text);
        assert_eq!(b.read("b", &b.text, &r, &opts), Saved::Unchanged);
        match b.read("b", &b.text.replace("\n2400\n", "\n300\n"), &r, &opts) {
            Saved::Items(items, _) => assert_eq!(items.len(), 3),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_map_value_is_shown_as_a_block() {
        let v = Value::Map([("MaximumAttempts".to_string(), Value::Int(3))].into_iter().collect());
        assert_eq!(value_text(&v), "MaximumAttempts: 3\n");
        assert_eq!(value_text(&Value::Int(7)), "7\n");
    }
}
