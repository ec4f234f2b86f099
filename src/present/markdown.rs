//! A change as a pull-request comment (`-o markdown`): a summary per
//! prefix, then one collapsible section per key with its findings, its
//! effect per scope, a restart note and its diff. GitHub refuses comments
//! over 65,536 characters, so the comment is kept under [`LIMIT`] bytes:
//! keys with findings come first, and what does not fit is summarised.

use std::collections::{HashMap, HashSet};
use std::io::{self, Write};

use tcfg_core::changes::effect::{effect, KeyEffect};
use tcfg_core::changes::plan::{Action, KeyChange, Plan};
use tcfg_core::model::finding::{Finding, Level};
use tcfg_core::temporal::registry::Registry;

/// The comment's budget in bytes (GitHub counts characters, which are never
/// more than bytes), with room for a CI job's own header.
pub const LIMIT: usize = 65_000;

/// Scopes listed per key before the rest are counted.
const SCOPES_SHOWN: usize = 20;

/// Diff lines shown per key before the rest are counted.
const DIFF_LINES_SHOWN: usize = 200;

/// Room kept per prefix for the note on keys that did not fit.
const OVERFLOW_NOTE: usize = 1_500;

/// One prefix's change and its findings.
pub struct Review<'a> {
    pub label: String,
    pub plan: &'a Plan,
    pub findings: &'a [Finding],
}

/// The comment: `title` names the command (`tcfg diff`).
pub fn write(w: &mut impl Write, title: &str, reviews: &[Review], registry: &Registry) -> io::Result<()> {
    w.write_all(render(title, reviews, registry).as_bytes())
}

/// [`write`], as a string.
pub fn render(title: &str, reviews: &[Review], registry: &Registry) -> String {
    let heads: Vec<String> = reviews.iter().map(head).collect();
    let mut out = format!("## {}\n\n", escape(title));
    let fixed: usize = out.len() + heads.iter().map(|h| h.len() + OVERFLOW_NOTE).sum::<usize>();
    let mut room = LIMIT.saturating_sub(fixed);
    // Sections go in while they fit; once one does not, none after it does,
    // so what is shown is always a prefix of the order (findings first),
    // and no section is made that cannot be shown (a change of 100,000
    // keys shows a few hundred).
    let mut full = false;
    for (review, head) in reviews.iter().zip(&heads) {
        out.push_str(head);
        let by_key = by_key(review);
        let mut left_out: Vec<&KeyChange> = Vec::new();
        for change in ordered(review, &by_key) {
            if !full {
                let text = section(review, &by_key, change, registry);
                if text.len() <= room {
                    room -= text.len();
                    out.push_str(&text);
                    continue;
                }
                full = true;
            }
            left_out.push(change);
        }
        if !left_out.is_empty() {
            out.push_str(&overflow_note(&by_key, &left_out));
        }
    }
    out
}

/// The prefix's heading and summary line.
fn head(r: &Review) -> String {
    let p = r.plan;
    let mut s = format!("### `{}`\n\n", code_span(&r.label));
    if p.is_empty() {
        s.push_str("No changes");
    } else {
        s.push_str(&format!("**{}**", escape(&p.summary())));
    }
    s.push_str(&format!(" ({} unchanged", p.unchanged));
    if p.kept_existing > 0 {
        s.push_str(&format!(", {} existing left alone", p.kept_existing));
    }
    s.push(')');
    let (errors, warnings) = counts(r.findings.iter());
    if errors + warnings > 0 {
        s.push_str(&format!(" · {}", finding_counts(errors, warnings)));
    }
    let restarts = p.changes.iter().filter(|c| c.restart).count();
    if restarts > 0 {
        s.push_str(&format!(
            " · {restarts} key{} take{} effect only when the servers restart",
            plural(restarts),
            if restarts == 1 { "s" } else { "" }
        ));
    }
    s.push_str("\n\n");
    if errors > 0 {
        s.push_str("> **This change has errors: `tcfg apply` refuses it.**\n\n");
    }
    // Findings no key's section shows: about no key, or about a key the
    // change leaves as it is (a file's warning).
    let changed: HashSet<String> = p.changes.iter().map(|c| c.name.to_ascii_lowercase()).collect();
    let elsewhere: Vec<&Finding> = r
        .findings
        .iter()
        .filter(|f| {
            f.key
                .as_ref()
                .is_none_or(|k| !changed.contains(&k.to_ascii_lowercase()))
        })
        .collect();
    if !elsewhere.is_empty() {
        s.push_str("Findings in keys this change leaves as they are:\n\n");
        for f in elsewhere.iter().take(FINDINGS_SHOWN) {
            s.push_str(&format!("- {}\n", located_finding_line(f)));
        }
        if elsewhere.len() > FINDINGS_SHOWN {
            s.push_str(&format!(
                "- … and {} more: `tcfg validate` lists them all\n",
                elsewhere.len() - FINDINGS_SHOWN
            ));
        }
        s.push('\n');
    }
    s
}

