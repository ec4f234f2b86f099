//! How an etcd cluster is doing, member by member: what `etcdctl endpoint
//! status` and `etcdctl alarm list` tell, asked of every member at once,
//! each over its own connection so that one member down or frozen only
//! costs its own answer.

use std::time::Duration;

use etcd_client::{AlarmAction, AlarmType, StatusResponse};
use futures_util::future::join_all;
use serde::Serialize;
use tokio::time::timeout;

use super::config::redacted;
use super::release::{KnownProblem, Release};
use super::Store;

/// One member, as its endpoint answered.
#[derive(Clone, Debug, Serialize)]
pub struct MemberHealth {
    /// The endpoint as configured (credentials redacted).
    pub endpoint: String,
    /// What it said, or why it said nothing.
    #[serde(flatten)]
    pub state: MemberState,
}

/// What a member answered when asked for its status.
#[derive(Clone, Debug, Serialize)]
#[serde(untagged)]
pub enum MemberState {
    /// It answered.
    Up(MemberStatus),
    /// It did not answer.
    Down {
        /// Why, as a sentence.
        error: String,
    },
}

/// `etcdctl endpoint status` for one member.
#[derive(Clone, Debug, Serialize)]
pub struct MemberStatus {
    /// The member ID, in hex as etcdctl shows it.
    pub id: String,
    /// The etcd release it runs.
    pub version: String,
    /// Whether it is the leader.
    pub leader: bool,
    /// Whether it is a learner (not voting).
    pub learner: bool,
    /// Its Raft term.
    pub raft_term: u64,
    /// Its Raft index.
    pub raft_index: u64,
    /// The backend database file's size, and the part of it in use (the
    /// rest is freed by defragmenting).
    pub db_size: i64,
    /// The part of `db_size` in use.
    pub db_size_in_use: i64,
    /// Alarms raised on this member: `NOSPACE`, `CORRUPT`.
    pub alarms: Vec<String>,
    /// Errors the member reports about itself.
    pub errors: Vec<String>,
    /// What etcd fixed after this member's release that touches tcfg, or
    /// that etcd advises against running (empty for a release it cannot
    /// read).
    pub known_problems: Vec<KnownProblem>,
}

impl MemberHealth {
    /// Its status, when it answered.
    pub fn status(&self) -> Option<&MemberStatus> {
        match &self.state {
            MemberState::Up(s) => Some(s),
            MemberState::Down { .. } => None,
        }
    }
}

/// Every member of a cluster, in endpoint order.
#[derive(Clone, Debug, Serialize)]
pub struct ClusterHealth {
    /// Each member, in the cluster's order.
    pub members: Vec<MemberHealth>,
    /// Alarms raised on members that no endpoint reached, by member ID.
    pub other_alarms: Vec<String>,
    /// Why the alarm list could not be read (when no member answered, say).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alarms_error: Option<String>,
}

impl ClusterHealth {
    /// Members that answered.
    pub fn up(&self) -> usize {
        self.members.iter().filter(|m| m.status().is_some()).count()
    }

    /// Every alarm, as `NOSPACE on ENDPOINT`.
    pub fn alarms(&self) -> Vec<String> {
        let mut all: Vec<String> = self
            .members
            .iter()
            .filter_map(|m| m.status().map(|s| (m, s)))
            .flat_map(|(m, s)| s.alarms.iter().map(move |a| format!("{a} on {}", m.endpoint)))
            .collect();
        all.extend(self.other_alarms.iter().cloned());
        all
    }

    /// The releases the members that answered run, when they differ (a
    /// rolling upgrade under way, or one left behind).
    pub fn mixed_releases(&self) -> Option<Vec<String>> {
        let mut versions: Vec<String> = self
            .members
            .iter()
            .filter_map(|m| m.status())
            .map(|s| s.version.clone())
            .collect();
        versions.sort();
        versions.dedup();
        (versions.len() > 1).then_some(versions)
    }

    /// Whether a member leads, as the members that answered see it.
    pub fn has_leader(&self) -> bool {
        self.members.iter().any(|m| m.status().is_some_and(|s| s.leader))
    }
}

fn alarm_name(kind: AlarmType) -> &'static str {
    match kind {
        AlarmType::Nospace => "NOSPACE",
        AlarmType::Corrupt => "CORRUPT",
        AlarmType::None => "NONE",
    }
}

