//! (issue #23) See `super`'s rooms.

use axum::Router;

use super::super::AppState;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
}