/// Findings listed outside the keys' sections before the rest are counted.
const FINDINGS_SHOWN: usize = 20;

/// A finding with the file and line it points at (a key's own section needs
/// no place; a list of many does).
fn located_finding_line(f: &Finding) -> String {
    let at = match (f.line, f.key.as_deref()) {
        (0, Some(k)) => format!("`{}` ", code_span(k)),
        (0, None) => String::new(),
        (line, key) => format!(
            "`{}:{line}`{} ",
            code_span(&f.origin),
            key.map(|k| format!(" `{}`", code_span(k))).unwrap_or_default()
        ),
    };
    format!("{at}{}", finding_line(f))
}

/// The comment for files that cannot be planned: what is wrong, where.
pub fn invalid(title: &str, findings: &[Finding]) -> String {
    let mut out = format!(
        "## {}\n\n> ❌ **The files are invalid: nothing was planned, and `tcfg apply` refuses them.**\n\n",
        escape(title)
    );
    let mut shown = 0;
    for f in findings.iter().filter(|f| f.level != Level::Note) {
        let line = format!("- {}\n", located_finding_line(f));
        if out.len() + line.len() + OVERFLOW_NOTE > LIMIT {
            break;
        }
        out.push_str(&line);
        shown += 1;
    }
    let listed = findings.iter().filter(|f| f.level != Level::Note).count();
    if shown < listed {
        out.push_str(&format!(
            "\n> **{} more not shown** (the comment's size limit): `tcfg validate` lists them all.\n",
            listed - shown
        ));
    }
    out
}

/// Keys with errors first, then with warnings, then the rest, each in the
/// plan's order.
fn ordered<'a>(r: &Review<'a>, by_key: &ByKey) -> Vec<&'a KeyChange> {
    let rank = |c: &KeyChange| {
        let (errors, warnings) = counts(findings_of(by_key, c).iter().copied());
        if errors > 0 {
            0
        } else if warnings > 0 {
            1
        } else {
            2
        }
    };
    let mut changes: Vec<&KeyChange> = r.plan.changes.iter().collect();
    changes.sort_by_key(|c| rank(c));
    changes
}

/// A review's findings by key (folded), found once: each key's section
/// looks its own up, never scans them all.
type ByKey<'a> = HashMap<String, Vec<&'a Finding>>;

fn by_key<'a>(r: &Review<'a>) -> ByKey<'a> {
    let mut map: ByKey<'a> = HashMap::new();
    for f in r.findings {
        if let Some(k) = &f.key {
            map.entry(k.to_ascii_lowercase()).or_default().push(f);
        }
    }
    map
}

fn findings_of<'m, 'a>(by_key: &'m ByKey<'a>, c: &KeyChange) -> &'m [&'a Finding] {
    by_key.get(&c.name.to_ascii_lowercase()).map_or(&[], Vec::as_slice)
}

fn counts<'a>(findings: impl Iterator<Item = &'a Finding>) -> (usize, usize) {
    findings.fold((0, 0), |(e, w), f| match f.level {
        Level::Error => (e + 1, w),
        Level::Warning => (e, w + 1),
        Level::Note => (e, w),
    })
}

fn finding_counts(errors: usize, warnings: usize) -> String {
    let mut parts = Vec::new();
    if errors > 0 {
        parts.push(format!("❌ {errors} error{}", plural(errors)));
    }
    if warnings > 0 {
        parts.push(format!("⚠️ {warnings} warning{}", plural(warnings)));
    }
    parts.join(", ")
}

fn action_word(a: Action) -> &'static str {
    match a {
        Action::Create => "create",
        Action::Update => "update",
        Action::Delete => "delete",
    }
}

