//! Which etcd release each member runs, and what tcfg knows about how that
//! release answers: whether a watch's progress answer comes only after
//! every past event (which history reads and the watch client lean on),
//! and which releases etcd itself advises against.
//!
//! Old releases never change, so what they do is known for good: the
//! version a member reports decides how tcfg reads from it.

use serde::Serialize;

use super::Store;

/// An etcd release, as `major.minor.patch` (a suffix such as `-rc.0` is
/// ignored).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Release {
    /// The major version.
    pub major: u32,
    /// The minor version.
    pub minor: u32,
    /// The patch version.
    pub patch: u32,
}

/// How a release answers a progress request on a watch that is still
/// sending its past (the weakest first).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProgressAnswers {
    /// At once, with etcd's current revision, possibly before past events
    /// still to be sent: before 3.4.25 and 3.5.8 (etcd issue #15220). Such
    /// an answer says nothing about what was sent.
    Early,
    /// Only after every past event, but a request made while the watch
    /// catches up may never be answered, nor any request after it on that
    /// stream: 3.4.25 to 3.4.30 and 3.5.8 to 3.5.12 (etcd issue #17507).
    MayBeLost,
    /// Only after every past event, always: 3.4.31+, 3.5.13+, 3.6+.
    InOrder,
}

/// A problem etcd's maintainers fixed in a later release, as `status`
/// flags it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct KnownProblem {
    /// What the release does, as a predicate ("answers …"), with etcd's issue.
    pub problem: &'static str,
    /// The first releases without it.
    pub fixed_in: &'static str,
    /// What tcfg does about it, as a sentence.
    pub tcfg: &'static str,
}

impl Release {
    /// `3.5.1`, `v3.4.23`, `3.6.0-rc.2`; `None` for anything else.
    pub fn parse(text: &str) -> Option<Release> {
        let text = text.trim().trim_start_matches('v');
        let core = text.split(['-', '+']).next()?;
        let mut parts = core.split('.').map(|p| p.parse::<u32>().ok());
        let (major, minor, patch) = (parts.next()??, parts.next()??, parts.next()??);
        if parts.next().is_some() {
            return None;
        }
        Some(Release { major, minor, patch })
    }

    /// How this release's members answer progress requests.
    pub fn progress_answers(&self) -> ProgressAnswers {
        let Release { major, minor, patch } = *self;
        match (major, minor) {
            (m, _) if m > 3 => ProgressAnswers::InOrder,
            (3, n) if n >= 6 => ProgressAnswers::InOrder,
            (3, 5) if patch >= 13 => ProgressAnswers::InOrder,
            (3, 5) if patch >= 8 => ProgressAnswers::MayBeLost,
            (3, 4) if patch >= 31 => ProgressAnswers::InOrder,
            (3, 4) if patch >= 25 => ProgressAnswers::MayBeLost,
            _ => ProgressAnswers::Early,
        }
    }

    /// Whether tcfg supports this release (3.4 to 3.7 are tested; later
    /// releases are expected to keep etcd's API).
    pub fn supported(&self) -> bool {
        (self.major, self.minor) >= (3, 4)
    }

    /// The problems etcd fixed after this release that touch what tcfg
    /// does, or that etcd warns against running.
    pub fn known_problems(&self) -> Vec<KnownProblem> {
        let mut out = Vec::new();
        if !self.supported() {
            out.push(KnownProblem {
                problem: "is older than every release tcfg is tested with",
                fixed_in: "3.4 and later",
                tcfg: "tcfg reads it as the oldest releases it knows; nothing is promised",
            });
        }
        if (self.major, self.minor) == (3, 5) && self.patch <= 2 {
            out.push(KnownProblem {
                problem: "may apply writes inconsistently on a member after a crash, as etcd warns for 3.5.0 to 3.5.2",
                fixed_in: "3.5.3",
                tcfg: "tcfg cannot help with it: upgrade etcd",
            });
        }
        match self.progress_answers() {
            ProgressAnswers::Early => out.push(KnownProblem {
                problem:
                    "answers a watch progress request before the past events it still has to send, etcd issue #15220",
                fixed_in: "3.4.25 and 3.5.8",
                tcfg: "tcfg reads history and watches without relying on progress answers",
            }),
            ProgressAnswers::MayBeLost => out.push(KnownProblem {
                problem: "may leave a watch progress request unanswered, etcd issue #17507",
                fixed_in: "3.4.31 and 3.5.13",
                tcfg: "tcfg reads history and watches without relying on progress answers",
            }),
            ProgressAnswers::InOrder => {}
        }
        out
    }
}

