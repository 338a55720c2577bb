//! The codec: every kind round-trips, old schemas are upcast, bad data is a typed error.

mod common;

use std::collections::BTreeSet;

use casetrack_domain::ReminderLevel;
use casetrack_domain::application::{ApplicationEvent, Channel, DeliveryForm};
use casetrack_domain::challenge::{
    self, ChallengeCommand, ChallengeEvent, ChallengeKind, ChallengeResult,
};
use casetrack_domain::hotline::{HotlineCategory, HotlineEvent, Satisfaction};
use casetrack_domain::proposal::ProposalEvent;
use casetrack_domain::records::{
    self, CountedMeasure, DisclosureChannel, RecordCommand, RecordEvent,
};
use casetrack_domain::{
    AgencyId, ApplicantType, DecodeError, Event, EventBody, Outcome, Person, Rule, decode, encode,
    parse_stream_name,
};
use common::{case, d, now};
use serde_json::json;

fn samples() -> Vec<Event> {
    let agency = AgencyId::parse("simao/gov").unwrap();
    let bodies = vec![
        EventBody::Application(ApplicationEvent::Received {
            applicant: None,
            agency: agency.clone(),
            applicant_type: ApplicantType::LegalService,
            channel: Channel::PostUnsigned,
            handed_in_on: d(2018, 9, 28),
            receipt_confirmed_on: Some(d(2018, 9, 29)),
            content: "征收补偿方案".to_owned(),
            delivery_form: DeliveryForm::Electronic,
            referred_from: Some(case(99)),
        }),
        EventBody::Application(ApplicationEvent::Decided {
            outcome: Outcome::WithheldProcessInfo,
            legal_reason: Outcome::WithheldProcessInfo.legal_basis().to_owned(),
            decided_on: d(2018, 10, 8),
        }),
        EventBody::Hotline(HotlineEvent::Received {
            caller: None,
            agency: agency.clone(),
            line: "12328".to_owned(),
            category: HotlineCategory::Report,
            received_on: d(2018, 9, 28),
            summary: "出租车拒载".to_owned(),
        }),
        EventBody::Hotline(HotlineEvent::FollowedUp {
            satisfaction: Satisfaction::BasicallySatisfied,
            followed_up_on: d(2018, 10, 9),
        }),
        EventBody::Proposal(ProposalEvent::Replied {
            result_class: "A".to_owned(),
            replied_on: d(2018, 6, 1),
        }),
        EventBody::Application(ApplicationEvent::Reminded {
            level: ReminderLevel::Supervise,
            note: "reply due 2018-10-26".to_owned(),
            reminded_on: d(2018, 10, 29),
        }),
        EventBody::Proposal(ProposalEvent::Reminded {
            level: ReminderLevel::Urge,
            note: String::new(),
            reminded_on: d(2018, 8, 30),
        }),
        EventBody::Challenge(ChallengeEvent::Concluded {
            result: ChallengeResult::Corrected,
            concluded_on: d(2018, 12, 1),
        }),
        EventBody::Record(RecordEvent::DisclosurePublished {
            agency,
            title: "2018 年部门预算".to_owned(),
            channels: BTreeSet::from([DisclosureChannel::Website, DisclosureChannel::Wechat]),
            published_on: d(2018, 3, 1),
        }),
    ];
    bodies
        .into_iter()
        .map(|body| Event::new(case(1), now(), body))
        .collect()
}

#[test]
fn every_sample_round_trips_with_type_name_and_schema() {
    let expected_types = [
        "ApplicationReceived",
        "ApplicationDecided",
        "HotlineReceived",
        "HotlineFollowedUp",
        "ProposalReplied",
        "ApplicationReminded",
        "ProposalReminded",
        "ChallengeConcluded",
        "RecordDisclosurePublished",
    ];
    for (event, expected) in samples().into_iter().zip(expected_types) {
        let encoded = encode(&event);
        assert_eq!(encoded.event_type, expected);
        assert_eq!(event.event_type(), expected);
        let schema = if expected == "ApplicationReceived" {
            2
        } else {
            1
        };
        assert_eq!(encoded.data["schema"], json!(schema));
        assert_eq!(encoded.data["case_id"], json!(case(1).0.to_string()));
        assert_eq!(
            decode(&encoded.event_type, &encoded.data),
            Ok(event.clone())
        );
        assert_eq!(
            parse_stream_name(&event.stream()),
            Some((event.kind(), case(1)))
        );
    }
    // The outcome is written as its cell code.
    assert_eq!(
        encode(&samples()[1]).data["outcome"],
        json!("withheld.process_info")
    );
}

