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
}

pub enum When {
    At(DateTime),
    AllDay(Date),
}

/// Whether an item's page folder has a `calendar.ics`.
pub fn has_calendar(item: &Item) -> bool {
    matches!(*item.data, Data::CouncilSession(_) | Data::JobContest(_))
}

/// The `.ics` files of an item's page folder: (file name, text).
pub fn for_item(item: &Item, config: &SiteConfig) -> Vec<(&'static str, String)> {
    let url = format!("{}{}", config.base_url, super::urls::item_url(item));
    let events = match &*item.data {
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
    vec![("calendar.ics", calendar(&config.city.institution, &events))]
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
        url: format!("{}{}", config.base_url, super::urls::item_url(item)),
        description: s.livestream_url.as_ref().map(|u| format!("Transmisie live: {u}")),
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
    }
}

/// DTSTAMP must be UTC; the event's own start keeps builds deterministic.
fn stamp(when: &When) -> String {
    match when {
        When::At(t) => t.timestamp().strftime("%Y%m%dT%H%M%SZ").to_string(),
        When::AllDay(d) => format!("{}T000000Z", d.civil().strftime("%Y%m%d")),
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
