//! What an account may do: a citizen, or the city's staff and administrators.

use crate::closed_set::closed_set;

closed_set! {
    /// An account's role (`account.role`).
    pub enum Role {
        Citizen = "citizen",
        Staff = "staff",
        Admin = "admin",
    }
}

impl Role {
    /// Staff and administrators see the case and moderation pages.
    pub fn is_staff(self) -> bool {
        matches!(self, Role::Staff | Role::Admin)
    }
}
