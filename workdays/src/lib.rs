//! Working days and legal deadlines over a public-holiday calendar that is
//! **kept as data**.
//!
//! A city hall constantly tells citizens *by when* something happens: "the
//! answer comes within 10 working days", "you may appeal within 30 days",
//! "the draft is published at least 30 working days before the vote"
//! (Legea nr. 52/2003). Getting these dates right needs two things:
//!
//! 1. **Which days are working days.** A day is *not* a working day when its
//!    weekday is part of the weekend, or when it is a holiday or day off.
//!    These come in three kinds, each a list in [`CalendarRules`]:
//!    - **fixed** dates, the same every year (1 December), optionally only
//!      from or until some year, because laws add holidays over time
//!      (6 and 7 January became holidays in Romania in 2024);
//!    - days **relative to Orthodox Easter** (Good Friday is Easter − 2,
//!      Pentecost is Easter + 49). Easter moves every year, so it is the one
//!      thing computed rather than listed: see [`orthodox_easter`];
//!    - **extra** days off decided one at a time by the government (a Friday
//!      between a holiday and the weekend, for instance).
//! 2. **How a term is counted.** In working days, the start day is never
//!    counted and only working days after it are
//!    ([`Calendar::add_working_days`], and backwards
//!    [`Calendar::subtract_working_days`]). In calendar days, the start day is
//!    not counted, the last day is, and a last day that is not a working day
//!    moves the deadline to the next working day
//!    ([`Calendar::add_calendar_days`]). Each returns a [`Deadline`] that
//!    keeps every day it skipped and why, so the result can be *explained* to
//!    the citizen ([`Deadline::explain_ro`]) instead of being merely asserted.
//!
//! # Why data and not code
//!
//! Holidays change by law, and extra days off are announced a few weeks
//! ahead. Keeping them in a data file (YAML, JSON, …) that deserializes into
//! [`CalendarRules`] means such a change is an edit to content, reviewable by
//! someone who is not a programmer, with no release of the generator. It also
//! keeps this crate free of any country: nothing here knows about Romania
//! except the Romanian wording of [`Deadline::explain_ro`] and
//! [`format_date_ro`]. Rules are checked once, in [`Calendar::new`], so a
//! typo such as 31 April is reported instead of silently never matching.
//!
//! # Example
//!
//! ```
//! use civic_workdays::{Calendar, CalendarRules, FixedHoliday};
//! use jiff::civil::date;
//!
//! let rules = CalendarRules {
//!     fixed: vec![FixedHoliday {
//!         month: 5,
//!         day: 1,
//!         name: "Ziua Muncii".into(),
//!         from_year: None,
//!         until_year: None,
//!     }],
//!     ..CalendarRules::default() // no other holidays; weekend = Saturday, Sunday
//! };
//! let calendar = Calendar::new(rules)?;
//! assert_eq!(calendar.holiday(date(2025, 5, 1)), Some("Ziua Muncii"));
//!
//! // A request filed on Monday 28 April 2025, answered within 5 working days.
//! let deadline = calendar.add_working_days(date(2025, 4, 28), 5);
//! assert_eq!(deadline.due, date(2025, 5, 6));
//! assert_eq!(
//!     deadline.explain_ro(),
//!     "5 zile lucrătoare de la 28 aprilie 2025: se sar 2 zile de weekend și \
//!      1 zi de sărbătoare legală (1 mai — Ziua Muncii); termen: 6 mai 2025",
//! );
//! # Ok::<(), civic_workdays::RulesError>(())
//! ```
//!
//! In a data file (JSON here; YAML works the same through serde), rules look
//! like this. Fields left out take their defaults; unknown fields are
//! rejected, so a misspelt key cannot silently drop a holiday:
//!
//! ```json
//! {
//!   "fixed": [{ "month": 5, "day": 1, "name": "Ziua Muncii" }],
//!   "orthodox_easter": [{ "offset_days": 0, "name": "Paștele" }],
//!   "extra": [{ "date": "2025-05-02", "name": "zi liberă (HG)" }],
//!   "weekend": ["saturday", "sunday"]
//! }
//! ```

use std::fmt;

use jiff::civil::{Date, Weekday};
use serde::{Deserialize, Serialize};

mod deadline;

pub use deadline::{Deadline, DeadlineRule, SkipReason, SkippedDay, format_date_ro};

/// The holidays and weekend of a country (or of any institution), as data.
///
/// Deserialize it from the site's content; every list may be left out and
/// defaults to empty, except `weekend`, which defaults to Saturday and Sunday
/// (written `"saturday"`, `"sunday"`, … in data files).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CalendarRules {
    /// Holidays on the same month and day every year.
    #[serde(default)]
    pub fixed: Vec<FixedHoliday>,
    /// Holidays a fixed number of days from Orthodox Easter Sunday.
    #[serde(default)]
    pub orthodox_easter: Vec<EasterHoliday>,
    /// One-off days off (for instance bridge days set by government decision).
    #[serde(default)]
    pub extra: Vec<ExtraDayOff>,
    /// Weekdays that are never working days.
    #[serde(default = "default_weekend", with = "weekday_names")]
    pub weekend: Vec<Weekday>,
}

