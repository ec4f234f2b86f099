//! Presenting: the output formats the commands share (tables, JSON,
//! GitHub annotations, pull-request markdown), diffs, plans and findings.

pub mod diff;
pub mod github;
pub mod json;
pub mod markdown;
pub mod overrides;
pub mod plan_view;
pub mod report;
pub mod table;
