//! The part of RFC 5545 recurrence rules that city schedules use (waste collection, night
//! works): FREQ=DAILY, WEEKLY or MONTHLY with INTERVAL, BYDAY and BYMONTHDAY. Parsed to check
//! content, expanded to list the next days on a page, and described in Romanian. The `.ics`
//! files carry the rule itself, so calendar apps expand it on their own.

use jiff::civil::{Date, Weekday};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Freq {
    Daily,
    Weekly,
    Monthly,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rule {
    pub freq: Freq,
    pub interval: u32,
    /// (ordinal within the month for MONTHLY, weekday): `1SA` is (Some(1), Saturday).
    pub byday: Vec<(Option<i8>, Weekday)>,
    pub bymonthday: Vec<i8>,
}

const DAYS: [(&str, Weekday, &str, &str); 7] = [
    ("MO", Weekday::Monday, "luni", "lunea"),
    ("TU", Weekday::Tuesday, "marți", "marțea"),
    ("WE", Weekday::Wednesday, "miercuri", "miercurea"),
    ("TH", Weekday::Thursday, "joi", "joia"),
    ("FR", Weekday::Friday, "vineri", "vinerea"),
    ("SA", Weekday::Saturday, "sâmbătă", "sâmbăta"),
    ("SU", Weekday::Sunday, "duminică", "duminica"),
];

/// Parses a rule, or says what civic cannot expand.
pub fn parse(text: &str) -> Result<Rule, String> {
    let mut rule = Rule { freq: Freq::Weekly, interval: 1, byday: Vec::new(), bymonthday: Vec::new() };
    let mut freq = None;
    for part in text.split(';') {
        let (key, value) = part.split_once('=').ok_or_else(|| format!("`{part}` is not NAME=VALUE"))?;
        match key {
            "FREQ" => {
                freq = Some(match value {
                    "DAILY" => Freq::Daily,
                    "WEEKLY" => Freq::Weekly,
                    "MONTHLY" => Freq::Monthly,
                    other => return Err(format!("FREQ={other} is not one of DAILY, WEEKLY, MONTHLY")),
                })
            }
            "INTERVAL" => {
                rule.interval = value.parse().ok().filter(|n| *n >= 1).ok_or("INTERVAL must be a whole number ≥ 1")?
            }
            "BYDAY" => {
                for d in value.split(',') {
                    let split = d.len().checked_sub(2).ok_or_else(|| format!("`{d}` is not a weekday"))?;
                    let (n, code) = d.split_at(split);
                    let day = DAYS
                        .iter()
                        .find(|x| x.0 == code)
                        .ok_or_else(|| format!("`{code}` is not a weekday (MO, TU, WE, TH, FR, SA, SU)"))?
                        .1;
                    let n = match n {
                        "" => None,
                        n => Some(
                            n.trim_start_matches('+')
                                .parse::<i8>()
                                .ok()
                                .filter(|n| (1..=5).contains(&n.abs()))
                                .ok_or_else(|| format!("`{d}`: the ordinal must be 1 to 5 or -1 to -5"))?,
                        ),
                    };
                    rule.byday.push((n, day));
                }
            }
            "BYMONTHDAY" => {
                for d in value.split(',') {
                    rule.bymonthday.push(
                        d.parse::<i8>()
                            .ok()
                            .filter(|n| *n != 0 && (-31..=31).contains(n))
                            .ok_or_else(|| format!("BYMONTHDAY `{d}` must be 1 to 31 or -1 to -31"))?,
                    );
                }
            }
            "WKST" if value == "MO" => {}
            "COUNT" | "UNTIL" => {
                return Err(format!("{key} is not needed: the period (or the service's valid_to) ends the rule"));
            }
            other => return Err(format!("{other} is not supported (use FREQ, INTERVAL, BYDAY, BYMONTHDAY)")),
        }
    }
    rule.freq = freq.ok_or("the rule has no FREQ")?;
    if rule.freq != Freq::Monthly && rule.byday.iter().any(|(n, _)| n.is_some()) {
        return Err("numbered weekdays (1SA, -1FR) only make sense with FREQ=MONTHLY".into());
    }
    if rule.freq != Freq::Monthly && !rule.bymonthday.is_empty() {
        return Err("BYMONTHDAY only makes sense with FREQ=MONTHLY".into());
    }
    Ok(rule)
}

fn week_start(d: Date) -> Date {
    d.checked_sub(jiff::Span::new().days(i64::from(d.weekday().to_monday_zero_offset()))).unwrap_or(d)
}

fn months(a: Date, b: Date) -> i32 {
    (i32::from(b.year()) - i32::from(a.year())) * 12 + i32::from(b.month()) - i32::from(a.month())
}

impl Rule {
    /// Whether the rule, started on `start`, falls on `day`.
    pub fn matches(&self, start: Date, day: Date) -> bool {
        if day < start {
            return false;
        }
        let interval = i64::from(self.interval);
        match self.freq {
            Freq::Daily => (day - start).get_days() as i64 % interval == 0,
            Freq::Weekly => {
                let weeks = (week_start(day) - week_start(start)).get_days() as i64 / 7;
                let on_day = if self.byday.is_empty() {
                    day.weekday() == start.weekday()
                } else {
                    self.byday.iter().any(|(_, w)| *w == day.weekday())
                };
                weeks % interval == 0 && on_day
            }
            Freq::Monthly => {
                if i64::from(months(start, day)) % interval != 0 {
                    return false;
                }
                let days_in_month = day.days_in_month();
                let dom = day.day();
                if self.byday.is_empty() && self.bymonthday.is_empty() {
                    return day.day() == start.day();
                }
                let by_dom = self.bymonthday.iter().any(|n| *n == dom || (*n < 0 && days_in_month + 1 + n == dom));
                let nth = (dom - 1) / 7 + 1;
                let nth_last = -((days_in_month - dom) / 7 + 1);
                let by_day =
                    self.byday.iter().any(|(n, w)| *w == day.weekday() && n.is_none_or(|n| n == nth || n == nth_last));
                by_dom || by_day
            }
        }
    }

    /// The days in `from..=to` the rule falls on, started on `start`.
    pub fn between(&self, start: Date, from: Date, to: Date) -> Vec<Date> {
        let mut out = Vec::new();
        let mut d = from.max(start);
        while d <= to {
            if self.matches(start, d) {
                out.push(d);
            }
            match d.tomorrow() {
                Ok(next) => d = next,
                Err(_) => break,
            }
        }
        out
    }

    /// The rule in Romanian: "în fiecare luni și joi", "o dată la 2 săptămâni, miercurea",
    /// "în prima sâmbătă a lunii".
    pub fn describe(&self) -> String {
        let name = |w: Weekday, plural: bool| {
            DAYS.iter().find(|x| x.1 == w).map(|x| if plural { x.3 } else { x.2 }).unwrap_or("")
        };
        let join = |parts: Vec<String>| match parts.len() {
            0 => String::new(),
            1 => parts[0].clone(),
            n => format!("{} și {}", parts[..n - 1].join(", "), parts[n - 1]),
        };
        match self.freq {
            Freq::Daily if self.interval == 1 => "în fiecare zi".into(),
            Freq::Daily => format!("o dată la {} zile", self.interval),
            Freq::Weekly => {
                let days = join(self.byday.iter().map(|(_, w)| name(*w, self.interval > 1).to_owned()).collect());
                match self.interval {
                    1 if days.is_empty() => "în fiecare săptămână".into(),
                    1 => format!("în fiecare {days}"),
                    n => format!("o dată la {n} săptămâni, {days}"),
                }
            }
            Freq::Monthly => {
                let ordinal = |n: i8| match n {
                    1 => "prima",
                    2 => "a doua",
                    3 => "a treia",
                    4 => "a patra",
                    5 => "a cincea",
                    -1 => "ultima",
                    _ => "penultima",
                };
                let mut parts: Vec<String> = self
                    .byday
                    .iter()
                    .map(|(n, w)| match n {
                        Some(n) => format!("în {} {} a lunii", ordinal(*n), name(*w, false)),
                        None => format!("în fiecare {} a lunii", name(*w, false)),
                    })
                    .collect();
                parts.extend(self.bymonthday.iter().map(|d| match d {
                    -1 => "în ultima zi a lunii".to_owned(),
                    d => format!("pe {d} ale lunii"),
                }));
                let every =
                    if self.interval > 1 { format!(", o dată la {} luni", self.interval) } else { String::new() };
                format!("{}{every}", join(parts))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn weekly_rules_fall_on_their_days_and_skip_weeks_by_interval() {
        let r = parse("FREQ=WEEKLY;BYDAY=MO,TH").unwrap();
        let days = r.between(date(2026, 1, 1), date(2026, 11, 23), date(2026, 11, 29));
        assert_eq!(days, vec![date(2026, 11, 23), date(2026, 11, 26)]);
        assert_eq!(r.describe(), "în fiecare luni și joi");
        let r = parse("FREQ=WEEKLY;INTERVAL=2;BYDAY=WE").unwrap();
        let days = r.between(date(2026, 1, 7), date(2026, 1, 1), date(2026, 2, 1));
        assert_eq!(days, vec![date(2026, 1, 7), date(2026, 1, 21)]);
        assert_eq!(r.describe(), "o dată la 2 săptămâni, miercurea");
    }

    #[test]
    fn monthly_rules_by_numbered_weekday() {
        let r = parse("FREQ=MONTHLY;BYDAY=1SA").unwrap();
        assert_eq!(
            r.between(date(2026, 1, 1), date(2026, 11, 1), date(2026, 12, 31)),
            vec![date(2026, 11, 7), date(2026, 12, 5)]
        );
        assert_eq!(r.describe(), "în prima sâmbătă a lunii");
        let last = parse("FREQ=MONTHLY;BYDAY=-1FR").unwrap();
        assert_eq!(last.between(date(2026, 1, 1), date(2026, 10, 1), date(2026, 10, 31)), vec![date(2026, 10, 30)]);
    }

    #[test]
    fn what_civic_cannot_expand_is_said() {
        assert!(parse("FREQ=YEARLY").unwrap_err().contains("YEARLY"));
        assert!(parse("FREQ=WEEKLY;BYDAY=XX").unwrap_err().contains("XX"));
        assert!(parse("FREQ=WEEKLY;COUNT=3").unwrap_err().contains("COUNT"));
        assert!(parse("BYDAY=MO").unwrap_err().contains("FREQ"));
    }
}
