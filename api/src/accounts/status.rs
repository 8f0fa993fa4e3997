//! Who is signed in, for the site's header: every page, static or the API's, shows the person's
//! name and "Ieșire" in place of "Contul meu" once `account.js` has asked. Never cached (every
//! API answer is `no-store`), and it says nothing beyond the name already on the account page.

use axum::Json;
use serde::Serialize;

use super::session::Viewer;

/// Whether someone is signed in, and the name the header shows (their name, else their e-mail
/// address, else "Contul meu").
#[derive(Serialize, utoipa::ToSchema)]
#[schema(example = json!({"signed_in": true, "name": "Ana Popescu"}))]
pub struct AccountStatus {
    signed_in: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<String>,
}

/// The signed-in person, as the header shows them.
#[utoipa::path(
    get, path = "/api/cont/stare", tag = "accounts", operation_id = "account_status",
    responses(
        (status = 200, description = "who is signed in (no-store)", body = AccountStatus)
    )
)]
pub async fn account_status(Viewer(user): Viewer) -> Json<AccountStatus> {
    Json(match user {
        None => AccountStatus { signed_in: false, name: None },
        Some(u) => {
            let name = [u.name, u.email].into_iter().find(|n| !n.trim().is_empty());
            AccountStatus { signed_in: true, name: Some(name.unwrap_or_else(|| "Contul meu".into())) }
        }
    })
}
