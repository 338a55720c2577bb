//! What a page answers when it cannot show what was asked: a Chinese error page with the HTTP status, or the
//! way back to the login page. The gRPC status of a handler maps here, in one place; internal errors are
//! logged and shown without their details (no stack trace, no store path reaches the browser).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use tonic::{Code, Status};

use crate::page;

#[derive(Debug)]
pub enum ConsoleError {
    /// No live session: to the login page.
    LoggedOut,
    /// A page or form answered with `status` and a message in Chinese.
    Page(StatusCode, String),
}

impl ConsoleError {
    pub fn forbidden(message: impl Into<String>) -> ConsoleError {
        ConsoleError::Page(StatusCode::FORBIDDEN, message.into())
    }

    pub fn bad_request(message: impl Into<String>) -> ConsoleError {
        ConsoleError::Page(StatusCode::BAD_REQUEST, message.into())
    }
}

impl From<Status> for ConsoleError {
    fn from(status: Status) -> ConsoleError {
        let code = match status.code() {
            Code::PermissionDenied => StatusCode::FORBIDDEN,
            Code::NotFound => StatusCode::NOT_FOUND,
            Code::Unauthenticated => return ConsoleError::LoggedOut,
            Code::InvalidArgument | Code::FailedPrecondition | Code::OutOfRange => {
                StatusCode::BAD_REQUEST
            }
            Code::AlreadyExists | Code::Aborted => StatusCode::CONFLICT,
            Code::ResourceExhausted => StatusCode::PAYLOAD_TOO_LARGE,
            Code::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            _ => {
                tracing::error!(code = ?status.code(), message = status.message(), "console: internal error");
                return ConsoleError::Page(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "系统内部错误，已记入服务器日志。请稍后重试或联系系统管理员。".to_owned(),
                );
            }
        };
        ConsoleError::Page(code, status.message().to_owned())
    }
}

impl IntoResponse for ConsoleError {
    fn into_response(self) -> Response {
        match self {
            ConsoleError::LoggedOut => Redirect::to("/login").into_response(),
            ConsoleError::Page(code, message) => {
                (code, page::error(code, &message)).into_response()
            }
        }
    }
}
