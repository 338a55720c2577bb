//! What the writer records into the process's `metrics` recorder (exported by the handlers' `/metrics`): appends
//! and events committed, events per fsync and fsync latency per group, and the depth of the append queue.

use std::time::Duration;

/// Appends acknowledged as committed.
pub const APPENDS_TOTAL: &str = "casetrack_log_appends_total";
/// Events committed.
pub const EVENTS_TOTAL: &str = "casetrack_log_events_total";
/// Events per synced WriteBatch (one group): grows with concurrent appenders.
pub const EVENTS_PER_FSYNC: &str = "casetrack_log_events_per_fsync";
/// Buckets of [`EVENTS_PER_FSYNC`], up to the writer's `MAX_GROUP_EVENTS`.
pub const EVENTS_PER_FSYNC_BUCKETS: &[f64] = &[
    1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0, 512.0, 1024.0, 2048.0, 4096.0,
];
/// Seconds one synced WriteBatch took.
pub const FSYNC_SECONDS: &str = "casetrack_log_fsync_seconds";
/// Buckets of [`FSYNC_SECONDS`]: from a fast NVMe's flush to a slow disk's.
pub const FSYNC_SECONDS_BUCKETS: &[f64] = &[
    0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0,
];
/// Append requests waiting for the writer when it takes the next one.
pub const APPEND_QUEUE_DEPTH: &str = "casetrack_log_append_queue_depth";

/// A group committed: `appends` acknowledged, `events` written in one synced batch.
pub fn group_committed(appends: usize, events: usize) {
    metrics::counter!(APPENDS_TOTAL).increment(appends as u64);
    metrics::counter!(EVENTS_TOTAL).increment(events as u64);
    metrics::histogram!(EVENTS_PER_FSYNC).record(events as f64);
}

/// One synced WriteBatch took `took`.
pub fn fsync_took(took: Duration) {
    metrics::histogram!(FSYNC_SECONDS).record(took.as_secs_f64());
}

/// The writer found `depth` requests waiting.
pub fn queue_depth(depth: usize) {
    metrics::gauge!(APPEND_QUEUE_DEPTH).set(depth as f64);
}