/// One key's collapsible section.
fn section(r: &Review, by_key: &ByKey, c: &KeyChange, registry: &Registry) -> String {
    let findings = findings_of(by_key, c);
    let (errors, warnings) = counts(findings.iter().copied());
    let mark = if errors > 0 {
        "❌ "
    } else if warnings > 0 {
        "⚠️ "
    } else {
        ""
    };
    let mut extra = Vec::new();
    if errors + warnings > 0 {
        extra.push(finding_counts(errors, warnings));
    }
    if c.restart {
        extra.push("restart".to_string());
    }
    let extra = if extra.is_empty() {
        String::new()
    } else {
        format!(" ({})", html(&extra.join("; ")))
    };
    // The summary is HTML: markdown is not read inside it. The blank line
    // after it lets the body be read as markdown again.
    let mut s = format!(
        "<details><summary>{mark}<code>{}</code>: {}{extra}</summary>\n\n",
        html(&c.name),
        action_word(c.action)
    );
    for f in findings {
        s.push_str(&format!("- {}\n", finding_line(f)));
    }
    if !findings.is_empty() {
        s.push('\n');
    }
    if c.restart {
        s.push_str("> **Restart:** Temporal applies this key only when its servers restart.\n\n");
    }
    match effect(c, registry) {
        Some(e) => s.push_str(&effect_list(&e)),
        None => s.push_str(&format!(
            "The registry ({}) does not register this key, so its effect per scope is not shown.\n\n",
            escape(&registry.version)
        )),
    }
    s.push_str(&diff_block(r.plan, c));
    s.push_str("</details>\n\n");
    s
}

fn finding_line(f: &Finding) -> String {
    let mark = match f.level {
        Level::Error => "❌",
        Level::Warning => "⚠️",
        Level::Note => "ℹ️",
    };
    let mut s = format!("{mark} **{}** `{}`: {}", f.level, f.code, escape(&f.message));
    if let Some(hint) = &f.hint {
        s.push_str(&format!(" *Hint:* {}", escape(hint)));
    }
    s
}

fn effect_list(e: &KeyEffect) -> String {
    let mut s = String::from("**Effect**\n\n");
    for scope in e.scopes.iter().take(SCOPES_SHOWN) {
        let sentence = scope.to_string();
        if scope.changes() {
            s.push_str(&format!("- **{}**\n", escape(&sentence)));
        } else {
            s.push_str(&format!("- {}\n", escape(&sentence)));
        }
    }
    let rest = e.scopes.len().saturating_sub(SCOPES_SHOWN);
    if rest > 0 {
        let changing = e.scopes[SCOPES_SHOWN..].iter().filter(|s| s.changes()).count();
        s.push_str(&format!(
            "- … and {rest} more scope{} ({changing} of them change{})\n",
            plural(rest),
            if changing == 1 { "s" } else { "" }
        ));
    }
    s.push('\n');
    s
}

/// The key's diff in a fenced block, cut after [`DIFF_LINES_SHOWN`] lines.
fn diff_block(plan: &Plan, c: &KeyChange) -> String {
    let mut raw = Vec::new();
    crate::present::plan_view::write_key_diffs(&mut anstream::StripStream::new(&mut raw), plan, c)
        .expect("writing to memory does not fail");
    let text = String::from_utf8_lossy(&raw);
    let total = text.lines().count();
    let mut body: String = text.lines().take(DIFF_LINES_SHOWN).flat_map(|l| [l, "\n"]).collect();
    if total > DIFF_LINES_SHOWN {
        body.push_str(&format!(
            "… {} more lines: `tcfg diff` shows them all\n",
            total - DIFF_LINES_SHOWN
        ));
    }
    // A fence longer than any run of backticks in the text: a value cannot
    // close the block early.
    let longest = body.split(|ch| ch != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest.max(2) + 1);
    format!("{fence}diff\n{body}{fence}\n\n")
}

/// The keys that did not fit, counted and named while the room lasts.
fn overflow_note(by_key: &ByKey, left_out: &[&KeyChange]) -> String {
    let n = left_out.len();
    let by = |a: Action| left_out.iter().filter(|c| c.action == a).count();
    let (errors, warnings) = counts(left_out.iter().flat_map(|c| findings_of(by_key, c).iter().copied()));
    let mut s = format!(
        "> **{n} more key{} not shown** (the comment's size limit): {} to create, {} to update, {} to delete",
        plural(n),
        by(Action::Create),
        by(Action::Update),
        by(Action::Delete)
    );
    if errors + warnings > 0 {
        s.push_str(&format!("; {}", finding_counts(errors, warnings)));
    }
    s.push_str(". Run `tcfg diff` to see every change.");
    let mut names = String::new();
    let room = OVERFLOW_NOTE.saturating_sub(s.len() + 40);
    let mut listed = 0;
    for c in left_out {
        let item = format!("{}`{}`", if listed == 0 { "" } else { ", " }, code_span(&c.name));
        if names.len() + item.len() > room {
            break;
        }
        names.push_str(&item);
        listed += 1;
    }
    if listed > 0 {
        s.push_str(&format!("\n> Not shown: {names}"));
        if listed < n {
            s.push_str(&format!(" and {} more", n - listed));
        }
        s.push('.');
    }
    s.push_str("\n\n");
    s
}