impl Default for CalendarRules {
    /// No holidays at all, and a Saturday–Sunday weekend.
    fn default() -> Self {
        Self { fixed: Vec::new(), orthodox_easter: Vec::new(), extra: Vec::new(), weekend: default_weekend() }
    }
}

fn default_weekend() -> Vec<Weekday> {
    vec![Weekday::Saturday, Weekday::Sunday]
}

/// A holiday on the same date every year, e.g. 1 December.
///
/// `from_year` and `until_year` (both inclusive, both optional) bound the
/// years in which the holiday exists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FixedHoliday {
    pub month: u8,
    pub day: u8,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_year: Option<i16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until_year: Option<i16>,
}

/// A holiday `offset_days` after Orthodox Easter Sunday (negative: before).
///
/// `from_year` and `until_year` work as for [`FixedHoliday`]; Good Friday,
/// for instance, is a holiday in Romania only since 2018.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EasterHoliday {
    pub offset_days: i32,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_year: Option<i16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until_year: Option<i16>,
}

/// A single day off, e.g. a bridge day decided by the government.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExtraDayOff {
    pub date: Date,
    pub name: String,
}

/// Why [`Calendar::new`] refused a set of rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RulesError(String);

impl fmt::Display for RulesError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid calendar rules: {}", self.0)
    }
}

impl std::error::Error for RulesError {}

/// The largest `offset_days` (in absolute value) accepted for an Easter-based
/// holiday: up to a year away, so the holiday stays within one year of the
/// Easter it is counted from.
const MAX_EASTER_OFFSET: i32 = 366;

/// Answers "is this a working day?" for validated [`CalendarRules`].
#[derive(Debug, Clone)]
pub struct Calendar {
    rules: CalendarRules,
}

impl Calendar {
    /// Checks the rules and builds the calendar.
    ///
    /// # Errors
    ///
    /// A fixed holiday whose month and day never occur (31 April; 29 February
    /// is accepted and applies in leap years), a holiday with an empty name,
    /// `from_year` after `until_year`, an Easter offset beyond ±366 days, or a
    /// weekend made of all seven days (no deadline could ever be reached).
    pub fn new(rules: CalendarRules) -> Result<Self, RulesError> {
        let error = |message: String| Err(RulesError(message));
        for h in &rules.fixed {
            check_name_and_years(&h.name, h.from_year, h.until_year)?;
            let valid = i8::try_from(h.month)
                .ok()
                .zip(i8::try_from(h.day).ok())
                .is_some_and(|(month, day)| Date::new(2000, month, day).is_ok());
            if !valid {
                return error(format!("fixed holiday {:?}: month {} day {} is not a date", h.name, h.month, h.day));
            }
        }
        for h in &rules.orthodox_easter {
            check_name_and_years(&h.name, h.from_year, h.until_year)?;
            if h.offset_days.abs() > MAX_EASTER_OFFSET {
                return error(format!(
                    "Easter holiday {:?}: offset {} is beyond ±{MAX_EASTER_OFFSET} days",
                    h.name, h.offset_days
                ));
            }
        }
        for h in &rules.extra {
            check_name_and_years(&h.name, None, None)?;
        }
        if Weekday::Monday.cycle_forward().take(7).all(|day| rules.weekend.contains(&day)) {
            return error("the weekend covers all seven days".into());
        }
        Ok(Self { rules })
    }

    /// The rules the calendar was built from (published as open data, so the API computes
    /// deadlines with the same calendar as the site).
    pub fn rules(&self) -> &CalendarRules {
        &self.rules
    }

    /// The name of the holiday or extra day off on `date`, if it is one.
    ///
    /// When several rules name the same day (Easter Monday on 1 May, say),
    /// the first match wins, looking at `fixed`, then `orthodox_easter`, then
    /// `extra`, each in list order. Weekends are not holidays.
    pub fn holiday(&self, date: Date) -> Option<&str> {
        self.public_holiday(date).or_else(|| self.extra_day_off(date))
    }

    /// A `fixed` or `orthodox_easter` holiday.
    fn public_holiday(&self, date: Date) -> Option<&str> {
        let year = date.year();
        let fixed = self.rules.fixed.iter().find(|h| {
            i8::try_from(h.month) == Ok(date.month())
                && i8::try_from(h.day) == Ok(date.day())
                && in_years(year, h.from_year, h.until_year)
        });
        if let Some(h) = fixed {
            return Some(&h.name);
        }
        // An offset may carry a holiday into the year before or after the
        // Easter it is counted from, so look at three Easters.
        let easter = (year - 1..=year + 1).filter(|y| (-9999..=9999).contains(y)).find_map(|y| {
            let offset = (date - orthodox_easter(y)).get_days();
            self.rules
                .orthodox_easter
                .iter()
                .find(|h| h.offset_days == offset && in_years(year, h.from_year, h.until_year))
        });
        easter.map(|h| h.name.as_str())
    }

