//! Where a petition is in its life: gathering supporters, waiting for moderation, open for
//! signatures, closed, or rejected.

use crate::closed_set::closed_set;

closed_set! {
    /// A petition's status (`petition.status`).
    pub enum PetitionStatus {
        /// Gathering its supporters by the author's private link.
        Collecting = "collecting",
        /// Waiting for staff to publish or reject it.
        Moderation = "moderation",
        /// Published, open for signatures until it closes.
        Open = "open",
        Closed = "closed",
        Rejected = "rejected",
    }
}

impl PetitionStatus {
    /// Whether the public may see a petition in this status.
    pub fn is_public(self) -> bool {
        matches!(self, PetitionStatus::Open | PetitionStatus::Closed | PetitionStatus::Rejected)
    }

    /// Whether staff may still publish or reject it.
    pub fn awaits_moderation(self) -> bool {
        matches!(self, PetitionStatus::Moderation | PetitionStatus::Collecting)
    }

    /// Whether it was published (open, or closed since).
    pub fn was_published(self) -> bool {
        matches!(self, PetitionStatus::Open | PetitionStatus::Closed)
    }
}