/// An upgrade report (`tcfg upgrade-check -o markdown`): what to do, then
/// the behaviour changes to review, each with its evidence; cut to
/// [`LIMIT`] like a review.
pub fn upgrade(report: &tcfg_core::temporal::upgrade::Report, label: &str) -> String {
    let (work, review): (Vec<_>, Vec<_>) = report.steps.iter().partition(|s| s.kind.is_work());
    let mut out = format!(
        "## tcfg upgrade-check: {} → {}\n\n`{}`: **{} to do**, {} to review\n\n",
        report.from,
        report.to,
        code_span(label),
        work.len(),
        review.len()
    );
    let mut left_out = 0;
    for (title, steps) in [("To do", &work), ("To review: behaviour changes", &review)] {
        if steps.is_empty() {
            continue;
        }
        out.push_str(&format!("### {title}\n\n"));
        for s in steps.iter() {
            let mut line = format!("- `{}` ({}): {}", code_span(&s.key), s.kind, escape(&s.message));
            if let Some(e) = &s.evidence {
                line.push_str(&format!(" <sub>Evidence: {}</sub>", html(e)));
            }
            line.push('\n');
            if out.len() + line.len() + OVERFLOW_NOTE > LIMIT {
                left_out += 1;
                continue;
            }
            out.push_str(&line);
        }
        out.push('\n');
    }
    if left_out > 0 {
        out.push_str(&format!(
            "> **{left_out} more not shown** (the comment's size limit): `tcfg upgrade-check -o json` lists them all.\n"
        ));
    }
    out
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// Text for HTML (the `<summary>` line).
fn html(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// Text inside a markdown paragraph or list item: every character markdown
/// could read as syntax is escaped, and line breaks become spaces.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '\n' | '\r' => out.push(' '),
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '~' | '&' | '!' => {
                out.push('\\');
                out.push(ch);
            }
            _ => out.push(ch),
        }
    }
    out
}

/// Text for a single-backtick code span: backticks and line breaks, which
/// would end or split it, become `'` and spaces.
fn code_span(s: &str) -> String {
    s.replace('`', "'").replace(['\n', '\r'], " ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulldown_cmark::{html, CodeBlockKind, Event, Options, Parser, Tag, TagEnd};
    use tcfg_core::changes::plan::{plan, snapshot_of, PlanOptions};
    use tcfg_core::changes::review::review_at;
    use tcfg_core::model::parse::parse_document;

    /// A change from `old` to `new` (pruning), reviewed as of a fixed time.
    fn comment_of(old: &str, new: &str) -> String {
        let registry = Registry::for_version(Some("1.31")).unwrap();
        let current = snapshot_of(&parse_document("old.yaml", old).value);
        let desired = parse_document("new.yaml", new).value;
        let opts = PlanOptions {
            prune: true,
            ..Default::default()
        };
        let p = plan(&desired, &current, &registry, opts);
        let now = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_790_000_000);
        let findings = review_at(&p, &current, &registry, now);
        let review = Review {
            label: "/temporal/dynamicconfig/".into(),
            plan: &p,
            findings: &findings,
        };
        render("tcfg diff", &[review], &registry)
    }

    fn to_html(md: &str) -> String {
        let mut out = String::new();
        html::push_html(&mut out, Parser::new_ext(md, Options::ENABLE_TABLES));
        out
    }

    /// The text of every fenced `diff` block, as a CommonMark reader sees it.
    fn diff_blocks(md: &str) -> Vec<String> {
        let mut blocks = Vec::new();
        let mut current: Option<String> = None;
        for event in Parser::new(md) {
            match event {
                Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(lang))) if &*lang == "diff" => {
                    current = Some(String::new())
                }
                Event::Text(t) => {
                    if let Some(c) = &mut current {
                        c.push_str(&t)
                    }
                }
                Event::End(TagEnd::CodeBlock) => blocks.extend(current.take()),
                _ => {}
            }
        }
        blocks
    }

    const OLD: &str = "\
frontend.namespaceRPS:
- value: 2000
- value: 4000
  constraints: {namespace: payments}