    fn extra_day_off(&self, date: Date) -> Option<&str> {
        let extra = self.rules.extra.iter().find(|h| h.date == date);
        extra.map(|h| h.name.as_str())
    }

    /// Whether `date` is a weekend day per the rules.
    pub fn is_weekend(&self, date: Date) -> bool {
        self.rules.weekend.contains(&date.weekday())
    }

    /// `true` unless `date` is a weekend day or a public holiday.
    pub fn is_working_day(&self, date: Date) -> bool {
        self.skip_reason(date).is_none()
    }

    /// Why `date` is not a working day, or `None` if it is one. A holiday
    /// falling on a weekend is reported as the holiday: that is the more
    /// informative reason to show.
    fn skip_reason(&self, date: Date) -> Option<SkipReason> {
        if let Some(name) = self.public_holiday(date) {
            Some(SkipReason::Holiday(name.to_owned()))
        } else if let Some(name) = self.extra_day_off(date) {
            Some(SkipReason::DayOff(name.to_owned()))
        } else if self.is_weekend(date) {
            Some(SkipReason::Weekend)
        } else {
            None
        }
    }
}

fn check_name_and_years(name: &str, from_year: Option<i16>, until_year: Option<i16>) -> Result<(), RulesError> {
    if name.trim().is_empty() {
        return Err(RulesError("a holiday has an empty name".into()));
    }
    if let (Some(from), Some(until)) = (from_year, until_year)
        && from > until
    {
        return Err(RulesError(format!("holiday {name:?}: from_year {from} is after until_year {until}")));
    }
    Ok(())
}

fn in_years(year: i16, from_year: Option<i16>, until_year: Option<i16>) -> bool {
    from_year.is_none_or(|from| from <= year) && until_year.is_none_or(|until| year <= until)
}

/// Orthodox Easter Sunday of `year`, as a (Gregorian) civil date.
///
/// Romanian civil time (Europe/Bucharest, from the tz database bundled in the binary): legal
/// days begin and end here, whatever the server's own time zone.
pub fn bucharest() -> jiff::tz::TimeZone {
    jiff::tz::TimeZone::get("Europe/Bucharest").expect("the bundled tz database has Europe/Bucharest")
}

/// The Orthodox churches compute Easter on the Julian calendar. This uses
/// Meeus' Julian algorithm, then converts the Julian date to the Gregorian
/// calendar by adding the difference between the two calendars in that year
/// (13 days from 1900 to 2099, 14 days from 2100 to 2199).
///
/// ```
/// use jiff::civil::date;
/// assert_eq!(civic_workdays::orthodox_easter(2025), date(2025, 4, 20));
/// ```
///
/// # Panics
///
/// If `year` is outside jiff's range, -9999 to 9999.
pub fn orthodox_easter(year: i16) -> Date {
    let y = i32::from(year);
    let a = y.rem_euclid(4);
    let b = y.rem_euclid(7);
    let c = y.rem_euclid(19);
    let d = (19 * c + 15) % 30;
    let e = (2 * a + 4 * b - d + 34) % 7;
    let month = (d + e + 114) / 31; // 3 = March, 4 = April (Julian)
    let day = (d + e + 114) % 31 + 1;
    // Julian-to-Gregorian shift, valid from 1 March of `year` onwards, which
    // always holds for Easter.
    let shift = y.div_euclid(100) - y.div_euclid(400) - 2;
    let julian_easter = Date::new(year, month as i8, day as i8).expect("year within -9999..=9999");
    julian_easter.checked_add(jiff::Span::new().days(shift)).expect("Gregorian Easter within jiff's range")
}

/// Serde support for `Vec<Weekday>` as lower-case English day names.
mod weekday_names {
    use jiff::civil::Weekday;
    use serde::{Deserialize, Deserializer, Serializer};

    const NAMES: &[&str] = &["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];

    pub fn serialize<S: Serializer>(days: &[Weekday], serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(days.iter().map(|day| NAMES[day.to_monday_zero_offset() as usize]))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<Weekday>, D::Error> {
        Vec::<String>::deserialize(deserializer)?
            .iter()
            .map(|name| {
                let index = NAMES
                    .iter()
                    .position(|n| n == name)
                    .ok_or_else(|| serde::de::Error::unknown_variant(name, NAMES))?;
                Ok(Weekday::from_monday_zero_offset(index as i8).expect("index below 7"))
            })
            .collect()
    }
}
