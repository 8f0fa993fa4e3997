//! "Now" for the API. Timestamps always come from the system clock; the legal "today" (the day a
//! submission is registered, from which its deadline counts) is the date in Romanian time,
//! unless the configuration pins it (tests and demos of the sample site).

use jiff::Timestamp;
use jiff::civil::Date;

#[derive(Clone, Copy, Debug, Default)]
pub struct Clock {
    pub pinned_today: Option<Date>,
}

impl Clock {
    pub fn now(&self) -> Timestamp {
        system_time()
    }

    /// Today in Romanian civil time (or the pinned day).
    pub fn today(&self) -> Date {
        self.pinned_today.unwrap_or_else(|| self.now().to_zoned_datetime(civic_workdays::bucharest()).date())
    }
}

/// The system's time, for identifiers that sort by when they were made (Message-IDs, signature
/// tokens): they must stay unique and increasing, so they never follow a pinned clock.
pub fn system_time() -> Timestamp {
    Timestamp::now()
}
