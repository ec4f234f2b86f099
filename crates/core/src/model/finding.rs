//! Findings: what validation reports, each with a stable code.

use std::fmt;

use serde::Serialize;

use crate::model::yaml::Pos;

/// How serious a finding is: an error refuses (exit 1), a warning fails only with `--strict`, a note never.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Temporal would reject or misread it: refused (exit 1).
    Error,
    /// Likely a mistake: fails only with `--strict`.
    Warning,
    /// Worth knowing: never fails.
    Note,
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Note => "note",
        })
    }
}

macro_rules! codes {
    ($($variant:ident = $name:literal, $level:ident, $doc:literal;)*) => {
        /// A stable finding code. The names never change once released:
        /// scripts match on them.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code { $(#[doc = $doc] $variant,)* }

        impl Code {
            /// Every code, in declaration order.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The code's name, as findings and `--allow` show it.
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $name,)* }
            }

            /// The level a finding of this code has unless an option changes it.
            pub fn default_level(self) -> Level {
                match self { $(Code::$variant => Level::$level,)* }
            }

            /// What the code means, one sentence.
            pub fn description(self) -> &'static str {
                match self { $(Code::$variant => $doc,)* }
            }
        }
    };
}

codes! {
    YamlSyntax = "yaml-syntax", Error, "The text is not valid YAML (or JSON); Temporal rejects the whole file.";
    SecondDocument = "second-document", Warning, "The text holds more than one YAML document: Temporal reads only the first and ignores the rest, silently (an error when the rest holds anything, or the first is empty).";
    YamlLimit = "yaml-limit", Error, "The document nests deeper than 10,000 levels or expands aliases excessively: Temporal's YAML parser (yaml.v3) refuses it, and so does tcfg, before it costs memory.";
    DuplicateKey = "duplicate-key", Error, "A mapping key appears twice; Temporal rejects the whole file.";
    NotAMap = "not-a-map", Error, "The file, an item or a constraints field is not a map; Temporal rejects the whole file.";
    NullItem = "null-item", Warning, "A null item in a key's list; Temporal leaves it out silently.";
    NotAList = "not-a-list", Error, "A key's value is not a list of items; Temporal rejects the whole file.";
    UnknownConstraint = "unknown-constraint", Error, "A constraint name Temporal does not know; Temporal rejects the whole file.";
    BadConstraintType = "bad-constraint-type", Error, "A constraint value of the wrong YAML type (shardId must be an int, the others strings); Temporal rejects the whole file.";
    BadEnum = "bad-enum", Error, "A taskType or historyTaskType name Temporal does not know; Temporal rejects the whole file.";
    NonStringKey = "non-string-key", Error, "A map inside a value (or in a list inside it) has a key that is not a string; Temporal rejects the whole file.";
    NestedNonStringKey = "nested-non-string-key", Error, "A map nested in a string-keyed map inside a value has a key that is not a string: Temporal passes it on unchecked as a number, bool or time; tcfg reads it as text, and writing it back would make it a string key, another value (stricter on purpose).";
    UnknownItemField = "unknown-item-field", Error, "An item field other than `value` and `constraints`; Temporal ignores it silently.";
    NotAKeyName = "not-a-key-name", Error, "An unregistered name that cannot be a dynamic config key (a nested path, empty, or not shaped like `area.name`): under an etcd prefix tcfg treats it as another application's key, so it is never written.";
    UnknownKey = "unknown-key", Error, "A key the selected Temporal release does not register; Temporal only warns and ignores it.";
    TypeMismatch = "type-mismatch", Error, "A value Temporal cannot convert to the key's type; Temporal uses the compiled-in default.";
    BadDuration = "bad-duration", Error, "A duration string Temporal cannot parse; Temporal uses the compiled-in default.";
    NeverMatches = "never-matches", Error, "An item whose constraint set is none of the key's precedence levels, so no lookup ever reads it.";
    DuplicateConstraints = "duplicate-constraints", Error, "Two items of one key with equal constraints; Temporal silently uses the first.";
    CaseDuplicateKey = "case-duplicate-key", Error, "One key written in two spellings; Temporal picks one at random.";
    CaseDuplicateConstraint = "case-duplicate-constraint", Error, "One constraint given twice in an item, in two cases; Temporal uses one at random.";
    CaseAmbiguousField = "case-ambiguous-field", Error, "A field of a structured value written in two cases with neither exact: Temporal decodes one of them at random.";
    DroppedEntry = "dropped-entry", Warning, "A list entry of a structured value that Temporal's converter drops silently (an allowed address with no Pattern).";
    NullValue = "null-value", Warning, "A null value on a structured setting that Temporal reads as something other than the default (an empty list).";
    IgnoredField = "ignored-field", Warning, "A field of a structured value that Temporal does not know and silently ignores.";
    NumberWraps = "number-wraps", Warning, "A number Temporal cannot hold as written: it wraps or truncates to another value (the message says which), with no word in its logs.";
    ZeroConstraint = "zero-constraint", Warning, "A constraint with a zero value (shardId: 0, namespace: \"\") or a null name, which Temporal reads as unset or leaves out.";
    DeadConstraint = "dead-constraint", Warning, "A constraint number no lookup ever asks for (a history task type the release does not have, a task queue type other than Workflow, Activity and Nexus, a negative shard ID): Temporal loads the item silently and never uses it.";
    ZeroRateLimit = "zero-rate-limit", Warning, "Zero or a negative number on a rate, limit or size setting: dangerous, though sometimes deliberate.";
    PartitionMismatch = "partition-mismatch", Warning, "Fewer read partitions than write partitions for one scope: tasks in the extra partitions are never read.";
    PartitionOrder = "partition-order", Error, "A change that lowers task queue read partitions below the write partitions in effect before or after it: tasks already in the partitions no longer read are never read (lower write partitions first, let them drain, then read partitions).";
    LargeChange = "large-change", Warning, "A change that makes a rate, QPS, limit or size setting more than 10 times larger or smaller, or zero.";
    GradualChangeTiming = "gradual-change-timing", Warning, "A GradualChange whose Start is more than 30 days ahead, or whose End is already past (every key then sees New at once).";
    NullDefault = "null-default", Note, "A null value on a structured setting that Temporal reads as exactly the default: the item changes nothing.";
    ShadowedByBuiltin = "shadowed-by-builtin", Note, "A value that a more specific built-in default overrides for some task queues.";
}

