//! iCalendar (RFC 5545) files for council sessions and job-contest calendars, with the
//! VTIMEZONE of the site's zone so calendar apps show local times.
//!
//! Written by hand: the format is a few lines of text and the crates available either lack
//! VTIMEZONE or pull in a second date library.

use crate::config::SiteConfig;
use crate::load::Item;
use crate::model::Data;
use crate::model::values::{Date, DateTime};

/// Europe/Bucharest's rules since 1997: EEST from the last Sunday of March, EET from the last
/// Sunday of October.
const VTIMEZONE: &str = "BEGIN:VTIMEZONE\r\nTZID:Europe/Bucharest\r\nBEGIN:DAYLIGHT\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0300\r\nTZNAME:EEST\r\nDTSTART:19970330T030000\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\nEND:DAYLIGHT\r\nBEGIN:STANDARD\r\nTZOFFSETFROM:+0300\r\nTZOFFSETTO:+0200\r\nTZNAME:EET\r\nDTSTART:19971026T040000\r\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n";

/// One calendar event.
pub struct Event {
    pub uid: String,
    pub summary: String,
    pub start: When,
    pub end: Option<When>,
    pub location: Option<String>,
    pub url: String,
    pub description: Option<String>,
    /// RRULE, EXDATE and RDATE of a recurring event, and whether it was cancelled.
    pub repeat: Repeat,
}

/// How an event repeats (RFC 5545 §3.8.5); empty for a one-off event.
#[derive(Default)]
pub struct Repeat {
    /// The rule without UNTIL, `FREQ=WEEKLY;BYDAY=MO,TH`.
    pub rule: Option<String>,
    /// The rule's last instant.
    pub until: Option<jiff::Timestamp>,
    /// Days skipped and added, at the event's local start time.
    pub exdates: Vec<jiff::civil::DateTime>,
    pub rdates: Vec<jiff::civil::DateTime>,
    pub cancelled: bool,
}

pub enum When {
    At(DateTime),
    AllDay(Date),
    /// A wall-clock time in Europe/Bucharest (a repeating event keeps it across DST changes).
    Local(jiff::civil::DateTime),
}

/// The `.ics` files of an item's page folder.
pub fn file_names(item: &Item) -> Vec<String> {
    match &*item.data {
        Data::CouncilSession(_) | Data::JobContest(_) | Data::PublicWork(_) => vec!["calendar.ics".to_owned()],
        Data::RecurringService(s) => s.zones.iter().map(|z| super::places::zone_ics(&z.id)).collect(),
        _ => Vec::new(),
    }
}

/// The `.ics` files of an item's page folder: (file name, text).
pub fn for_item(item: &Item, config: &SiteConfig) -> Vec<(String, String)> {
    let url = format!("{}{}", config.base_url, item.url());
    if let Data::RecurringService(s) = &*item.data {
        return s
            .zones
            .iter()
            .map(|z| {
                let events = zone_events(item, s, z, &url, config);
                (super::places::zone_ics(&z.id), calendar(&format!("{} — {}", s.envelope.title, z.name), &events))
            })
            .collect();
    }
    let events = match &*item.data {
        Data::PublicWork(w) => vec![work_event(item, w, &url, config)],
        Data::CouncilSession(_) => session_events(item, config),
        Data::JobContest(j) => {
            let c = &j.calendar;
            let title = &j.envelope.title;
            let mut v = vec![
                day_event(item, "dosare", format!("Termen depunere dosare: {title}"), c.dossiers_to, &url, config),
                Event {
                    uid: uid(item, "proba-scrisa", config),
                    summary: format!("Proba scrisă: {title}"),
                    start: When::At(c.written_test.at),
                    end: None,
                    location: Some(c.written_test.place.clone()),
                    url: url.clone(),
                    description: None,
                    repeat: Repeat::default(),
                },
            ];
            if let Some(i) = &c.interview {
                v.push(Event {
                    uid: uid(item, "interviu", config),
                    summary: format!("Interviu: {title}"),
                    start: When::At(i.at),
                    end: None,
                    location: Some(i.place.clone()),
                    url: url.clone(),
                    description: None,
                    repeat: Repeat::default(),
                });
            }
            if let Some(d) = c.selection_results_by {
                v.push(day_event(
                    item,
                    "selectie",
                    format!("Rezultatele selecției dosarelor: {title}"),
                    d,
                    &url,
                    config,
                ));
            }
            if let Some(d) = c.final_results_by {
                v.push(day_event(item, "final", format!("Rezultatele finale: {title}"), d, &url, config));
            }
            v
        }
        _ => return Vec::new(),
    };
    vec![("calendar.ics".to_owned(), calendar(&config.city.institution, &events))]
}

