//! Login with the token of an identity in the token file, and logout. The login form is protected against
//! cross-site posting by a nonce in both a SameSite=Strict cookie and the form (a session does not exist yet
//! to hold a CSRF token); the session cookie is HttpOnly and SameSite=Strict.

use axum::extract::{FromRequestParts, State};
use axum::http::header::SET_COOKIE;
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use maud::{DOCTYPE, html};

use crate::error::ConsoleError;
use crate::forms::Fields;
use crate::page::head;
use crate::router::Console;
use crate::session::{SESSION_COOKIE, SESSION_TTL, same_secret, secret};
use crate::staff::{Staff, cookie};

/// The cookie holding the login form's nonce.
const LOGIN_COOKIE: &str = "casetrack_login";

/// The login nonce cookie the browser sent, if any.
pub struct LoginNonce(Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for LoginNonce {
    type Rejection = ConsoleError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<LoginNonce, ConsoleError> {
        Ok(LoginNonce(cookie(parts, LOGIN_COOKIE).map(str::to_owned)))
    }
}

pub async fn login_page() -> Response {
    login_form(StatusCode::OK, None)
}

fn login_form(code: StatusCode, problem: Option<&str>) -> Response {
    let nonce = secret();
    let body = html! {
        (DOCTYPE)
        html lang="zh-CN" {
            (head("登录"))
            body {
                main.login {
                    h1 { "政务公开与热线办件台" }
                    form method="post" action="/login" {
                        input type="hidden" name="nonce" value=(nonce);
                        label { span { "访问令牌" } input type="password" name="token" autocomplete="off" required; }
                        @if let Some(problem) = problem { p.refusal { (problem) } }
                        button type="submit" { "登录" }
                    }
                    p.hint { "令牌由系统管理员通过 casetrack token new 发放。" }
                }
            }
        }
    };
    let cookie = format!("{LOGIN_COOKIE}={nonce}; HttpOnly; SameSite=Strict; Path=/login");
    with_cookie((code, Html(body.into_string())).into_response(), &cookie)
}

pub async fn login(
    State(console): State<Console>,
    LoginNonce(nonce): LoginNonce,
    form: Fields,
) -> Response {
    let sent = form.get("nonce");
    if !nonce.is_some_and(|nonce| same_secret(&sent, &nonce)) {
        return login_form(
            StatusCode::FORBIDDEN,
            Some("登录表单已过期，请重新输入令牌。"),
        );
    }
    let token = form.get("token");
    if console.tokens.current().identify(&token).is_none() {
        return login_form(StatusCode::UNAUTHORIZED, Some("令牌无效或已被吊销。"));
    }
    let id = console.sessions.open(token);
    let cookie = format!(
        "{SESSION_COOKIE}={id}; HttpOnly; SameSite=Strict; Path=/; Max-Age={}",
        SESSION_TTL.as_secs()
    );
    with_cookie(Redirect::to("/").into_response(), &cookie)
}

pub async fn logout(
    staff: Staff,
    State(console): State<Console>,
    form: Fields,
) -> Result<Response, ConsoleError> {
    staff.check_csrf(&form.get("csrf"))?;
    console.sessions.close(&staff.session);
    let cookie = format!("{SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0");
    Ok(with_cookie(Redirect::to("/login").into_response(), &cookie))
}

fn with_cookie(mut response: Response, cookie: &str) -> Response {
    // Cookie values are hex and fixed attributes: always a valid header value.
    if let Ok(value) = HeaderValue::from_str(cookie) {
        response.headers_mut().append(SET_COOKIE, value);
    }
    response
}