/// Events recorded before personal data was carried decode without it, and encode back to the very same
/// JSON (the log's hash chain covers the bytes); a person given round-trips.
#[test]
fn received_events_without_a_person_decode_and_encode_unchanged() {
    let old = json!({
        "schema": 1,
        "case_id": case(6).0.to_string(),
        "occurred_at": "2018-09-28T02:00:00+00:00",
        "agency": "simao/gov",
        "line": "12345",
        "category": "complaint",
        "received_on": "2018-09-28",
        "summary": "噪音扰民"
    });
    let event = decode("HotlineReceived", &old).expect("an old ticket decodes");
    let EventBody::Hotline(HotlineEvent::Received { caller, .. }) = &event.body else {
        panic!("wrong body {event:?}");
    };
    assert_eq!(*caller, None);
    assert_eq!(encode(&event).data, old, "no caller field is written");
    let mut given = event.clone();
    let EventBody::Hotline(HotlineEvent::Received { caller, .. }) = &mut given.body else {
        unreachable!("matched above");
    };
    *caller = Some(Person {
        name: "张三".to_owned(),
        phone: "13812341234".to_owned(),
        address: "思茅区振兴大道 1 号".to_owned(),
    });
    let encoded = encode(&given);
    assert_eq!(encoded.data["caller"]["phone"], json!("13812341234"));
    assert_eq!(decode("HotlineReceived", &encoded.data), Ok(given));
}

#[test]
fn v1_application_received_is_upcast_to_v2() {
    let v1 = json!({
        "schema": 1,
        "case_id": case(5).0.to_string(),
        "occurred_at": "2018-09-28T02:00:00Z",
        "agency": "simao/gov",
        "applicant_type": "natural_person",
        "channel": "in_person",
        "handed_in_on": "2018-09-28",
        "receipt_confirmed_on": null,
        "content": "低保名单",
        "referred_from": null
    });
    let event = decode("ApplicationReceived", &v1).expect("v1 decodes");
    let EventBody::Application(ApplicationEvent::Received {
        delivery_form,
        content,
        ..
    }) = &event.body
    else {
        panic!("wrong body {event:?}");
    };
    assert_eq!(*delivery_form, DeliveryForm::Unspecified);
    assert_eq!(content, "低保名单");
    // Re-encoding writes the current schema.
    assert_eq!(encode(&event).data["schema"], json!(2));
    // Without the upcaster the v1 body would not parse as v2: the field is required.
    let mut v2_missing = v1.clone();
    v2_missing["schema"] = json!(2);
    assert!(matches!(
        decode("ApplicationReceived", &v2_missing),
        Err(DecodeError::Invalid { .. })
    ));
}

#[test]
fn bad_data_is_a_typed_error() {
    let good = encode(&samples()[2]).data;
    assert_eq!(
        decode("Nonsense", &good),
        Err(DecodeError::UnknownEventType("Nonsense".to_owned()))
    );
    assert_eq!(
        decode("Hotline", &good),
        Err(DecodeError::UnknownEventType("Hotline".to_owned()))
    );
    assert!(matches!(
        decode("HotlineNoSuchThing", &good),
        Err(DecodeError::Invalid { .. })
    ));
    assert!(matches!(
        decode("HotlineReceived", &json!([1])),
        Err(DecodeError::NotAnObject { .. })
    ));
    for field in ["schema", "case_id", "occurred_at"] {
        let mut missing = good.clone();
        missing.as_object_mut().expect("object").remove(field);
        assert!(
            matches!(decode("HotlineReceived", &missing), Err(DecodeError::MissingField { field: f, .. }) if f == field)
        );
    }
    let mut future = good.clone();
    future["schema"] = json!(7);
    assert!(matches!(
        decode("HotlineReceived", &future),
        Err(DecodeError::UnsupportedSchema {
            found: 7,
            current: 1,
            ..
        })
    ));
}

