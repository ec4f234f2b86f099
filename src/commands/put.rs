//! `tcfg put`: set one item of a key, or replace its whole list.

use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use tcfg_core::changes::commit::Change;
use tcfg_core::changes::edit::{read_for_change, upsert};
use tcfg_core::changes::plan::key_plan;
use tcfg_core::temporal::validate::{validate, Options};
use tcfg_core::{parse_items, ConstrainedValue, Document, Key, Level, Value};

use tcfg_core::changes::record::FileDigest;

use crate::app::{commit_key_write, refuse_unread_scope, written_name, OverrideArgs, ScopeArgs, WriteArgs};
use crate::error::bail;
use crate::error::Result;
use crate::global::GlobalArgs;
use crate::output::{self};
use crate::present::report::write_findings;

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  tcfg put frontend.rps 2400\n  tcfg put frontend.namespaceRPS 4000 --namespace payments\n  tcfg put frontend.keepAliveMinTime 10s --yes\n  tcfg put history.defaultActivityRetryPolicy '{InitialIntervalInSeconds: 2, MaximumAttempts: 10}'\n  tcfg put frontend.namespaceRPS -f namespace-rps.yaml     # the whole list\n  tcfg put frontend.namespaceRPS 8000 --namespace payments --for 2h -m \"INC-42\"  # then restored\n  tcfg put system.secondaryVisibilityWritingMode '\"off\"'  # a string that YAML would read as a bool\n\nVALUE is read as YAML: 10 is an int, 10.5 a float, true a bool, 10s a string. The item whose constraints equal the scope flags is replaced (or added); the key's other items stay. The value is validated first, the change is shown as a diff, and the write fails, changing nothing, if someone else changed the key since it was read."
)]
pub struct PutArgs {
    /// The key, in any case (stored under its registered spelling)
    #[arg(value_name = "KEY", add = clap_complete::ArgValueCandidates::new(crate::app::complete::keys))]
    pub key_name: String,

    /// The item's value, as YAML
    #[arg(required_unless_present = "file", conflicts_with = "file")]
    pub value: Option<String>,

    /// Replace the key's whole list with the items in this file (`-` for stdin)
    #[arg(short = 'f', long = "file", value_name = "FILE")]
    pub file: Option<PathBuf>,

    #[command(flatten)]
    pub scope: ScopeArgs,

    #[command(flatten)]
    pub write: WriteArgs,

    #[command(flatten)]
    pub overriding: OverrideArgs,

    /// Accept a key the release does not register (custom server builds)
    #[arg(long)]
    pub allow_unknown_keys: bool,
}

fn parse_value(text: &str) -> Result<Value> {
    match tcfg_core::model::yaml::load(text) {
        Ok(Some(node)) => {
            let mut loose = Vec::new();
            let value = Value::from_owned_node(node, &mut loose)
                .map_err(|(_, m)| anyhow::anyhow!("the value is not valid: {m}"))?;
            // tcfg would store such a key as a string, which is not what Temporal reads from the value as given.
            if let Some((_, m)) = loose.first() {
                bail!("the value is not valid: {m}");
            }
            Ok(value)
        }
        Ok(None) => bail!("the value is empty: give a YAML value such as 10, true, 10s or '{{a: 1}}'"),
        Err(e) => bail!("the value is not valid YAML: {e}"),
    }
}

pub async fn run(global: &GlobalArgs, args: PutArgs) -> Result<u8> {
    let ends = args.overriding.ends();
    if ends.is_some() && args.file.is_some() {
        bail!("an override (--for, --until) sets one item: give KEY VALUE and scope flags, not -f");
    }
    crate::app::overriding::require_message(ends, args.write.message.as_deref())?;
    let registry = crate::app::registry(global)?;
    let name = written_name(&registry, &args.key_name, args.allow_unknown_keys)?;
    let scope = args.scope.constraints()?;
    if args.file.is_none() {
        refuse_unread_scope(&registry, &name, &scope)?;
    }
    // What to write, checked before anything is read from etcd.
    let mut files = Vec::new();
    let (from_file, file_items) = match &args.file {
        Some(path) => {
            let (origin, text) = crate::app::read_input(path)?;
            files.push(FileDigest::of(origin.clone(), text.as_bytes()));
            let parsed = parse_items(&origin, &name, &text);
            if parsed.has_errors() {
                let mut err = output::stderr();
                write_findings(
                    &mut err,
                    &parsed.findings,
                    &[(origin.clone(), text)].into_iter().collect(),
                )?;
                bail!("{origin} is not a valid list of items; nothing written");
            }
            (true, parsed.value)
        }
        None => {
            let value = parse_value(args.value.as_deref().context("a value is required")?)?;
            (false, vec![ConstrainedValue::new(value, scope.clone())])
        }
    };

    let crate::app::Opened {
        mut intent,
        place,
        store,
    } = crate::app::open_write(global, &registry, "put", files, &args.write).await?;
    let (read, current) = read_for_change(&store, &name).await?;
    let mut before = Vec::new();
    let new_items = if from_file {
        file_items
    } else {
        let current: Vec<ConstrainedValue> = match read.registered_or_first(store.prefix(), &name) {
            None => Vec::new(),
            Some(s) => match &s.items {
                Ok(items) => items.clone(),
                Err(findings) => {
                    let what = crate::present::report::unparseable(s, findings);
                    bail!("{what}: cannot change one item of it; replace the whole list with `tcfg put {name} -f FILE`, or `tcfg delete {name} --all`");
                }
            },
        };
        before = current.clone();
        upsert(&current, file_items.into_iter().next().expect("one item"))
    };

    // Validate the key as it would be stored.
    let mut doc = Document::new("new value");
    doc.insert(Key::new(name.clone()), new_items.clone());
    let findings = validate(
        &doc,
        &registry,
        &Options {
            allow_unknown_keys: args.allow_unknown_keys,
            ..Default::default()
        },
    );
    if !findings.is_empty() {
        let mut err = output::stderr();
        write_findings(&mut err, &findings, &Default::default())?;
        if findings.iter().any(|f| f.level == Level::Error) {
            bail!("the new value is invalid; nothing written");
        }
    }
    let plan = key_plan(
        store.prefix(),
        &name,
        &read.stored,
        &new_items,
        &registry,
        read.revision,
    );
    let mut change = Change::of_plan(&plan, &current, &registry);
    if let Some(ends) = ends {
        let set = new_items.iter().find(|i| i.constraints == scope);
        let beside = crate::app::overriding::begin(&store, &name, &scope, &before, set, ends, &mut intent).await?;
        change = change.with_beside(beside);
    }
    commit_key_write(&store, &name, &plan, change, &intent, args.write, &place).await
}