impl Code {
    /// An error for which a stored value is not served as written: Temporal
    /// rejects it (a whole file, or the key read from etcd), cannot convert
    /// it, or picks one of two spellings at random; tcfg could not keep it
    /// unchanged; or its reading is not certain (an item field Temporal
    /// ignores, likely a misspelt `value` or `constraints`). Such a value is
    /// refused wherever it is read (the watch client keeps the last good
    /// items, `render` holds the key back, `status` counts it). The other
    /// errors are what `put` and `apply` refuse to write, though Temporal
    /// serves such a value deterministically and as meant (an item no lookup
    /// reads, a key the release does not know, the first of two items with
    /// equal constraints).
    pub fn refuses_stored_value(self) -> bool {
        self.default_level() == Level::Error
            && !matches!(
                self,
                Code::UnknownKey
                    | Code::NeverMatches
                    | Code::DuplicateConstraints
                    | Code::NotAKeyName
                    | Code::CaseDuplicateKey
            )
            && !self.of_a_change()
    }

    /// A finding about a change (its before and after), which no single
    /// file can show: `changes::review` makes them.
    pub fn of_a_change(self) -> bool {
        matches!(
            self,
            Code::PartitionOrder | Code::LargeChange | Code::GradualChangeTiming
        )
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// One problem (or remark) about a source, pointing at its line and column.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Finding {
    /// What kind of problem.
    pub code: Code,
    /// How serious, as the options have it.
    pub level: Level,
    /// The file (or `<stdin>`, or an etcd key) the finding is about.
    #[serde(rename = "file")]
    pub origin: String,
    /// The line, from 1 (0: no position).
    pub line: u32,
    /// The column, from 1.
    pub column: u32,
    /// The dynamic config key, as written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// What is wrong, one sentence.
    pub message: String,
    /// What to do about it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    /// What would change the verdict, beyond the hint's facts: for the
    /// caller to phrase in its own terms (a CLI names its flags).
    #[serde(skip)]
    pub remedy: Option<Remedy>,
}

/// A change of the validation's own settings that would change a finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Remedy {
    /// Accept keys the release does not register (a custom server build).
    AllowUnknownKeys,
    /// Validate against another Temporal release: this one (`1.30`), or
    /// the one the server runs.
    Release(Option<&'static str>),
    /// Register the key in a custom schema.
    CustomSchema,
}

impl Finding {
    /// A finding of `code` at `pos` in `origin`, about `key` when it is about one, at the code's default level.
    pub fn new(code: Code, origin: &str, pos: Pos, key: Option<&str>, message: impl Into<String>) -> Self {
        Finding {
            code,
            level: code.default_level(),
            origin: origin.to_string(),
            line: pos.line,
            column: pos.col,
            key: key.map(str::to_string),
            message: message.into(),
            hint: None,
            remedy: None,
        }
    }

    /// This finding with a hint: what to do about it.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// This finding with a remedy tcfg can apply.
    pub fn with_remedy(mut self, remedy: Remedy) -> Self {
        self.remedy = Some(remedy);
        self
    }

    /// This finding at `level` (an option changed it).
    pub fn with_level(mut self, level: Level) -> Self {
        self.level = level;
        self
    }

    /// Where it points.
    pub fn pos(&self) -> Pos {
        Pos::new(self.line, self.column)
    }

    /// `file:line:col`, or the file alone when the position is unknown.
    pub fn location(&self) -> String {
        if self.line == 0 {
            self.origin.clone()
        } else {
            format!("{}:{}:{}", self.origin, self.line, self.column)
        }
    }
}

impl fmt::Display for Finding {
    /// `error[never-matches]: prod.yaml:12:5: frontend.rps: message`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}[{}]: {}: ", self.level, self.code, self.location())?;
        if let Some(k) = &self.key {
            write!(f, "{k}: ")?;
        }
        f.write_str(&self.message)
    }
}

/// Sort findings by file position, then code, for stable reports.
pub fn sort(findings: &mut [Finding]) {
    findings.sort_by(order);
}

/// The order of [`sort`].
pub fn order(a: &Finding, b: &Finding) -> std::cmp::Ordering {
    (a.origin.as_str(), a.line, a.column, a.code).cmp(&(b.origin.as_str(), b.line, b.column, b.code))
}
