//! Property tests of the log's core promises against a simple in-memory model: revisions and positions are
//! gapless, expectations are enforced (a mismatch writes nothing), an idempotent retry returns the original
//! result and writes nothing, a partial overlap is refused, and every read (also after reopening) returns
//! exactly what was appended, in order.

mod common;

use casetrack_eventlog::{
    AppendResult, Direction, EventLog, ExpectedRevision, LogError, MAX_READ_BATCH, NewEvent,
    StreamWrite, category_of,
};
use proptest::prelude::*;

const STREAMS: [&str; 4] = ["application-1", "application-2", "hotline-1", "hotline-2"];
const TYPES: [&str; 2] = ["Received", "Noted"];

#[derive(Debug, Clone, Copy)]
enum Expect {
    Any,
    NoStream,
    StreamExists,
    /// The stream's actual last revision.
    Current,
    /// The actual last revision shifted by this much (never equal to it).
    Off(u64),
}

#[derive(Debug, Clone)]
enum Op {
    Append {
        stream: usize,
        expect: Expect,
        count: usize,
    },
    Multi {
        first: usize,
        second: usize,
        expect_first: Expect,
        count: usize,
    },
    /// Re-send the last successful single-stream append with this expectation.
    Retry { expect: Expect },
    /// Re-send the last successful single-stream append plus one new event.
    PartialRetry,
}

fn expect_strategy() -> impl Strategy<Value = Expect> {
    prop_oneof![
        Just(Expect::Any),
        Just(Expect::NoStream),
        Just(Expect::StreamExists),
        Just(Expect::Current),
        Just(Expect::Current),
        (1u64..3).prop_map(Expect::Off),
    ]
}

fn op_strategy() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0..STREAMS.len(), expect_strategy(), 1usize..4)
            .prop_map(|(stream, expect, count)| Op::Append { stream, expect, count }),
        1 => (0..STREAMS.len(), 0..STREAMS.len(), expect_strategy(), 1usize..3)
            .prop_map(|(first, second, expect_first, count)| Op::Multi { first, second, expect_first, count }),
        1 => expect_strategy().prop_map(|expect| Op::Retry { expect }),
        1 => Just(Op::PartialRetry),
    ]
}

/// What the log should contain: every event in position order with its stream index.
#[derive(Default)]
struct Model {
    all: Vec<(usize, NewEvent)>,
}

impl Model {
    fn head(&self, stream: usize) -> Option<u64> {
        let count = self.all.iter().filter(|(s, _)| *s == stream).count() as u64;
        count.checked_sub(1)
    }

    fn expectation(&self, stream: usize, expect: Expect) -> ExpectedRevision {
        let head = self.head(stream);
        match expect {
            Expect::Any => ExpectedRevision::Any,
            Expect::NoStream => ExpectedRevision::NoStream,
            Expect::StreamExists => ExpectedRevision::StreamExists,
            Expect::Current => head.map_or(ExpectedRevision::NoStream, ExpectedRevision::Exact),
            Expect::Off(off) => ExpectedRevision::Exact(head.map_or(off - 1, |h| h + off)),
        }
    }

    /// Applies an accepted write to the model and returns the result the log must report.
    fn apply(&mut self, stream: usize, events: &[NewEvent]) -> AppendResult {
        let first_revision = self.head(stream).map_or(0, |h| h + 1);
        let first_position = self.all.len() as u64;
        self.all
            .extend(events.iter().map(|event| (stream, event.clone())));
        AppendResult {
            stream: STREAMS[stream].to_string(),
            first_revision,
            next_revision: first_revision + events.len() as u64,
            first_position,
            last_position: self.all.len() as u64 - 1,
        }
    }
}

fn new_events(count: usize, seq: &mut usize) -> Vec<NewEvent> {
    (0..count)
        .map(|_| {
            *seq += 1;
            common::event(
                TYPES[*seq % TYPES.len()],
                serde_json::json!({ "seq": *seq, "text": "事件" }),
            )
        })
        .collect()
}

fn check_reads(log: &EventLog, model: &Model) {
    let all = log.read_all(0, MAX_READ_BATCH).expect("read_all");
    assert_eq!(all.len(), model.all.len());
    assert_eq!(log.next_position(), model.all.len() as u64);
    let mut revisions = [0u64; STREAMS.len()];
    for (position, (recorded, (stream, event))) in all.iter().zip(&model.all).enumerate() {
        assert_eq!(recorded.position, position as u64, "positions are gapless");
        assert_eq!(recorded.stream, STREAMS[*stream]);
        assert_eq!(
            recorded.revision, revisions[*stream],
            "revisions are gapless"
        );
        revisions[*stream] += 1;
        assert_eq!(recorded.event_id, event.event_id);
        assert_eq!(recorded.event_type, event.event_type);
        assert_eq!(recorded.data, event.data);
        assert_eq!(recorded.metadata, event.metadata);
    }
    for (index, name) in STREAMS.iter().enumerate() {
        let expected: Vec<_> = all.iter().filter(|e| e.stream == *name).cloned().collect();
        let forward = log
            .read_stream(name, 0, Direction::Forward, MAX_READ_BATCH)
            .expect("forward");
        assert_eq!(forward, expected, "stream {name} forward");
        let mut backward = log
            .read_stream(name, u64::MAX, Direction::Backward, MAX_READ_BATCH)
            .expect("back");
        backward.reverse();
        assert_eq!(backward, expected, "stream {name} backward");
        if let Some(middle) = expected.get(expected.len() / 2) {
            let tail = log
                .read_stream(name, middle.revision, Direction::Forward, 2)
                .expect("tail");
            assert_eq!(
                tail.as_slice(),
                &expected[expected.len() / 2..(expected.len() / 2 + 2).min(expected.len())]
            );
        }
        assert_eq!(model.head(index), expected.last().map(|e| e.revision));
    }
    for category in ["application", "hotline"] {
        let expected: Vec<_> = all
            .iter()
            .filter(|e| category_of(&e.stream) == category)
            .cloned()
            .collect();
        assert_eq!(
            log.read_by_category(category, 0, MAX_READ_BATCH)
                .expect("category"),
            expected
        );
    }
    for event_type in TYPES {
        let expected: Vec<_> = all
            .iter()
            .filter(|e| e.event_type == event_type)
            .cloned()
            .collect();
        assert_eq!(
            log.read_by_type(event_type, 0, MAX_READ_BATCH)
                .expect("type"),
            expected
        );
        if let Some(second) = expected.get(1) {
            let from = log
                .read_by_type(event_type, second.position, MAX_READ_BATCH)
                .expect("type from");
            assert_eq!(from.as_slice(), &expected[1..]);
        }
    }
    assert!(log.verify().expect("verify").is_intact());
}

