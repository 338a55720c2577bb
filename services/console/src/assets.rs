//! The console's assets, compiled into the binary: nothing is fetched from outside the intranet.

use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::IntoResponse;

const CONSOLE_CSS: &str = include_str!("../assets/console.css");

pub async fn stylesheet() -> impl IntoResponse {
    css(CONSOLE_CSS)
}

/// The annual report's own styles (screen and A4 print), as the reporting crate's renderer writes them: the
/// page links it rather than inlining it, since the console's content security policy allows no inline style.
pub async fn report_stylesheet() -> impl IntoResponse {
    css(casetrack_reporting::html::STYLE)
}

fn css(text: &'static str) -> impl IntoResponse {
    (
        [
            (CONTENT_TYPE, "text/css; charset=utf-8"),
            (CACHE_CONTROL, "max-age=3600"),
        ],
        text,
    )
}
