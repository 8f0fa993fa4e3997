//! The rules as a data format: defaults, strictness, validation, and the
//! serialized shape of a deadline.

use civic_workdays::{Calendar, CalendarRules, ExtraDayOff, FixedHoliday, SkipReason, SkippedDay};
use jiff::civil::{Weekday, date};
use serde_json::json;

fn parse(json: serde_json::Value) -> Result<CalendarRules, serde_json::Error> {
    serde_json::from_value(json)
}

#[test]
fn empty_rules_mean_no_holidays_and_a_saturday_sunday_weekend() {
    let rules = parse(json!({})).unwrap();
    assert_eq!(rules, CalendarRules::default());
    assert_eq!(rules.weekend, [Weekday::Saturday, Weekday::Sunday]);
    let calendar = Calendar::new(rules).unwrap();
    assert!(calendar.is_working_day(date(2025, 12, 25)));
    assert!(!calendar.is_working_day(date(2025, 12, 27)));
}

#[test]
fn weekend_is_configurable() {
    let rules = parse(json!({ "weekend": ["friday", "saturday"] })).unwrap();
    let calendar = Calendar::new(rules).unwrap();
    assert!(!calendar.is_working_day(date(2025, 3, 7))); // Friday
    assert!(calendar.is_working_day(date(2025, 3, 9))); // Sunday
    assert!(calendar.is_weekend(date(2025, 3, 8)));

    let rules = parse(json!({ "weekend": [] })).unwrap();
    assert!(Calendar::new(rules).unwrap().is_working_day(date(2025, 3, 8)));
}

#[test]
fn unknown_fields_and_names_are_rejected() {
    assert!(parse(json!({ "fixd": [] })).is_err());
    assert!(parse(json!({ "fixed": [{ "month": 5, "day": 1, "name": "x", "year": 2025 }] })).is_err());
    assert!(parse(json!({ "orthodox_easter": [{ "offset": 1, "name": "x" }] })).is_err());
    assert!(parse(json!({ "extra": [{ "date": "2025-05-02", "name": "x", "why": "" }] })).is_err());
    let error = parse(json!({ "weekend": ["Sunday"] })).unwrap_err();
    assert!(error.to_string().contains("unknown variant `Sunday`"), "{error}");
    assert!(parse(json!({ "extra": [{ "date": "2025-02-30", "name": "x" }] })).is_err());
}

#[test]
fn extra_days_off_are_holidays() {
    let rules = parse(json!({
        "extra": [{ "date": "2025-05-02", "name": "Zi liberă (hotărâre de guvern)" }]
    }))
    .unwrap();
    assert_eq!(rules.extra, [ExtraDayOff { date: date(2025, 5, 2), name: "Zi liberă (hotărâre de guvern)".into() }]);
    let calendar = Calendar::new(rules).unwrap();
    assert_eq!(calendar.holiday(date(2025, 5, 2)), Some("Zi liberă (hotărâre de guvern)"));
    assert_eq!(calendar.holiday(date(2026, 5, 2)), None);
}

#[test]
fn extra_days_off_are_explained_apart_from_public_holidays() {
    let rules = parse(json!({
        "fixed": [{ "month": 5, "day": 1, "name": "Ziua Muncii" }],
        "extra": [{ "date": "2025-05-02", "name": "punte" }]
    }))
    .unwrap();
    let calendar = Calendar::new(rules).unwrap();
    let deadline = calendar.add_working_days(date(2025, 4, 30), 1);
    assert_eq!(deadline.due, date(2025, 5, 5));
    assert_eq!(deadline.skipped[1], SkippedDay { date: date(2025, 5, 2), reason: SkipReason::DayOff("punte".into()) });
    assert_eq!(
        serde_json::to_value(&deadline.skipped[1]).unwrap(),
        json!({ "date": "2025-05-02", "reason": { "day_off": "punte" } })
    );
    assert_eq!(
        deadline.explain_ro(),
        "1 zi lucrătoare de la 30 aprilie 2025: se sar 2 zile de weekend, \
         1 zi de sărbătoare legală (1 mai — Ziua Muncii) și 1 zi liberă (2 mai — punte); \
         termen: 5 mai 2025"
    );
}