matching.numTaskqueueReadPartitions:
- value: 8
matching.numTaskqueueWritePartitions:
- value: 8
history.cacheSizeBasedLimit:
- value: true
";
    const NEW: &str = "\
frontend.namespaceRPS:
- value: 3000
- value: 4000
  constraints: {namespace: payments}
matching.numTaskqueueReadPartitions:
- value: 2
matching.numTaskqueueWritePartitions:
- value: 8
frontend.rps:
- value: 0
";

    #[test]
    fn a_review_comment_reads_as_commonmark() {
        let md = comment_of(OLD, NEW);
        insta::assert_snapshot!("review-markdown", md);
        let html = to_html(&md);
        insta::assert_snapshot!("review-html", html);
        // Each key's diff is a code block inside its own <details>, not
        // text swallowed by the HTML block.
        assert_eq!(html.matches("<details>").count(), 4);
        assert_eq!(html.matches("<pre><code class=\"language-diff\">").count(), 4);
        assert!(
            html.contains("<li>namespace=payments keeps 4000: it has its own item</li>"),
            "{html}"
        );
        assert!(
            html.contains("<li><strong>everything else: 2000 → 3000</strong></li>"),
            "{html}"
        );
        // Keys with findings come first: the error, then the warning.
        let order: Vec<usize> = [
            "numTaskqueueReadPartitions",
            "frontend.rps</code>",
            "frontend.namespaceRPS",
        ]
        .iter()
        .map(|k| html.find(k).unwrap())
        .collect();
        assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
    }

    #[test]
    fn markdown_in_names_and_values_stays_text() {
        let old = "frontend.namespaceRPS:\n- value: 10\n  constraints: {namespace: \"*bold* <b>x</b> [l](u) `c`\"}\n";
        let new = "frontend.namespaceRPS:\n- value: 20\n  constraints: {namespace: \"*bold* <b>x</b> [l](u) `c`\"}\n";
        let html = to_html(&comment_of(old, new));
        assert!(
            !html.contains("<b>x</b>") && !html.contains("<em>bold</em>") && !html.contains("<a "),
            "{html}"
        );
        assert!(
            html.contains("namespace=*bold* &lt;b&gt;x&lt;/b&gt; [l](u) `c`: 10 → 20"),
            "{html}"
        );
    }

    #[test]
    fn a_value_with_backticks_cannot_close_its_diff_block() {
        let new = "frontend.namespaceRPS:\n- value: 1\n  constraints: {namespace: \"a```b\"}\n";
        let md = comment_of("", new);
        let blocks = diff_blocks(&md);
        assert_eq!(blocks.len(), 1);
        assert!(blocks[0].contains("namespace: a```b"), "{}", blocks[0]);
        assert!(to_html(&md).trim_end().ends_with("</details>"));
    }

    #[test]
    fn a_change_of_five_thousand_keys_fits_in_one_comment() {
        // Every registered int key, and custom keys (a custom server
        // build's) to make 5,000 updates.
        let registry = Registry::for_version(Some("1.31")).unwrap();
        let names: Vec<String> = registry
            .keys()
            .iter()
            .filter(|k| matches!(k.value_type, tcfg_core::temporal::registry::ValueType::Int))
            .map(|k| k.name.clone())
            .chain((0..).map(|i| format!("custom.setting{i:04}")))
            .take(5_000)
            .collect();
        let (mut old, mut new) = (String::new(), String::new());
        for name in &names {
            let c = "  constraints: {namespace: payments}\n";
            old.push_str(&format!("{name}:\n- value: 1\n{c}- value: 7\n"));
            new.push_str(&format!("{name}:\n- value: 0\n{c}- value: 7\n"));
        }
        let n = names.len();
        let keys = n;
        let md = comment_of(&old, &new);
        assert!(md.len() <= LIMIT, "{} bytes", md.len());
        let html = to_html(&md);
        let shown = html.matches("<details>").count();
        assert!(shown > 10 && shown < keys, "{shown} of {keys} shown");
        assert_eq!(html.matches("<pre><code class=\"language-diff\">").count(), shown);
        let note = format!("{} more keys not shown", keys - shown);
        assert!(
            md.contains(&note),
            "the comment says what it left out: {}",
            &md[md.len() - 2000..]
        );
        assert!(md.contains(&format!("0 to create, {} to update, 0 to delete", keys - shown)));
    }
}
