//! Password guesses per account, whatever address they come from: the per-address rate limit
//! does not stop a guesser with many addresses (60 wrong passwords from 60 addresses, then the
//! right one, all went through). Five attempts are free; the fifth failure in a row locks password
//! login to the account for a while, and every further failure doubles the wait, up to 64 times
//! the first. A correct password resets the count. Magic links still work while it is locked, so
//! the owner is never shut out.
//!
//! An attempt counts as soon as it arrives, before its password is checked (and is forgotten
//! again if the password was right): guesses sent all at once cannot slip in before the first
//! failures are known. Addresses without an account count the same way, so a lock says nothing
//! about which addresses have one.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Password attempts allowed in a row before the first lock.
pub const FREE_ATTEMPTS: u32 = 5;
/// The longest lock, as a multiple of the first.
const MAX_DOUBLINGS: u32 = 6;
/// Failures are forgotten this long after the last one (or the end of the last lock).
const FORGET_AFTER: Duration = Duration::from_secs(24 * 3600);
/// Accounts tracked at most; beyond it, the oldest unlocked ones are forgotten first.
const MAX_TRACKED: usize = 100_000;

pub struct Logins {
    first_lock: Duration,
    accounts: Mutex<HashMap<String, Guesses>>,
}

struct Guesses {
    /// Attempts since the last success, the one being checked included.
    attempts: u32,
    /// When the last attempt came.
    last: Instant,
    locked_until: Option<Instant>,
}

impl Guesses {
    fn forget_at(&self) -> Instant {
        self.locked_until.map_or(self.last, |l| l.max(self.last)) + FORGET_AFTER
    }
}

impl Logins {
    /// `first_lock`: the wait after the fifth failure in a row (a minute in production).
    pub fn new(first_lock: Duration) -> Logins {
        Logins { first_lock, accounts: Mutex::new(HashMap::new()) }
    }

    /// Counts a password attempt for `email`, or refuses it with the time left while the account
    /// is locked (the password is then not even checked, so a lock gives no guess away).
    pub fn attempt(&self, email: &str) -> Result<(), Duration> {
        self.attempt_at(email, Instant::now())
    }

    fn attempt_at(&self, email: &str, now: Instant) -> Result<(), Duration> {
        let mut accounts = self.accounts.lock().expect("login throttle lock");
        if !accounts.contains_key(email) && accounts.len() >= MAX_TRACKED {
            prune(&mut accounts, now);
        }
        let g = accounts.entry(email.to_owned()).or_insert(Guesses { attempts: 0, last: now, locked_until: None });
        if let Some(until) = g.locked_until.filter(|u| *u > now) {
            return Err(until - now);
        }
        if now >= g.forget_at() {
            g.attempts = 0;
        }
        g.attempts += 1;
        g.last = now;
        // The attempt that may lock the account locks it already while its password is checked.
        if let Some(lock) = self.lock(g.attempts) {
            g.locked_until = Some(now + lock);
        }
        Ok(())
    }

    /// After a wrong password: how long password login to the account is now locked, counted
    /// from this failure, if it is.
    pub fn failed(&self, email: &str) -> Option<Duration> {
        self.failed_at(email, Instant::now())
    }

    fn failed_at(&self, email: &str, now: Instant) -> Option<Duration> {
        let mut accounts = self.accounts.lock().expect("login throttle lock");
        let g = accounts.get_mut(email)?;
        let lock = self.lock(g.attempts)?;
        g.locked_until = Some(now + lock);
        Some(lock)
    }

    /// The lock after `attempts` failures in a row, if they are enough for one.
    fn lock(&self, attempts: u32) -> Option<Duration> {
        let doublings = attempts.checked_sub(FREE_ATTEMPTS)?.min(MAX_DOUBLINGS);
        Some(self.first_lock * 2u32.pow(doublings))
    }

    /// After a correct password: the count starts over.
    pub fn succeeded(&self, email: &str) {
        self.accounts.lock().expect("login throttle lock").remove(email);
    }
}

