//! The console's routes and its HTTP server: every response is a page of this crate or its error page, the
//! request body is bounded, and every response forbids framing and sniffing.

use std::future::Future;

use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::header::{CONTENT_SECURITY_POLICY, X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use casetrack_auth::TokenSource;
use tokio::net::TcpListener;

use crate::backend::Backend;
use crate::error::ConsoleError;
use crate::page::{QUEUE_METHOD, REGISTER_METHOD, REPORT_METHOD};
use crate::session::Sessions;
use crate::staff::Staff;
use crate::{assets, case, download, drill, hotline, login, narrative, queue, register, report};

/// Largest request body the console reads: a form of a few fields with a free-text reason.
pub const MAX_FORM_BYTES: usize = 256 * 1024;

/// Everything the pages share: the services, the identities, the sessions.
#[derive(Clone)]
pub struct Console {
    pub backend: Backend,
    pub tokens: TokenSource,
    pub sessions: Sessions,
}

impl Console {
    pub fn new(backend: Backend, tokens: TokenSource) -> Console {
        Console {
            backend,
            tokens,
            sessions: Sessions::default(),
        }
    }

    pub fn router(self) -> Router {
        Router::new()
            .route("/", get(home))
            .route("/login", get(login::login_page).post(login::login))
            .route("/logout", post(login::logout))
            .route("/queue", get(queue::queue_page))
            .route(
                "/applications/new",
                get(register::register_page).post(register::register),
            )
            .route("/cases/{case_id}", get(case::case_page))
            .route("/cases/{case_id}/actions/{action}", post(case::act))
            .route("/report", get(report::report_page))
            .route("/report/drill", get(drill::drill_page))
            .route("/report/download", get(download::download))
            .route("/report/publish", post(report::publish))
            .route("/hotline", get(hotline::hotline_page))
            .route("/hotline/drill", get(hotline::hotline_drill_page))
            .route(
                "/report/narrative",
                get(narrative::narrative_page).post(narrative::write),
            )
            .route("/assets/console.css", get(assets::stylesheet))
            .route("/assets/report.css", get(assets::report_stylesheet))
            .fallback(not_found)
            .layer(DefaultBodyLimit::max(MAX_FORM_BYTES))
            .layer(axum::middleware::map_response(secure_headers))
            .with_state(self)
    }

    /// Serve on `listener` until `shutdown` completes.
    pub async fn serve(
        self,
        listener: TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        axum::serve(listener, self.router())
            .with_graceful_shutdown(shutdown)
            .await
    }
}

/// The first page a role can use.
async fn home(staff: Staff, State(_): State<Console>) -> Response {
    let who = &staff.identity;
    let first = [
        (QUEUE_METHOD, "/queue"),
        (REGISTER_METHOD, "/applications/new"),
        (REPORT_METHOD, "/report"),
    ]
    .into_iter()
    .find(|(method, _)| Backend::may(who, method));
    match first {
        Some((_, path)) => Redirect::to(path).into_response(),
        None => ConsoleError::forbidden("您的角色在办件台上没有可用的页面。").into_response(),
    }
}

async fn not_found() -> ConsoleError {
    ConsoleError::Page(StatusCode::NOT_FOUND, "没有这个页面。".to_owned())
}

/// Pages are never framed (clickjacking), never sniffed, and load nothing but the console's own assets.
async fn secure_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(
        CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
        ),
    );
    response
}
