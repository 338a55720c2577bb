//! The logged-in member of staff behind a request: the session cookie names a live session, whose token the
//! token file still admits. Every page but login takes a `Staff`; without one it is the login page.

use axum::extract::FromRequestParts;
use axum::http::header::COOKIE;
use axum::http::request::Parts;
use casetrack_auth::Identity;

use crate::error::ConsoleError;
use crate::router::Console;
use crate::session::{SESSION_COOKIE, same_secret};

/// Who is asking, and the session's CSRF token for the forms of the page.
pub struct Staff {
    pub identity: Identity,
    pub session: String,
    pub csrf: String,
}

impl Staff {
    /// Refuses a POST whose `csrf` field is not this session's token: a form on another site cannot know it.
    pub fn check_csrf(&self, given: &str) -> Result<(), ConsoleError> {
        if same_secret(given, &self.csrf) {
            Ok(())
        } else {
            Err(ConsoleError::forbidden(
                "表单校验码无效或已过期（可能来自其他网站）：请刷新页面后重新提交。",
            ))
        }
    }
}

/// The value of cookie `name` in the request's `Cookie` headers.
pub fn cookie<'a>(parts: &'a Parts, name: &str) -> Option<&'a str> {
    parts
        .headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

impl FromRequestParts<Console> for Staff {
    type Rejection = ConsoleError;

    async fn from_request_parts(
        parts: &mut Parts,
        console: &Console,
    ) -> Result<Staff, ConsoleError> {
        let id = cookie(parts, SESSION_COOKIE).ok_or(ConsoleError::LoggedOut)?;
        let session = console.sessions.get(id).ok_or(ConsoleError::LoggedOut)?;
        let identity = console
            .tokens
            .current()
            .identify(&session.token)
            .cloned()
            .ok_or(ConsoleError::LoggedOut)?;
        Ok(Staff {
            identity,
            session: id.to_owned(),
            csrf: session.csrf,
        })
    }
}
