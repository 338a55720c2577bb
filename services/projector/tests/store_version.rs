//! A projection store folded by other rules is not folded onward: on open, each model whose stored version
//! differs from the code's is reset and back-fills from position 0, ending equal to a fresh fold.

use casetrack_eventlog::EventLog;
use casetrack_projector::{Projector, ReadModel, synthetic};

const CASES: u64 = 200;

fn version_key(model: ReadModel) -> Vec<u8> {
    let mut key = b"meta\0".to_vec();
    key.extend_from_slice(model.name().as_bytes());
    key
}

fn has_model_keys(projector: &Projector, model: ReadModel) -> bool {
    let mut prefix = model.name().as_bytes().to_vec();
    prefix.push(0);
    projector
        .store()
        .dump()
        .expect("dump")
        .keys()
        .any(|k| k.starts_with(&prefix))
}

#[test]
fn a_model_folded_by_other_rules_is_reset_on_open_and_back_fills() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log_dir = dir.path().join("log");
    let store_dir = dir.path().join("projections");
    let log = EventLog::open(&log_dir).expect("open log");
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime
        .block_on(synthetic::append_cases(
            &log,
            &synthetic::year_of_cases(2024, CASES, 3),
        ))
        .expect("append");
    let head = log.next_position();

    let folded = {
        let projector = Projector::open(&store_dir).expect("open store");
        projector.catch_up(&log, &mut |_, _| {}).expect("fold");
        let dump = projector.store().dump().expect("dump");
        for model in ReadModel::ALL {
            assert_eq!(
                dump.get(&version_key(model)),
                Some(&model.version().into_bytes()),
                "{model} records the version it was folded by"
            );
        }
        dump
    };

    // Reopening under the same code changes nothing.
    {
        let projector = Projector::open(&store_dir).expect("reopen");
        assert_eq!(projector.store().dump().expect("dump"), folded);
    }

    // The annual model was folded by older counting rules; the other models by the current ones.
    {
        let db = rocksdb::DB::open_default(&store_dir).expect("raw open");
        db.put(version_key(ReadModel::Annual), b"casetrack-annual-rules/1")
            .expect("tamper");
    }
    let projector = Projector::open(&store_dir).expect("reopen after tamper");
    let checkpoints = projector.checkpoints().expect("checkpoints");
    for (model, checkpoint) in &checkpoints {
        let expected = if *model == ReadModel::Annual { 0 } else { head };
        assert_eq!(*checkpoint, expected, "checkpoint of {model}");
    }
    assert!(
        !has_model_keys(&projector, ReadModel::Annual),
        "annual was reset"
    );
    assert!(has_model_keys(&projector, ReadModel::Cases), "cases kept");
    projector.catch_up(&log, &mut |_, _| {}).expect("back-fill");
    assert_eq!(projector.store().dump().expect("dump"), folded);
    drop(projector);

    // A store written before versions were recorded: every model is reset and back-fills.
    {
        let db = rocksdb::DB::open_default(&store_dir).expect("raw open");
        for model in ReadModel::ALL {
            db.delete(version_key(model)).expect("forget version");
        }
    }
    let projector = Projector::open(&store_dir).expect("reopen unversioned");
    for (model, checkpoint) in projector.checkpoints().expect("checkpoints") {
        assert_eq!(checkpoint, 0, "{model} reset");
        assert!(!has_model_keys(&projector, model), "{model} emptied");
    }
    projector.catch_up(&log, &mut |_, _| {}).expect("back-fill");
    assert_eq!(projector.store().dump().expect("dump"), folded);
}