#[test]
fn challenges_link_to_applications_and_map_to_table_four() {
    let mut state = challenge::ChallengeState::default();
    let file = |kind, prior| ChallengeCommand::File {
        case_id: case(70),
        agency: AgencyId::parse("simao/gov").unwrap(),
        kind,
        application: case(1),
        prior_reconsideration: prior,
        filed_on: d(2018, 11, 1),
    };
    let refused = challenge::decide(
        &state,
        file(ChallengeKind::LitigationAfterReconsideration, None),
        now(),
    );
    assert_eq!(
        refused.expect_err("needs prior").rule,
        Rule::PriorReconsiderationMismatch
    );
    for event in challenge::decide(
        &state,
        file(
            ChallengeKind::LitigationAfterReconsideration,
            Some(case(69)),
        ),
        now(),
    )
    .expect("file")
    {
        challenge::evolve(&mut state, &event).expect("fold");
    }
    assert_eq!(state.cell_column(), "pending");
    assert_eq!(
        ChallengeKind::LitigationAfterReconsideration.cell_row(),
        "litigation_after_reconsideration"
    );
    let conclude = ChallengeCommand::Conclude {
        result: ChallengeResult::Upheld,
        concluded_on: d(2018, 12, 20),
    };
    for event in challenge::decide(&state, conclude, now()).expect("conclude") {
        challenge::evolve(&mut state, &event).expect("fold");
    }
    assert_eq!(state.cell_column(), "upheld");
}

#[test]
fn records_count_and_repeal() {
    let agency = AgencyId::parse("simao/gov").unwrap();
    let empty = records::RecordState::default();
    let no_channel = RecordCommand::PublishDisclosure {
        case_id: case(80),
        agency: agency.clone(),
        title: "通知".to_owned(),
        channels: BTreeSet::new(),
        published_on: d(2018, 3, 1),
    };
    assert_eq!(
        records::decide(&empty, no_channel, now())
            .expect_err("channel")
            .field,
        "channels"
    );
    let zero = RecordCommand::Count {
        case_id: case(81),
        agency: agency.clone(),
        measure: CountedMeasure::LicensingDecisions,
        count: 0,
        period_end: d(2018, 12, 31),
    };
    assert_eq!(
        records::decide(&empty, zero, now())
            .expect_err("zero")
            .field,
        "count"
    );
    assert_eq!(
        CountedMeasure::PenaltyDecisions.proactive_cell_row(),
        Some("penalty")
    );

    let mut doc = records::RecordState::default();
    let issue = RecordCommand::IssueDocument {
        case_id: case(82),
        agency,
        kind: records::DocumentKind::NormativeDocument,
        title: "管理办法".to_owned(),
        issued_on: d(2017, 5, 1),
    };
    for event in records::decide(&doc, issue, now()).expect("issue") {
        records::evolve(&mut doc, &event).expect("fold");
    }
    assert_eq!(
        doc.case_state().map(|s| s.stage),
        Some("in_force".to_owned())
    );
    for event in records::decide(
        &doc,
        RecordCommand::RepealDocument {
            repealed_on: d(2018, 6, 1),
        },
        now(),
    )
    .expect("repeal")
    {
        records::evolve(&mut doc, &event).expect("fold");
    }
    assert_eq!(
        doc.case_state().map(|s| s.stage),
        Some("repealed".to_owned())
    );
    let again = records::decide(
        &doc,
        RecordCommand::RepealDocument {
            repealed_on: d(2018, 7, 1),
        },
        now(),
    );
    assert_eq!(again.expect_err("once").rule, Rule::AlreadyRepealed);
}