/// A work as one event: its whole period, or its hours repeated until the period ends.
fn work_event(item: &Item, w: &crate::model::places::PublicWork, url: &str, config: &SiteConfig) -> Event {
    let tz = super::context::bucharest();
    let streets: Vec<String> = w
        .streets
        .iter()
        .map(|s| match &s.section {
            Some(sec) => format!("{} ({sec})", s.name),
            None => s.name.clone(),
        })
        .collect();
    let mut event = Event {
        uid: uid(item, "lucrare", config),
        summary: w.envelope.title.clone(),
        start: When::At(w.period.start),
        end: Some(When::At(w.period.end)),
        location: Some(streets.join("; ")),
        url: url.to_owned(),
        description: w.envelope.summary.clone(),
        repeat: Repeat { cancelled: w.status == crate::model::places::WorkStatus::Anulat, ..Repeat::default() },
    };
    if let Some(s) = &w.schedule {
        let day = w.period.start.timestamp().to_zoned_datetime(tz.clone()).date();
        let (start, end) = window(day, &s.from, &s.to);
        event.start = When::Local(start);
        event.end = Some(When::Local(end));
        event.repeat.rule = Some(s.rrule.clone());
        event.repeat.until = Some(w.period.end.timestamp());
        event.description = Some(match &w.envelope.summary {
            Some(sum) => format!("{sum}\nProgram: {}", s.text),
            None => format!("Program: {}", s.text),
        });
    }
    event
}

/// A local time window on `day` (`22:00`–`05:00` ends the next day).
fn window(day: jiff::civil::Date, from: &str, to: &str) -> (jiff::civil::DateTime, jiff::civil::DateTime) {
    let time = |t: &str| t.parse::<jiff::civil::Time>().unwrap_or_default();
    let (a, b) = (time(from), time(to));
    let start = day.to_datetime(a);
    let end_day = if b <= a { day.tomorrow().unwrap_or(day) } else { day };
    (start, end_day.to_datetime(b))
}

/// A zone's calendar: one repeating event per waste fraction, from the first day the rule
/// falls on, until the service's `valid_to`.
fn zone_events(
    item: &Item,
    s: &crate::model::places::RecurringService,
    zone: &crate::model::places::Zone,
    url: &str,
    config: &SiteConfig,
) -> Vec<Event> {
    let tz = super::context::bucharest();
    zone.schedules
        .iter()
        .filter_map(|sc| {
            let rule = crate::recur::parse(&sc.rrule).ok()?;
            let from = s.valid_from.civil();
            let first =
                rule.between(from, from, from.saturating_add(jiff::Span::new().days(400))).into_iter().next()?;
            let (start, end) = window(first, &sc.from, &sc.to);
            let fraction = serde_json::to_value(sc.fraction).ok()?.as_str()?.to_owned();
            let until = s.valid_to.and_then(|d| {
                d.civil()
                    .to_datetime(jiff::civil::Time::constant(23, 59, 59, 0))
                    .to_zoned_datetime(tz.clone())
                    .ok()
                    .map(|z| z.timestamp())
            });
            Some(Event {
                uid: format!("{}-{}-{fraction}@{}", item.id(), zone.id, host(config)),
                summary: format!("Colectare {}: {}", fraction_ro(&fraction), zone.name),
                start: When::Local(start),
                end: Some(When::Local(end)),
                location: Some(zone.name.clone()),
                url: format!("{url}#zona-{}", zone.id),
                description: sc.instructions.clone(),
                repeat: Repeat {
                    rule: Some(sc.rrule.clone()),
                    until,
                    exdates: sc.exdates.iter().map(|d| d.civil().to_datetime(start.time())).collect(),
                    rdates: sc.rdates.iter().map(|d| d.civil().to_datetime(start.time())).collect(),
                    cancelled: false,
                },
            })
        })
        .collect()
}

/// The fraction as the event's title says it.
fn fraction_ro(f: &str) -> &str {
    match f {
        "menajer" => "deșeuri menajere",
        "reciclabil" => "deșeuri reciclabile",
        "sticla" => "sticlă",
        "biodegradabil" => "deșeuri biodegradabile",
        "voluminoase" => "deșeuri voluminoase",
        other => other,
    }
}

/// The events of a session (one).
pub fn session_events(item: &Item, config: &SiteConfig) -> Vec<Event> {
    let Data::CouncilSession(s) = &*item.data else {
        return Vec::new();
    };
    vec![Event {
        uid: uid(item, "sedinta", config),
        summary: s.envelope.title.clone(),
        start: When::At(s.starts_at),
        end: s.ends_at.map(When::At),
        location: Some(s.location.clone()),
        url: format!("{}{}", config.base_url, item.url()),
        description: s.livestream_url.as_ref().map(|u| format!("Transmisie live: {u}")),
        repeat: Repeat::default(),
    }]
}