impl std::fmt::Display for Release {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

impl Store {
    /// The release each configured endpoint reports, in endpoint order
    /// (`None`: no answer, or a version tcfg cannot read).
    pub async fn releases(&self) -> Vec<Option<Release>> {
        // Within the dial timeout: a member down or frozen is not waited
        // for longer than connecting to it would be.
        let budget = self.settings.dial_timeout;
        self.member_statuses(budget)
            .await
            .into_iter()
            .map(|s| s.ok().and_then(|s| Release::parse(s.version())))
            .collect()
    }

    /// How this cluster answers progress requests, asked once per store
    /// (every clone shares the answer): see [`Store::ask_progress_answers`].
    pub(crate) async fn progress_answers(&self) -> ProgressAnswers {
        if let Some(assumed) = self.assumed_progress {
            return assumed;
        }
        *self
            .progress_answers
            .get_or_init(|| async { self.ask_progress_answers().await })
            .await
    }

    /// How this cluster answers progress requests: the weakest answer of
    /// the members that said which release they run (requests may reach
    /// any of them), and the weakest of all when none said. Asked anew: a
    /// long-running watcher asks again after each reload.
    pub(crate) async fn ask_progress_answers(&self) -> ProgressAnswers {
        if let Some(assumed) = self.assumed_progress {
            return assumed;
        }
        self.releases()
            .await
            .into_iter()
            .flatten()
            .map(|r| r.progress_answers())
            .min()
            .unwrap_or(ProgressAnswers::Early)
    }

    /// The same store, reading as if every member answered progress
    /// requests this way: for tests of the paths older releases take.
    #[doc(hidden)]
    pub fn assuming_progress_answers(mut self, answers: ProgressAnswers) -> Store {
        self.assumed_progress = Some(answers);
        self.progress_answers = std::sync::Arc::new(tokio::sync::OnceCell::new());
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(text: &str) -> Release {
        Release::parse(text).unwrap()
    }

    #[test]
    fn versions_parse_as_members_report_them() {
        assert_eq!(
            r("3.5.1"),
            Release {
                major: 3,
                minor: 5,
                patch: 1
            }
        );
        assert_eq!(r("v3.4.23"), r("3.4.23"));
        assert_eq!(r("3.6.0-rc.2"), r("3.6.0"));
        for bad in ["", "3.5", "3.5.x", "3.5.1.2", "latest"] {
            assert_eq!(Release::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn each_release_answers_progress_as_its_code_does() {
        use ProgressAnswers::*;
        for (v, want) in [
            ("3.3.27", Early),
            ("3.4.23", Early),
            ("3.4.24", Early),
            ("3.4.25", MayBeLost),
            ("3.4.30", MayBeLost),
            ("3.4.31", InOrder),
            ("3.5.0", Early),
            ("3.5.1", Early),
            ("3.5.7", Early),
            ("3.5.8", MayBeLost),
            ("3.5.12", MayBeLost),
            ("3.5.13", InOrder),
            ("3.5.34", InOrder),
            ("3.6.0", InOrder),
            ("3.6.15", InOrder),
            ("3.7.2", InOrder),
            ("4.0.0", InOrder),
        ] {
            assert_eq!(r(v).progress_answers(), want, "{v}");
        }
    }

    #[test]
    fn status_flags_the_releases_etcd_fixed_since() {
        assert!(r("3.5.34").known_problems().is_empty());
        assert!(r("3.6.15").known_problems().is_empty());
        assert!(r("3.4.31").known_problems().is_empty());
        let p = r("3.5.1").known_problems();
        assert_eq!(p.len(), 2, "{p:?}");
        assert!(p[0].problem.contains("crash"));
        assert!(p[1].problem.contains("#15220"));
        assert!(r("3.5.10").known_problems()[0].problem.contains("#17507"));
        assert!(r("3.3.1").known_problems()[0].problem.contains("older"));
        assert_eq!(r("3.5.12").known_problems()[0].fixed_in, "3.4.31 and 3.5.13");
    }
}
