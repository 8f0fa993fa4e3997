//! The Romanian public holidays (Codul muncii, art. 139), written as the data
//! a site would ship, and the deadlines a Romanian city hall computes.

use civic_workdays::{
    Calendar, CalendarRules, Deadline, DeadlineRule, SkipReason, SkippedDay, format_date_ro, orthodox_easter,
};
use jiff::civil::{Date, date};

const ROMANIA: &str = r#"{
  "fixed": [
    { "month": 1, "day": 1, "name": "Anul Nou" },
    { "month": 1, "day": 2, "name": "Anul Nou" },
    { "month": 1, "day": 6, "name": "Boboteaza", "from_year": 2024 },
    { "month": 1, "day": 7, "name": "Sfântul Ioan", "from_year": 2024 },
    { "month": 1, "day": 24, "name": "Ziua Unirii Principatelor Române" },
    { "month": 5, "day": 1, "name": "Ziua Muncii" },
    { "month": 6, "day": 1, "name": "Ziua Copilului" },
    { "month": 8, "day": 15, "name": "Adormirea Maicii Domnului" },
    { "month": 11, "day": 30, "name": "Sfântul Andrei" },
    { "month": 12, "day": 1, "name": "Ziua Națională" },
    { "month": 12, "day": 25, "name": "Crăciunul" },
    { "month": 12, "day": 26, "name": "Crăciunul" }
  ],
  "orthodox_easter": [
    { "offset_days": -2, "name": "Vinerea Mare", "from_year": 2018 },
    { "offset_days": 0, "name": "Paștele" },
    { "offset_days": 1, "name": "Paștele" },
    { "offset_days": 49, "name": "Rusaliile" },
    { "offset_days": 50, "name": "Rusaliile" }
  ]
}"#;

fn romania() -> Calendar {
    let rules: CalendarRules = serde_json::from_str(ROMANIA).expect("valid JSON rules");
    Calendar::new(rules).expect("valid rules")
}

fn weekend(date: Date) -> SkippedDay {
    SkippedDay { date, reason: SkipReason::Weekend }
}

fn holiday(date: Date, name: &str) -> SkippedDay {
    SkippedDay { date, reason: SkipReason::Holiday(name.into()) }
}

fn has_cedilla(text: &str) -> bool {
    text.contains(['\u{015E}', '\u{015F}', '\u{0162}', '\u{0163}'])
}

#[test]
fn orthodox_easter_dates() {
    assert_eq!(orthodox_easter(2023), date(2023, 4, 16));
    assert_eq!(orthodox_easter(2024), date(2024, 5, 5));
    assert_eq!(orthodox_easter(2025), date(2025, 4, 20));
    assert_eq!(orthodox_easter(2026), date(2026, 4, 12));
    assert_eq!(orthodox_easter(2027), date(2027, 5, 2));
    // Both ends of the 13-day era, and the 14-day one after it.
    assert_eq!(orthodox_easter(1900), date(1900, 4, 22));
    assert_eq!(orthodox_easter(2099), date(2099, 4, 12));
    assert_eq!(orthodox_easter(2100), date(2100, 5, 2));
    for year in 1900..=2099 {
        assert_eq!(orthodox_easter(year).weekday(), jiff::civil::Weekday::Sunday);
    }
}

#[test]
fn holidays_relative_to_easter() {
    let ro = romania();
    assert_eq!(ro.holiday(date(2025, 4, 18)), Some("Vinerea Mare"));
    assert_eq!(ro.holiday(date(2025, 4, 20)), Some("Paștele"));
    assert_eq!(ro.holiday(date(2025, 4, 21)), Some("Paștele"));
    assert_eq!(ro.holiday(date(2025, 4, 22)), None);
    // Pentecost 2025: Sunday 8 and Monday 9 June.
    assert_eq!(ro.holiday(date(2025, 6, 8)), Some("Rusaliile"));
    assert_eq!(ro.holiday(date(2025, 6, 9)), Some("Rusaliile"));
    assert!(!ro.is_working_day(date(2025, 6, 9)));
    assert!(ro.is_working_day(date(2025, 6, 10)));
    // Good Friday became a holiday in 2018: Easter 2017 was 16 April.
    assert_eq!(ro.holiday(date(2017, 4, 14)), None);
    assert!(ro.is_working_day(date(2017, 4, 14)));
}

#[test]
fn fixed_holidays_respect_from_year() {
    let ro = romania();
    // 6 January 2023 was a Friday and still a working day.
    assert!(ro.is_working_day(date(2023, 1, 6)));
    assert_eq!(ro.holiday(date(2024, 1, 6)), Some("Boboteaza"));
    assert_eq!(ro.holiday(date(2026, 1, 7)), Some("Sfântul Ioan"));
    assert_eq!(ro.holiday(date(2025, 1, 24)), Some("Ziua Unirii Principatelor Române"));
    // Weekends are not holidays, but are not working days either.
    assert_eq!(ro.holiday(date(2025, 3, 1)), None);
    assert!(!ro.is_working_day(date(2025, 3, 1)));
    assert!(ro.is_working_day(date(2025, 3, 3)));
}

