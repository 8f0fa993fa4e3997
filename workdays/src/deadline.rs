//! Counting terms over a [`Calendar`], and explaining the result in Romanian.

use jiff::Span;
use jiff::civil::Date;
use serde::Serialize;

use crate::Calendar;

/// A computed deadline, with everything needed to show how it was reached.
///
/// Serializes (for templates) as
/// `{"start": "2025-04-28", "rule": {"working_days": 5}, "due": "2025-05-06",
/// "skipped": [{"date": "2025-05-01", "reason": {"holiday": "Ziua Muncii"}},
/// {"date": "2025-05-03", "reason": "weekend"}, …], "moved_from": null}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Deadline {
    /// The day the term is counted from (for
    /// [`DeadlineRule::WorkingDaysBefore`], counted back from).
    pub start: Date,
    pub rule: DeadlineRule,
    /// The last day on which the act can be done.
    pub due: Date,
    /// Every non-working day passed over, in date order.
    pub skipped: Vec<SkippedDay>,
    /// For calendar-day terms, the nominal last day when it was not a
    /// working day and the deadline moved to `due`.
    pub moved_from: Option<Date>,
}

/// How the term was counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineRule {
    /// See [`Calendar::add_working_days`].
    WorkingDays(u32),
    /// See [`Calendar::add_calendar_days`].
    CalendarDays(u32),
    /// See [`Calendar::subtract_working_days`].
    WorkingDaysBefore(u32),
}

/// A day that did not count towards a term, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SkippedDay {
    pub date: Date,
    pub reason: SkipReason,
}

/// Why a day is not a working day. A holiday or day off that falls on a
/// weekend is reported as the holiday or day off.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SkipReason {
    Weekend,
    /// A public holiday (`fixed` or `orthodox_easter` rule), by name.
    Holiday(String),
    /// An `extra` day off, by name.
    DayOff(String),
}

/// The functions below panic only if counting runs past the range of
/// [`Date`] (years -9999 to 9999).
impl Calendar {
    /// The `n`-th working day after `start`.
    ///
    /// `start` itself is not counted, whatever day it is; non-working days
    /// after it are skipped. With `n = 0` the deadline is `start`.
    pub fn add_working_days(&self, start: Date, n: u32) -> Deadline {
        let (due, skipped) = self.count_working_days(start, n, next_day);
        Deadline { start, rule: DeadlineRule::WorkingDays(n), due, skipped, moved_from: None }
    }

    /// The deadline of a term of `n` calendar days from `start`.
    ///
    /// The start day is not counted and the last day is, so the nominal last
    /// day is `start + n`. If that is not a working day, the term is extended
    /// to the next working day (Codul civil, art. 2.554), and `moved_from`
    /// records the nominal day.
    ///
    /// Beware: the general rules of Codul civil (art. 2.553) and Codul de
    /// procedură civilă (art. 181) count in *zile libere*, where the last day
    /// is not counted either, so their nominal last day is `start + n + 1`.
    /// Which way a given term is counted is for the caller to know from the
    /// law that sets it; this function implements only the one above.
    pub fn add_calendar_days(&self, start: Date, n: u32) -> Deadline {
        let last_day = Span::new()
            .try_days(n)
            .and_then(|span| start.checked_add(span))
            .expect("deadline within jiff's date range");
        let mut due = last_day;
        let mut skipped = Vec::new();
        while let Some(reason) = self.skip_reason(due) {
            skipped.push(SkippedDay { date: due, reason });
            due = next_day(due);
        }
        Deadline {
            start,
            rule: DeadlineRule::CalendarDays(n),
            due,
            skipped,
            moved_from: (due != last_day).then_some(last_day),
        }
    }

    /// The `n`-th working day before `end`, for "at least `n` working days
    /// before" rules (Legea nr. 52/2003: a draft is announced at least 30
    /// working days before it is submitted for approval).
    ///
    /// The mirror image of [`add_working_days`](Self::add_working_days):
    /// `end` is not counted and `due` is. So when both days are working days,
    /// `add_working_days(subtract_working_days(end, n).due, n).due == end`,
    /// and the check "was the notice early enough?" is `published <= due`.
    /// The result has `start = end`.
    pub fn subtract_working_days(&self, end: Date, n: u32) -> Deadline {
        let (due, mut skipped) = self.count_working_days(end, n, previous_day);
        skipped.reverse();
        Deadline { start: end, rule: DeadlineRule::WorkingDaysBefore(n), due, skipped, moved_from: None }
    }

    /// The number of working days `d` with `a < d <= b`; negative (the same
    /// count, with `a` and `b` swapped) when `b` is before `a`.
    pub fn working_days_between(&self, a: Date, b: Date) -> i64 {
        if b < a {
            return -self.working_days_between(b, a);
        }
        let mut count = 0;
        let mut day = a;
        while day < b {
            day = next_day(day);
            if self.is_working_day(day) {
                count += 1;
            }
        }
        count
    }