fn day_event(item: &Item, what: &str, summary: String, date: Date, url: &str, config: &SiteConfig) -> Event {
    Event {
        uid: uid(item, what, config),
        summary,
        start: When::AllDay(date),
        end: None,
        location: None,
        url: url.to_owned(),
        description: None,
        repeat: Repeat::default(),
    }
}

fn host(config: &SiteConfig) -> &str {
    config.base_url.split("://").nth(1).unwrap_or(&config.base_url).trim_end_matches('/')
}

fn uid(item: &Item, what: &str, config: &SiteConfig) -> String {
    format!("{}-{what}@{}", item.id(), host(config))
}

/// A whole VCALENDAR.
pub fn calendar(name: &str, events: &[Event]) -> String {
    let mut out = String::new();
    out.push_str("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//civic//civic build//RO\r\nCALSCALE:GREGORIAN\r\n");
    line(&mut out, "X-WR-CALNAME", &escape(name));
    out.push_str(VTIMEZONE);
    for e in events {
        out.push_str("BEGIN:VEVENT\r\n");
        line(&mut out, "UID", &e.uid);
        line(&mut out, "DTSTAMP", &stamp(&e.start));
        write_when(&mut out, "DTSTART", &e.start);
        if let Some(end) = &e.end {
            write_when(&mut out, "DTEND", end);
        }
        if let Some(rule) = &e.repeat.rule {
            let until = e.repeat.until.map(|t| format!(";UNTIL={}", t.strftime("%Y%m%dT%H%M%SZ"))).unwrap_or_default();
            line(&mut out, "RRULE", &format!("{rule}{until}"));
        }
        for (name, days) in [("EXDATE", &e.repeat.exdates), ("RDATE", &e.repeat.rdates)] {
            if !days.is_empty() {
                let list: Vec<String> = days.iter().map(|d| d.strftime("%Y%m%dT%H%M%S").to_string()).collect();
                line(&mut out, &format!("{name};TZID=Europe/Bucharest"), &list.join(","));
            }
        }
        if e.repeat.cancelled {
            line(&mut out, "STATUS", "CANCELLED");
        }
        line(&mut out, "SUMMARY", &escape(&e.summary));
        if let Some(l) = &e.location {
            line(&mut out, "LOCATION", &escape(l));
        }
        if let Some(d) = &e.description {
            line(&mut out, "DESCRIPTION", &escape(d));
        }
        line(&mut out, "URL", &e.url);
        out.push_str("END:VEVENT\r\n");
    }
    out.push_str("END:VCALENDAR\r\n");
    out
}

fn write_when(out: &mut String, name: &str, when: &When) {
    match when {
        When::AllDay(d) => line(out, &format!("{name};VALUE=DATE"), &d.civil().strftime("%Y%m%d").to_string()),
        When::At(t) => {
            let local = t.timestamp().to_zoned_datetime(super::context::bucharest());
            line(out, &format!("{name};TZID=Europe/Bucharest"), &local.strftime("%Y%m%dT%H%M%S").to_string());
        }
        When::Local(d) => line(out, &format!("{name};TZID=Europe/Bucharest"), &d.strftime("%Y%m%dT%H%M%S").to_string()),
    }
}

/// DTSTAMP must be UTC; the event's own start keeps builds deterministic.
fn stamp(when: &When) -> String {
    match when {
        When::At(t) => t.timestamp().strftime("%Y%m%dT%H%M%SZ").to_string(),
        When::AllDay(d) => format!("{}T000000Z", d.civil().strftime("%Y%m%d")),
        When::Local(d) => d
            .to_zoned_datetime(super::context::bucharest())
            .map(|z| z.timestamp().strftime("%Y%m%dT%H%M%SZ").to_string())
            .unwrap_or_else(|_| d.strftime("%Y%m%dT%H%M%SZ").to_string()),
    }
}

fn escape(text: &str) -> String {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    text.chars()
        .filter(|c| *c == '\n' || !c.is_control())
        .collect::<String>()
        .replace('\\', "\\\\")
        .replace(';', "\\;")
        .replace(',', "\\,")
        .replace('\n', "\\n")
}

/// Writes `NAME:value`, folded at 75 octets without splitting a UTF-8 character.
fn line(out: &mut String, name: &str, value: &str) {
    let full = format!("{name}:{value}");
    let mut width = 0;
    for c in full.chars() {
        if width + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += c.len_utf8();
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_fold_without_breaking_diacritics() {
        let mut out = String::new();
        line(&mut out, "SUMMARY", &"ședință ".repeat(20));
        for l in out.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(l.len() <= 75, "{l}");
        }
        let unfolded = out.replace("\r\n ", "");
        assert!(unfolded.contains(&"ședință ".repeat(20)));
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(escape("a, b; c\nd"), "a\\, b\\; c\\nd");
        assert_eq!(escape("Sedinta\rATTACH:x\u{7}"), "Sedinta\\nATTACH:x");
    }
}
