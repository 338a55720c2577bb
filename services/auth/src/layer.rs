//! The one gate every call passes: a tower layer on the whole gRPC server (`GrpcServer` in the handlers
//! wraps every listener in it). It authenticates the bearer token (UNAUTHENTICATED), checks the method
//! against the policy table (PERMISSION_DENIED naming the roles needed; a method missing from the table is
//! denied), and puts the caller's [`Identity`] into the request's extensions for the handlers. Health and
//! reflection pass untouched, so probes and `grpcurl describe` need no token.

use std::task::{Context, Poll};

use futures::future::{Either, Ready, ready};
use tonic::Status;
use tonic::body::Body;
use tonic::codegen::http;
use tower_layer::Layer;
use tower_service::Service;

use crate::identity::Identity;
use crate::policy;
use crate::reload::TokenSource;
use crate::role::Role;

/// Wraps a server's routes in [`AuthService`].
#[derive(Clone)]
pub struct AuthLayer {
    tokens: TokenSource,
}

impl AuthLayer {
    pub fn new(tokens: TokenSource) -> AuthLayer {
        AuthLayer { tokens }
    }
}

impl<S> Layer<S> for AuthLayer {
    type Service = AuthService<S>;

    fn layer(&self, inner: S) -> AuthService<S> {
        AuthService {
            inner,
            tokens: self.tokens.clone(),
        }
    }
}

/// The inner service, reached only by calls the caller's identity may make.
#[derive(Clone)]
pub struct AuthService<S> {
    inner: S,
    tokens: TokenSource,
}

impl<S, B> Service<http::Request<B>> for AuthService<S>
where
    S: Service<http::Request<B>, Response = http::Response<Body>>,
{
    type Response = http::Response<Body>;
    type Error = S::Error;
    type Future = Either<Ready<Result<http::Response<Body>, S::Error>>, S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: http::Request<B>) -> Self::Future {
        let path = request.uri().path();
        if policy::is_public(path) {
            return Either::Right(self.inner.call(request));
        }
        match authorize(&self.tokens, path, request.headers()) {
            Ok(identity) => {
                request.extensions_mut().insert(identity);
                Either::Right(self.inner.call(request))
            }
            Err(status) => Either::Left(ready(Ok(status.into_http()))),
        }
    }
}

/// The identity behind the request's token, if the policy lets it call `path`.
fn authorize(
    tokens: &TokenSource,
    path: &str,
    headers: &http::HeaderMap,
) -> Result<Identity, Status> {
    authenticate(tokens, headers, roles_for(path)?, path)
}

/// The identity behind the `authorization: Bearer` header of `headers`, if it has one of the roles `allowed`
/// to reach `what`: UNAUTHENTICATED without a valid token, PERMISSION_DENIED naming the roles needed. The
/// gate of every listener, gRPC (through the policy table) or not (the metrics endpoint).
pub fn authenticate(
    tokens: &TokenSource,
    headers: &http::HeaderMap,
    allowed: &[Role],
    what: &str,
) -> Result<Identity, Status> {
    let header = headers.get(http::header::AUTHORIZATION).ok_or_else(|| {
        Status::unauthenticated(
            "缺少 authorization 元数据：请以 `authorization: Bearer <令牌>` 调用",
        )
    })?;
    let token = header
        .to_str()
        .ok()
        .and_then(|value| value.strip_prefix("Bearer "))
        .ok_or_else(|| Status::unauthenticated("authorization 元数据须为 `Bearer <令牌>`"))?;
    let identity = tokens
        .current()
        .identify(token)
        .cloned()
        .ok_or_else(|| Status::unauthenticated("令牌无效或已被吊销"))?;
    has_role(&identity, allowed, what)?;
    Ok(identity)
}

/// Whether `identity` may call the method at `path`, by the one policy table: PERMISSION_DENIED naming the
/// roles needed otherwise. The gRPC layer asks it for every call; the web console for every page and form,
/// naming the gRPC method the page reads or the form performs.
pub fn permit(identity: &Identity, path: &str) -> Result<(), Status> {
    has_role(identity, roles_for(path)?, path)
}

/// The roles the policy table gives `path`; a method not in the table is refused to everyone.
fn roles_for(path: &str) -> Result<&'static [Role], Status> {
    policy::roles_for(path)
        .ok_or_else(|| Status::permission_denied(format!("{path} 不在授权表中，一律拒绝")))
}

fn has_role(identity: &Identity, allowed: &[Role], what: &str) -> Result<(), Status> {
    if allowed.iter().any(|role| identity.has(*role)) {
        return Ok(());
    }
    Err(Status::permission_denied(format!(
        "{} 无权调用 {what}：需要角色 {}（现有角色：{}）",
        identity.name,
        names(allowed.iter(), " 或 "),
        names(identity.roles.iter(), "、"),
    )))
}

fn names<'a>(roles: impl Iterator<Item = &'a Role>, separator: &str) -> String {
    roles
        .map(|role| role.as_str())
        .collect::<Vec<_>>()
        .join(separator)
}
