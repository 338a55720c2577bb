//! The officer's paragraphs of parts 一–六 as versioned events: written with the version they replace (a stale
//! edit is refused naming the version it missed, another part is not a conflict), folded into the report as of
//! its position, printed in their part by every renderer with the version in the colophon — and never a figure:
//! the figures and the content hash are the same with and without them.

mod common;

use std::sync::Arc;

use casetrack_domain::narrative::{MAX_NARRATIVE_CHARS, NarrativeError, Part};
use casetrack_domain::{AgencyId, ApplicantType, Outcome};
use casetrack_eventlog::{EventLog, Log};
use casetrack_projector::narrative::{Written, write};
use casetrack_projector::{AgencyScope, AsOf, ProjectorError, Reports};
use casetrack_reporting::{OutputFormat, WrittenPart, render};
use common::{append_each, case_id, date, decided, fold, received};

fn simao() -> AgencyId {
    AgencyId::parse("simao").expect("agency")
}

fn part(n: u32) -> Part {
    Part::new(n).expect("part")
}

async fn write_part(
    log: &EventLog,
    year: i32,
    n: u32,
    text: &str,
    replaces: u64,
) -> Result<Written, ProjectorError> {
    let log: Arc<dyn Log> = Arc::new(log.clone());
    write(
        log.as_ref(),
        "officer",
        (simao(), year),
        part(n),
        text.to_owned(),
        replaces,
    )
    .await
}

/// A log with one 2024 application of simao, folded, and the reports over it.
async fn fixture() -> (tempfile::TempDir, EventLog, Reports) {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = EventLog::open(&dir.path().join("log")).expect("open log");
    let a = case_id(1);
    append_each(
        &log,
        &[
            received(a, "simao", ApplicantType::NaturalPerson, date(2024, 3, 1)),
            decided(a, Outcome::Disclosed, date(2024, 3, 9)),
        ],
    )
    .await;
    let projector = fold(dir.path(), &log);
    let reports = Reports::new(projector, log.clone());
    (dir, log, reports)
}

fn latest(reports: &Reports) -> casetrack_reporting::PublishedReport {
    reports
        .projector()
        .catch_up(reports.log(), &mut |_, _| {})
        .expect("fold");
    reports
        .report("simao", 2024, AgencyScope::Own, AsOf::Latest)
        .expect("report")
        .published
}

#[tokio::test]
async fn a_stale_edit_is_refused_naming_the_version_it_missed() {
    let (_dir, log, _reports) = fixture().await;
    let first = write_part(&log, 2024, 5, "第一稿", 0).await.expect("first");
    assert_eq!(first.version, 1);
    // Two editors both saw version 1; the first to write makes version 2, the second is refused.
    let second = write_part(&log, 2024, 5, "甲的修改", 1)
        .await
        .expect("second");
    assert_eq!(second.version, 2);
    let stale = write_part(&log, 2024, 5, "乙的修改", 1).await;
    match stale {
        Err(ProjectorError::Narrative(NarrativeError::Conflict {
            current, missed, ..
        })) => assert_eq!((current, missed), (2, 2)),
        other => panic!("expected a conflict, got {other:?}"),
    }
    // Another part is its own sequence: no conflict.
    assert_eq!(
        write_part(&log, 2024, 1, "总体情况补充", 0)
            .await
            .expect("part one")
            .version,
        1
    );
    let head = log.next_position();
    let too_long = "字".repeat(MAX_NARRATIVE_CHARS + 1);
    assert!(matches!(
        write_part(&log, 2024, 5, &too_long, 2).await,
        Err(ProjectorError::Narrative(NarrativeError::TooLong { .. }))
    ));
    let old_format = write_part(&log, 2018, 5, "统计表年度", 0).await;
    assert!(
        matches!(&old_format, Err(ProjectorError::BadArgument { field, .. }) if field == "year"),
        "{old_format:?}"
    );
    assert_eq!(log.next_position(), head, "a refusal writes nothing");
}

#[tokio::test]
async fn written_parts_print_in_every_format_beside_unchanged_figures() {
    let (_dir, log, reports) = fixture().await;
    let before = latest(&reports);
    assert!(before.written.is_empty());
    write_part(&log, 2024, 5, "一是培训不足。\n二是平台待完善。", 0)
        .await
        .expect("part five");
    let overview = "本年度新收政府信息公开申请999件。";
    write_part(&log, 2024, 1, overview, 0)
        .await
        .expect("part one");
    write_part(&log, 2024, 5, "一是加强培训。\n二是完善平台。", 1)
        .await
        .expect("part five again");
    let after = latest(&reports);
    assert_eq!(
        after.written,
        vec![
            WrittenPart {
                part: 1,
                version: 1,
                text: overview.to_owned()
            },
            WrittenPart {
                part: 5,
                version: 2,
                text: "一是加强培训。\n二是完善平台。".to_owned()
            },
        ]
    );
    // Words, not figures: the tables and their hash are what the cases say, whatever the paragraph claims.
    assert_eq!(after.report, before.report);
    assert_eq!(after.content_hash, before.content_hash);
    let html = String::from_utf8(render(&after, OutputFormat::Html).expect("html")).expect("utf-8");
    assert!(
        html.contains("<p class=\"written\">二是完善平台。</p>"),
        "{html}"
    );
    assert!(
        html.contains("本年度新收政府信息公开申请1件"),
        "the computed sentence stays"
    );
    assert!(
        !html.contains("本部分由本机关结合本年度工作撰写"),
        "part 五 is written"
    );
    assert!(
        html.contains("一 第1版；五 第2版"),
        "versions in the colophon"
    );
    let five = html.find("五、存在的主要问题").expect("part five");
    let six = html.find("六、其他需要报告的事项").expect("part six");
    let paragraph = html.find("一是加强培训。").expect("paragraph");
    assert!(five < paragraph && paragraph < six, "in its part");
    for output in [
        OutputFormat::Markdown,
        OutputFormat::Csv,
        OutputFormat::Json,
    ] {
        let text = String::from_utf8(render(&after, output).expect("render")).expect("utf-8");
        assert!(text.contains("二是完善平台。"), "{output:?}: {text}");
        assert!(!text.contains("甲"), "{output:?}");
    }
    let json = String::from_utf8(render(&after, OutputFormat::Json).expect("json")).expect("utf-8");
    let read = casetrack_reporting::json::from_json(&json).expect("read back");
    assert_eq!(read.written, after.written);
    let xlsx = render(&after, OutputFormat::Xlsx).expect("xlsx");
    assert!(!xlsx.is_empty());
    // As of a position before the writes, the report prints none of them.
    let earlier = reports
        .report(
            "simao",
            2024,
            AgencyScope::Own,
            AsOf::Position(before.as_of_position),
        )
        .expect("as of before");
    assert!(earlier.published.written.is_empty());
}
