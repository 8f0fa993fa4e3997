//! Removing a provider from the logged-in account.

use axum::extract::{Path, State};
use axum::response::Response;

use super::provider_name;
use super::store::{self, KeepIdentity};
use crate::accounts::session::SignedIn;
use crate::app::{App, see_other};
use crate::error::{ApiError, ApiResult};

/// Removes a provider from the logged-in account, unless it is the only way left to log in.
#[utoipa::path(
    post, path = "/api/auth/oidc/{provider}/unlink", tag = "accounts", operation_id = "oidc_unlink",
    params(("provider" = String, Path, description = "the provider's id")),
    responses(
        (status = 303, description = "removed; to the account page"),
        (status = 401, description = "not logged in"),
        (status = 404, description = "the account has no such identity"),
        (status = 409, description = "it is the only way to log in")
    )
)]
pub async fn unlink(State(app): State<App>, Path(id): Path<String>, SignedIn(user): SignedIn) -> ApiResult<Response> {
    let name = provider_name(&app, &id);
    let account = user.id;
    let kept = app.db.write(move |c| store::unlink(c, account, &id).map_err(ApiError::from)).await?;
    match kept {
        Ok(()) => Ok(see_other("/api/cont")),
        Err(KeepIdentity::NotLinked) => {
            Err(ApiError::not_found(format!("Contul dumneavoastră nu este legat de {name}.")).with_back("/api/cont"))
        }
        Err(KeepIdentity::LastWayIn) => Err(ApiError::conflict(format!(
            "{name} este singura modalitate prin care puteți intra în acest cont, așa că nu o putem elimina. Dacă nu mai doriți contul, îl puteți șterge."
        ))
        .with_back("/api/cont")),
    }
}
