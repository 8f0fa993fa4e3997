//! Where a case is: registered, being worked on, forwarded elsewhere, answered, or filed.

use crate::closed_set::closed_set;

closed_set! {
    /// A case's status (`submission.status`).
    pub enum CaseStatus {
        Registered = "registered",
        InProgress = "in_progress",
        /// Sent on to the institution that handles it.
        Forwarded = "forwarded",
        Answered = "answered",
        /// Closed without an answer by e-mail (handled otherwise).
        Filed = "filed",
    }
}

impl CaseStatus {
    /// Whether the case still waits for something (its deadline counts).
    pub fn is_open(self) -> bool {
        !matches!(self, CaseStatus::Answered | CaseStatus::Filed)
    }
}