#[test]
fn rules_round_trip_through_serde() {
    let rules = parse(json!({
        "fixed": [
            { "month": 2, "day": 29, "name": "Leap", "until_year": 2030 },
            { "month": 12, "day": 1, "name": "Ziua Națională" }
        ],
        "orthodox_easter": [{ "offset_days": -2, "name": "Vinerea Mare", "from_year": 2018 }],
        "extra": [{ "date": "2025-05-02", "name": "Punte" }],
        "weekend": ["sunday"]
    }))
    .unwrap();
    let value = serde_json::to_value(&rules).unwrap();
    // `None` years are left out, so the data stays as terse as it was written.
    assert_eq!(value["fixed"][1], json!({ "month": 12, "day": 1, "name": "Ziua Națională" }));
    assert_eq!(value["weekend"], json!(["sunday"]));
    assert_eq!(parse(value).unwrap(), rules);

    let calendar = Calendar::new(rules).unwrap();
    assert_eq!(calendar.holiday(date(2028, 2, 29)), Some("Leap"));
    assert_eq!(calendar.holiday(date(2032, 2, 29)), None);
}

#[test]
fn invalid_rules_are_reported() {
    let fixed = |month, day| CalendarRules {
        fixed: vec![FixedHoliday { month, day, name: "x".into(), from_year: None, until_year: None }],
        ..CalendarRules::default()
    };
    assert!(Calendar::new(fixed(2, 29)).is_ok());
    let error = Calendar::new(fixed(4, 31)).unwrap_err();
    assert_eq!(error.to_string(), "invalid calendar rules: fixed holiday \"x\": month 4 day 31 is not a date");
    assert!(Calendar::new(fixed(13, 1)).is_err());
    assert!(Calendar::new(fixed(200, 1)).is_err());
    assert!(Calendar::new(fixed(1, 0)).is_err());

    let invalid = [
        json!({ "fixed": [{ "month": 1, "day": 6, "name": "x", "from_year": 2024, "until_year": 2023 }] }),
        json!({ "fixed": [{ "month": 1, "day": 6, "name": " " }] }),
        json!({ "orthodox_easter": [{ "offset_days": 400, "name": "x" }] }),
        json!({ "extra": [{ "date": "2025-05-02", "name": "" }] }),
        json!({ "weekend": ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"] }),
    ];
    for rules in invalid {
        assert!(Calendar::new(parse(rules.clone()).unwrap()).is_err(), "{rules}");
    }
}

#[test]
fn easter_offsets_may_cross_into_another_year() {
    // Orthodox Easter 2025 is 20 April; 2026 is 12 April.
    let rules = parse(json!({
        "orthodox_easter": [
            { "offset_days": 300, "name": "late" },
            { "offset_days": -300, "name": "early" }
        ]
    }))
    .unwrap();
    let calendar = Calendar::new(rules).unwrap();
    assert_eq!(calendar.holiday(date(2026, 2, 14)), Some("late"));
    assert_eq!(calendar.holiday(date(2025, 6, 16)), Some("early"));
}

#[test]
fn cedilla_in_holiday_names_is_corrected_in_explanations() {
    let rules = parse(json!({
        "fixed": [{ "month": 12, "day": 1, "name": "Ziua Na\u{0163}ional\u{0103}" }]
    }))
    .unwrap();
    let calendar = Calendar::new(rules).unwrap();
    let text = calendar.add_working_days(date(2025, 11, 28), 1).explain_ro();
    assert!(text.contains("1 decembrie — Ziua Națională"), "{text}");
    assert!(!text.contains('\u{0163}'));
}

#[test]
fn deadline_serializes_for_templates() {
    let rules = parse(json!({ "fixed": [{ "month": 5, "day": 1, "name": "Ziua Muncii" }] })).unwrap();
    let calendar = Calendar::new(rules).unwrap();
    let deadline = calendar.add_working_days(date(2025, 4, 30), 1);
    assert_eq!(
        serde_json::to_value(&deadline).unwrap(),
        json!({
            "start": "2025-04-30",
            "rule": { "working_days": 1 },
            "due": "2025-05-02",
            "skipped": [{ "date": "2025-05-01", "reason": { "holiday": "Ziua Muncii" } }],
            "moved_from": null
        })
    );
    let deadline = calendar.add_calendar_days(date(2025, 4, 30), 3);
    assert_eq!(
        serde_json::to_value(&deadline).unwrap(),
        json!({
            "start": "2025-04-30",
            "rule": { "calendar_days": 3 },
            "due": "2025-05-05",
            "skipped": [
                { "date": "2025-05-03", "reason": "weekend" },
                { "date": "2025-05-04", "reason": "weekend" }
            ],
            "moved_from": "2025-05-03"
        })
    );
}
