//! The OpenAPI document, generated from the handlers' annotations, at `/api/openapi.json`.

use axum::Router;
use axum::routing::get;
use utoipa::OpenApi;

use crate::app::App;

#[derive(OpenApi)]
#[openapi(
    info(title = "civic API", description = "Accounts, the contact portal's forms and case handling of a civic site."),
    paths(
        crate::submissions::list,
        crate::submissions::submit,
        crate::submissions::status_page,
        crate::accounts::signup,
        crate::accounts::login,
        crate::accounts::request_link,
        crate::accounts::use_link,
        crate::accounts::logout,
        crate::accounts::export,
        crate::accounts::delete_account,
        crate::oidc::start,
        crate::oidc::unlink,
    ),
    components(schemas(crate::submissions::Receipt))
)]
struct Doc;

pub fn routes() -> Router<App> {
    Router::new().route("/api/openapi.json", get(|| async { axum::Json(Doc::openapi()) }))
}