#[test]
fn working_days_cross_easter_may_day_and_weekends() {
    let ro = romania();
    let deadline = ro.add_working_days(date(2025, 4, 17), 10);
    assert_eq!(
        deadline,
        Deadline {
            start: date(2025, 4, 17),
            rule: DeadlineRule::WorkingDays(10),
            due: date(2025, 5, 6),
            skipped: vec![
                holiday(date(2025, 4, 18), "Vinerea Mare"),
                weekend(date(2025, 4, 19)),
                // Easter Sunday is reported as the holiday, not as weekend.
                holiday(date(2025, 4, 20), "Paștele"),
                holiday(date(2025, 4, 21), "Paștele"),
                weekend(date(2025, 4, 26)),
                weekend(date(2025, 4, 27)),
                holiday(date(2025, 5, 1), "Ziua Muncii"),
                weekend(date(2025, 5, 3)),
                weekend(date(2025, 5, 4)),
            ],
            moved_from: None,
        }
    );
    assert_eq!(
        deadline.explain_ro(),
        "10 zile lucrătoare de la 17 aprilie 2025: se sar 5 zile de weekend și \
         4 zile de sărbătoare legală (18 aprilie — Vinerea Mare, 20 aprilie — Paștele, \
         21 aprilie — Paștele, 1 mai — Ziua Muncii); termen: 6 mai 2025"
    );
}

#[test]
fn working_days_start_day_is_never_counted() {
    let ro = romania();
    // From a Saturday: Monday is the first working day.
    let deadline = ro.add_working_days(date(2025, 3, 1), 1);
    assert_eq!(deadline.due, date(2025, 3, 3));
    assert_eq!(deadline.skipped, vec![weekend(date(2025, 3, 2))]);
    assert_eq!(
        deadline.explain_ro(),
        "1 zi lucrătoare de la 1 martie 2025: se sare 1 zi de weekend; termen: 3 martie 2025"
    );
    assert_eq!(ro.add_working_days(date(2025, 3, 3), 0).due, date(2025, 3, 3));
}

#[test]
fn calendar_days_ending_on_sunday_move_to_monday() {
    let ro = romania();
    let deadline = ro.add_calendar_days(date(2025, 3, 7), 30);
    assert_eq!(deadline.due, date(2025, 4, 7));
    assert_eq!(deadline.moved_from, Some(date(2025, 4, 6)));
    assert_eq!(deadline.skipped, vec![weekend(date(2025, 4, 6))]);
    assert_eq!(
        deadline.explain_ro(),
        "30 de zile calendaristice de la 7 martie 2025: ultima zi, 6 aprilie 2025, \
         nu este zi lucrătoare, așa că se sare 1 zi de weekend; termen: 7 aprilie 2025"
    );
}

#[test]
fn calendar_days_ending_on_christmas_move_past_holidays_and_weekend() {
    let ro = romania();
    let deadline = ro.add_calendar_days(date(2025, 11, 25), 30);
    assert_eq!(deadline.due, date(2025, 12, 29));
    assert_eq!(deadline.moved_from, Some(date(2025, 12, 25)));
    assert_eq!(
        deadline.skipped,
        vec![
            holiday(date(2025, 12, 25), "Crăciunul"),
            holiday(date(2025, 12, 26), "Crăciunul"),
            weekend(date(2025, 12, 27)),
            weekend(date(2025, 12, 28)),
        ]
    );
    assert_eq!(
        deadline.explain_ro(),
        "30 de zile calendaristice de la 25 noiembrie 2025: ultima zi, 25 decembrie 2025, \
         nu este zi lucrătoare, așa că se sar 2 zile de weekend și 2 zile de sărbătoare \
         legală (25 decembrie — Crăciunul, 26 decembrie — Crăciunul); termen: 29 decembrie 2025"
    );
}

#[test]
fn calendar_days_ending_on_a_working_day_do_not_move() {
    let ro = romania();
    let deadline = ro.add_calendar_days(date(2025, 3, 3), 30);
    assert_eq!(deadline.due, date(2025, 4, 2));
    assert_eq!(deadline.moved_from, None);
    assert!(deadline.skipped.is_empty());
    assert_eq!(deadline.explain_ro(), "30 de zile calendaristice de la 3 martie 2025; termen: 2 aprilie 2025");
}