    /// Steps from `from` (not counted) until `n` working days are counted.
    fn count_working_days(&self, from: Date, n: u32, step: fn(Date) -> Date) -> (Date, Vec<SkippedDay>) {
        let mut day = from;
        let mut skipped = Vec::new();
        let mut counted = 0;
        while counted < n {
            day = step(day);
            match self.skip_reason(day) {
                Some(reason) => skipped.push(SkippedDay { date: day, reason }),
                None => counted += 1,
            }
        }
        (day, skipped)
    }
}

fn next_day(date: Date) -> Date {
    date.tomorrow().expect("date before 9999-12-31")
}

fn previous_day(date: Date) -> Date {
    date.yesterday().expect("date after -9999-01-01")
}

impl Deadline {
    /// A one-sentence Romanian explanation for citizens, e.g.
    /// "5 zile lucrătoare de la 28 aprilie 2025: se sar 2 zile de weekend și
    /// 1 zi de sărbătoare legală (1 mai — Ziua Muncii); termen: 6 mai 2025".
    ///
    /// Uses the comma-below letters ș and ț; the legacy cedilla forms ş and ţ
    /// are corrected in holiday names as well.
    pub fn explain_ro(&self) -> String {
        let (n, counted) = match self.rule {
            DeadlineRule::WorkingDays(n) => (n, "lucrătoare de la"),
            DeadlineRule::CalendarDays(1) => (1, "calendaristică de la"),
            DeadlineRule::CalendarDays(n) => (n, "calendaristice de la"),
            DeadlineRule::WorkingDaysBefore(n) => (n, "lucrătoare înainte de"),
        };
        let mut text = format!("{} {counted} {}", days_ro(n as usize), format_date_ro(self.start));

        if !self.skipped.is_empty() {
            let mut kinds = Vec::new();
            let weekend = self.skipped.iter().filter(|day| day.reason == SkipReason::Weekend).count();
            if weekend > 0 {
                kinds.push(format!("{} de weekend", days_ro(weekend)));
            }
            let holidays = self.named_days(|reason| match reason {
                SkipReason::Holiday(name) => Some(name),
                _ => None,
            });
            if !holidays.is_empty() {
                kinds.push(format!("{} de sărbătoare legală ({})", days_ro(holidays.len()), holidays.join(", ")));
            }
            let days_off = self.named_days(|reason| match reason {
                SkipReason::DayOff(name) => Some(name),
                _ => None,
            });
            if !days_off.is_empty() {
                let free = if days_off.len() == 1 { "liberă" } else { "libere" };
                kinds.push(format!("{} {free} ({})", days_ro(days_off.len()), days_off.join(", ")));
            }

            let why = match self.moved_from {
                Some(last_day) => format!("ultima zi, {}, nu este zi lucrătoare, așa că ", format_date_ro(last_day)),
                None => String::new(),
            };
            let verb = if self.skipped.len() == 1 { "se sare" } else { "se sar" };
            text += &format!(": {why}{verb} {}", join_ro(&kinds));
        }
        text + "; termen: " + &format_date_ro(self.due)
    }

    /// "1 mai — Ziua Muncii" for each skipped day that `name_of` names.
    fn named_days(&self, name_of: impl Fn(&SkipReason) -> Option<&String>) -> Vec<String> {
        self.skipped
            .iter()
            .filter_map(|day| {
                let name = name_of(&day.reason)?;
                Some(format!("{} — {}", day_month_ro(day.date), comma_below(name)))
            })
            .collect()
    }
}

/// "a", "a și b", "a, b și c".
fn join_ro(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [only] => only.clone(),
        [rest @ .., last] => format!("{} și {last}", rest.join(", ")),
    }
}

const MONTHS_RO: [&str; 12] = [
    "ianuarie",
    "februarie",
    "martie",
    "aprilie",
    "mai",
    "iunie",
    "iulie",
    "august",
    "septembrie",
    "octombrie",
    "noiembrie",
    "decembrie",
];

/// A date the way Romanian text writes it: "27 martie 2025".
pub fn format_date_ro(date: Date) -> String {
    format!("{} {}", day_month_ro(date), date.year())
}

/// "27 martie".
fn day_month_ro(date: Date) -> String {
    format!("{} {}", date.day(), MONTHS_RO[date.month() as usize - 1])
}

/// "1 zi", "2 zile", "20 de zile": from 20 on, Romanian puts "de" between
/// a number and its noun, except after 101–119, 201–219, …
fn days_ro(n: usize) -> String {
    match n {
        1 => "1 zi".to_owned(),
        n if n >= 20 && (n % 100 == 0 || n % 100 >= 20) => format!("{n} de zile"),
        n => format!("{n} zile"),
    }
}

/// Replaces the cedilla letters ş Ş ţ Ţ, common in text from legacy
/// encodings, with the correct Romanian comma-below letters ș Ș ț Ț.
fn comma_below(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\u{015F}' => '\u{0219}',
            '\u{015E}' => '\u{0218}',
            '\u{0163}' => '\u{021B}',
            '\u{0162}' => '\u{021A}',
            c => c,
        })
        .collect()
}