/// Forgets what is old enough to forget; if that is not enough, every account not locked now.
fn prune(accounts: &mut HashMap<String, Guesses>, now: Instant) {
    accounts.retain(|_, g| now < g.forget_at());
    if accounts.len() >= MAX_TRACKED {
        accounts.retain(|_, g| g.locked_until.is_some_and(|u| u > now));
    }
}

/// A wait in words, rounded up: "40 de secunde", "un minut", "16 minute", "64 de minute".
pub fn in_words(wait: Duration) -> String {
    let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    let (n, one, many) =
        if secs < 60 { (secs.max(1), "o secundă", "secunde") } else { (secs.div_ceil(60), "un minut", "minute") };
    match n {
        1 => one.to_owned(),
        // Romanian puts "de" between a number and its noun from 20 on (but 101–119 and so on
        // go without it).
        n if (1..20).contains(&(n % 100)) => format!("{n} {many}"),
        n => format!("{n} de {many}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_attempts_then_a_lock_that_doubles_and_a_success_resets() {
        let logins = Logins::new(Duration::from_secs(60));
        let mut t = Instant::now();
        let s = Duration::from_secs;
        // A wrong password tried at `t` (checked a second later): the lock it causes, if any.
        let guess = |t: Instant| logins.attempt_at("a@x.ro", t).map(|()| logins.failed_at("a@x.ro", t + s(1)));
        for _ in 0..4 {
            assert_eq!(guess(t), Ok(None));
        }
        // The fifth locks for a minute from its failure; while its password is being checked,
        // nothing else gets in.
        assert_eq!(logins.attempt_at("a@x.ro", t), Ok(()));
        assert_eq!(logins.attempt_at("a@x.ro", t), Err(s(60)));
        assert_eq!(logins.failed_at("a@x.ro", t + s(1)), Some(s(60)));
        assert_eq!(logins.attempt_at("a@x.ro", t + s(31)), Err(s(30)));
        // Other accounts are not affected.
        assert_eq!(logins.attempt_at("b@x.ro", t), Ok(()));
        // After the minute: one more attempt, and a lock of two minutes, then four.
        t += s(61);
        assert_eq!(guess(t), Ok(Some(s(120))));
        assert_eq!(logins.attempt_at("a@x.ro", t + s(2)), Err(s(119)));
        t += s(121);
        assert_eq!(guess(t), Ok(Some(s(240))));
        // The longest lock is 64 times the first.
        for _ in 0..10 {
            t += s(241 * 16);
            let _ = guess(t);
        }
        t += s(64 * 60 + 1);
        assert_eq!(guess(t), Ok(Some(s(64 * 60))));
        // A correct password (after the lock) starts the count over.
        t += s(64 * 60 + 1);
        assert_eq!(logins.attempt_at("a@x.ro", t), Ok(()));
        logins.succeeded("a@x.ro");
        for _ in 0..4 {
            assert_eq!(guess(t), Ok(None));
        }
        assert_eq!(guess(t), Ok(Some(s(60))));
    }

    #[test]
    fn failures_are_forgotten_a_day_after_the_last() {
        let logins = Logins::new(Duration::from_secs(60));
        let t0 = Instant::now();
        for _ in 0..4 {
            logins.attempt_at("a@x.ro", t0).unwrap();
        }
        let later = t0 + FORGET_AFTER;
        for _ in 0..4 {
            assert_eq!(logins.attempt_at("a@x.ro", later), Ok(()));
        }
    }

    #[test]
    fn waits_in_romanian() {
        assert_eq!(in_words(Duration::from_millis(200)), "o secundă");
        assert_eq!(in_words(Duration::from_secs(40)), "40 de secunde");
        assert_eq!(in_words(Duration::from_secs(59)), "59 de secunde");
        assert_eq!(in_words(Duration::from_secs(60)), "un minut");
        assert_eq!(in_words(Duration::from_secs(61)), "2 minute");
        assert_eq!(in_words(Duration::from_secs(16 * 60)), "16 minute");
        assert_eq!(in_words(Duration::from_secs(64 * 60)), "64 de minute");
        assert_eq!(in_words(Duration::from_secs(5)), "5 secunde");
    }
}
