//! The console's assets, compiled into the binary: nothing is fetched from outside the intranet.

use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::IntoResponse;

const CONSOLE_CSS: &str = include_str!("../assets/console.css");

pub async fn stylesheet() -> impl IntoResponse {
    (
        [
            (CONTENT_TYPE, "text/css; charset=utf-8"),
            (CACHE_CONTROL, "max-age=3600"),
        ],
        CONSOLE_CSS,
    )
}