#[test]
fn working_days_between_counts_after_a_up_to_b() {
    let ro = romania();
    assert_eq!(ro.working_days_between(date(2025, 4, 17), date(2025, 5, 6)), 10);
    assert_eq!(ro.working_days_between(date(2025, 5, 6), date(2025, 4, 17)), -10);
    assert_eq!(ro.working_days_between(date(2025, 5, 6), date(2025, 5, 6)), 0);
    // Christmas, New Year, Epiphany and St John: 29, 30, 31 Dec, 5, 8, 9 Jan.
    assert_eq!(ro.working_days_between(date(2025, 12, 24), date(2026, 1, 9)), 6);
    // A whole year: 2025 has 261 weekdays, 13 of its holidays fall on them.
    assert_eq!(ro.working_days_between(date(2024, 12, 31), date(2025, 12, 31)), 248);
}

#[test]
fn add_and_subtract_working_days_are_inverse_on_working_days() {
    let ro = romania();
    let mut day = date(2024, 1, 1);
    while day <= date(2026, 12, 31) {
        if ro.is_working_day(day) {
            for n in [0, 1, 5, 10, 30] {
                let added = ro.add_working_days(day, n);
                assert_eq!(ro.working_days_between(day, added.due), i64::from(n));
                assert_eq!(ro.subtract_working_days(added.due, n).due, day, "{day} {n}");
                let subtracted = ro.subtract_working_days(day, n);
                assert_eq!(ro.add_working_days(subtracted.due, n).due, day, "{day} {n}");
            }
        }
        day = day.tomorrow().unwrap();
    }
}

#[test]
fn notice_at_least_30_working_days_before() {
    let ro = romania();
    // Legea 52/2003: a draft submitted on Tuesday 10 June 2025 must be
    // announced at the latest on 25 April 2025.
    let deadline = ro.subtract_working_days(date(2025, 6, 10), 30);
    assert_eq!(deadline.rule, DeadlineRule::WorkingDaysBefore(30));
    assert_eq!(deadline.start, date(2025, 6, 10));
    assert_eq!(deadline.due, date(2025, 4, 25));
    assert!(deadline.skipped.is_sorted_by_key(|day| day.date));
    assert_eq!(
        deadline.explain_ro(),
        "30 de zile lucrătoare înainte de 10 iunie 2025: se sar 12 zile de weekend și \
         4 zile de sărbătoare legală (1 mai — Ziua Muncii, 1 iunie — Ziua Copilului, \
         8 iunie — Rusaliile, 9 iunie — Rusaliile); termen: 25 aprilie 2025"
    );
    let published = date(2025, 4, 24);
    assert!(published <= deadline.due);
    assert!(ro.working_days_between(published, date(2025, 6, 10)) >= 30);
}

#[test]
fn format_date_ro_uses_lower_case_romanian_months() {
    let months: Vec<String> = (1..=12).map(|month| format_date_ro(date(2025, month, 1))).collect();
    assert_eq!(
        months,
        [
            "1 ianuarie 2025",
            "1 februarie 2025",
            "1 martie 2025",
            "1 aprilie 2025",
            "1 mai 2025",
            "1 iunie 2025",
            "1 iulie 2025",
            "1 august 2025",
            "1 septembrie 2025",
            "1 octombrie 2025",
            "1 noiembrie 2025",
            "1 decembrie 2025",
        ]
    );
    assert_eq!(format_date_ro(date(2025, 3, 27)), "27 martie 2025");
}

#[test]
fn romanian_number_agreement() {
    let ro = romania();
    let start = date(2025, 3, 3);
    let phrase = |n| {
        let text = ro.add_calendar_days(start, n).explain_ro();
        text.split(" de la ").next().unwrap().to_owned()
    };
    assert_eq!(phrase(1), "1 zi calendaristică");
    assert_eq!(phrase(2), "2 zile calendaristice");
    assert_eq!(phrase(19), "19 zile calendaristice");
    assert_eq!(phrase(20), "20 de zile calendaristice");
    assert_eq!(phrase(100), "100 de zile calendaristice");
    assert_eq!(phrase(105), "105 zile calendaristice");
    assert_eq!(phrase(120), "120 de zile calendaristice");
}

#[test]
fn romanian_text_has_comma_below_never_cedilla() {
    let ro = romania();
    let mut texts: Vec<String> = (1..=12).map(|month| format_date_ro(date(2025, month, 1))).collect();
    let mut day = date(2025, 1, 1);
    while day.year() == 2025 {
        texts.push(ro.add_working_days(day, 10).explain_ro());
        texts.push(ro.add_calendar_days(day, 30).explain_ro());
        texts.push(ro.subtract_working_days(day, 30).explain_ro());
        day = day.tomorrow().unwrap();
    }
    assert!(texts.iter().all(|text| !has_cedilla(text)));
    assert!(texts.iter().any(|text| text.contains("așa că")));
    assert!(texts.iter().any(|text| text.contains("Paștele")));
    assert!(texts.iter().any(|text| text.contains("Ziua Națională")));
    assert!(!has_cedilla(ROMANIA));
}