async fn run_ops(log: &EventLog, ops: Vec<Op>) -> Model {
    let mut model = Model::default();
    let mut seq = 0usize;
    let mut last: Option<(usize, Vec<NewEvent>, AppendResult)> = None;
    for op in ops {
        let before = log.next_position();
        match op {
            Op::Append {
                stream,
                expect,
                count,
            } => {
                let expected = model.expectation(stream, expect);
                let events = new_events(count, &mut seq);
                let outcome = log.append(STREAMS[stream], expected, events.clone()).await;
                if expected.accepts(model.head(stream)) {
                    let result = outcome.expect("an accepted append succeeds");
                    assert_eq!(result, model.apply(stream, &events));
                    last = Some((stream, events, result));
                } else {
                    match outcome {
                        Err(LogError::WrongExpectedRevision {
                            stream: s,
                            expected: e,
                            actual,
                        }) => {
                            assert_eq!(
                                (s.as_str(), e, actual),
                                (STREAMS[stream], expected, model.head(stream))
                            );
                        }
                        other => panic!("expected WrongExpectedRevision, got {other:?}"),
                    }
                    assert_eq!(
                        log.next_position(),
                        before,
                        "a failed expectation writes nothing"
                    );
                }
            }
            Op::Multi {
                first,
                second,
                expect_first,
                count,
            } => {
                let expected = model.expectation(first, expect_first);
                let writes = vec![
                    StreamWrite {
                        stream: STREAMS[first].into(),
                        expected,
                        events: new_events(count, &mut seq),
                    },
                    StreamWrite {
                        stream: STREAMS[second].into(),
                        expected: ExpectedRevision::Any,
                        events: new_events(1, &mut seq),
                    },
                ];
                let outcome = log.append_multi(writes.clone()).await;
                if first == second {
                    assert!(
                        matches!(outcome, Err(LogError::StreamWrittenTwice { .. })),
                        "{outcome:?}"
                    );
                    assert_eq!(log.next_position(), before);
                } else if expected.accepts(model.head(first)) {
                    let results = outcome.expect("an accepted multi-append succeeds");
                    assert_eq!(results[0], model.apply(first, &writes[0].events));
                    assert_eq!(results[1], model.apply(second, &writes[1].events));
                } else {
                    assert!(
                        matches!(outcome, Err(LogError::WrongExpectedRevision { .. })),
                        "{outcome:?}"
                    );
                    assert_eq!(
                        log.next_position(),
                        before,
                        "one failed expectation writes no stream"
                    );
                }
            }
            Op::Retry { expect } => {
                if let Some((stream, events, original)) = &last {
                    let expected = model.expectation(*stream, expect);
                    let retried = log.append(STREAMS[*stream], expected, events.clone()).await;
                    assert_eq!(&retried.expect("an idempotent retry succeeds"), original);
                    assert_eq!(log.next_position(), before, "a retry writes nothing");
                }
            }
            Op::PartialRetry => {
                if let Some((stream, events, _)) = &last {
                    let mut events = events.clone();
                    events.extend(new_events(1, &mut seq));
                    let outcome = log
                        .append(STREAMS[*stream], ExpectedRevision::Any, events)
                        .await;
                    assert!(
                        matches!(outcome, Err(LogError::PartialDuplicate { .. })),
                        "{outcome:?}"
                    );
                    assert_eq!(
                        log.next_position(),
                        before,
                        "a partial duplicate writes nothing"
                    );
                }
            }
        }
    }
    model
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, ..ProptestConfig::default() })]

    #[test]
    fn the_log_matches_the_model(ops in proptest::collection::vec(op_strategy(), 1..24)) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
        let dir = tempfile::tempdir().expect("tempdir");
        let model = runtime.block_on(async {
            let log = EventLog::open(dir.path()).expect("open");
            let model = run_ops(&log, ops).await;
            check_reads(&log, &model);
            model
        });
        // Reopening recovers the same log: heads, chain and indexes.
        let log = EventLog::open(dir.path()).expect("reopen");
        check_reads(&log, &model);
        let head = runtime.block_on(log.append(STREAMS[0], ExpectedRevision::Any, new_events(1, &mut 1000)));
        let head = head.expect("append after reopen");
        prop_assert_eq!(head.first_position, model.all.len() as u64);
        prop_assert_eq!(head.first_revision, model.head(0).map_or(0, |h| h + 1));
    }
}