impl Store {
    /// Each configured member's answer to the Status RPC, asked at once,
    /// each over its own connection, within `budget` (else why not).
    pub(super) async fn member_statuses(&self, budget: Duration) -> Vec<Result<StatusResponse, String>> {
        let asking = (0..self.members.len()).map(|i| async move {
            let answer = timeout(budget, async {
                let conn = self.member(i).await?;
                let mut client = conn.client.clone();
                client
                    .status()
                    .await
                    .map_err(|e| self.describe(e, "asking a member for its status"))
            })
            .await;
            match answer {
                Ok(Ok(s)) => Ok(s),
                Ok(Err(e)) => Err(e.to_string()),
                Err(_) => Err(format!("no answer within {budget:?}")),
            }
        });
        join_all(asking).await
    }

    /// Ask every member for its status, and the cluster for its alarms,
    /// all at once. Never fails: a member that does not answer within the
    /// dial and command timeouts is reported down, with why.
    pub async fn health(&self) -> ClusterHealth {
        let budget = self.settings.dial_timeout + self.settings.command_timeout;
        let asking = self.member_statuses(budget);
        let alarms = async {
            let mut client = self.conn.client.clone();
            match timeout(budget, client.alarm(AlarmAction::Get, AlarmType::None, None)).await {
                Ok(Ok(r)) => Ok(r
                    .alarms()
                    .iter()
                    .map(|a| (a.member_id(), alarm_name(a.alarm())))
                    .collect::<Vec<_>>()),
                Ok(Err(e)) => Err(self.describe(e, "reading the alarms").to_string()),
                Err(_) => Err(format!("no answer within {budget:?}")),
            }
        };
        let (answers, alarms) = tokio::join!(asking, alarms);
        let (alarms, alarms_error) = match alarms {
            Ok(a) => (a, None),
            Err(e) => (Vec::new(), Some(e)),
        };
        let mut placed = vec![false; alarms.len()];
        let members = self
            .settings
            .endpoints
            .iter()
            .zip(answers)
            .map(|(endpoint, answer)| {
                let state = match answer {
                    Err(error) => MemberState::Down { error },
                    Ok(s) => {
                        let id = s.header().map_or(0, |h| h.member_id());
                        let mine = alarms
                            .iter()
                            .enumerate()
                            .filter(|(_, (member, _))| *member == id)
                            .map(|(i, (_, kind))| {
                                placed[i] = true;
                                kind.to_string()
                            })
                            .collect();
                        MemberState::Up(MemberStatus {
                            id: format!("{id:x}"),
                            version: s.version().to_string(),
                            leader: id != 0 && s.leader() == id,
                            learner: s.is_learner(),
                            raft_term: s.raft_term(),
                            raft_index: s.raft_index(),
                            db_size: s.db_size(),
                            db_size_in_use: s.raft_used_db_size(),
                            alarms: mine,
                            errors: s.errors().to_vec(),
                            known_problems: Release::parse(s.version())
                                .map(|r| r.known_problems())
                                .unwrap_or_default(),
                        })
                    }
                };
                MemberHealth {
                    endpoint: redacted(endpoint),
                    state,
                }
            })
            .collect();
        let other_alarms = alarms
            .iter()
            .zip(&placed)
            .filter(|(_, placed)| !**placed)
            .map(|((member, kind), _)| format!("{kind} on member {member:x}"))
            .collect();
        ClusterHealth {
            members,
            other_alarms,
            alarms_error,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(version: &str) -> MemberHealth {
        MemberHealth {
            endpoint: "127.0.0.1:2379".into(),
            state: MemberState::Up(MemberStatus {
                id: "1".into(),
                version: version.into(),
                leader: false,
                learner: false,
                raft_term: 1,
                raft_index: 1,
                db_size: 1,
                db_size_in_use: 1,
                alarms: Vec::new(),
                errors: Vec::new(),
                known_problems: Vec::new(),
            }),
        }
    }

    #[test]
    fn members_on_different_releases_are_named_once_each() {
        let health = |versions: &[&str]| ClusterHealth {
            members: versions.iter().map(|v| member(v)).collect(),
            other_alarms: Vec::new(),
            alarms_error: None,
        };
        assert_eq!(health(&["3.5.34", "3.5.34"]).mixed_releases(), None);
        assert_eq!(
            health(&["3.6.15", "3.5.34", "3.6.15"]).mixed_releases(),
            Some(vec!["3.5.34".to_string(), "3.6.15".to_string()])
        );
    }
}
