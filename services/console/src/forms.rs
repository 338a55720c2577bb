//! The console's forms: the fields of a gRPC request as inputs named by the request's proto fields, so that a
//! refusal naming a field (the handlers' `google.rpc.BadRequest`) is shown next to that input. Every form
//! carries the session's CSRF token and a fresh idempotency key (`command_id` / `external_id`), so a form
//! sent twice is one command.

use std::collections::{BTreeMap, HashMap};

use axum::extract::{Form, FromRequest, Request};
use maud::{Markup, html};
use tonic::{Code, Status};
use tonic_types::{ErrorDetails, StatusExt};

use crate::error::ConsoleError;

/// Longest value of one form field the console passes on; the handlers bound each text field themselves.
pub const MAX_FIELD_CHARS: usize = 20_000;

/// One input of a form, named by its proto field.
pub struct Field {
    pub name: &'static str,
    pub label: &'static str,
    pub input: Input,
}

pub enum Input {
    Text,
    /// A date (YYYY-MM-DD), today unless given.
    Date,
    /// A date that may stay empty.
    OptionalDate,
    Number,
    TextArea,
    /// One of the codes, each with its label.
    Choice(fn() -> Vec<(&'static str, String)>),
}

/// The posted fields of a form, by name.
pub struct Fields(pub HashMap<String, String>);

impl Fields {
    pub fn get(&self, name: &str) -> String {
        self.0.get(name).cloned().unwrap_or_default()
    }
}

impl<S: Send + Sync> FromRequest<S> for Fields {
    type Rejection = ConsoleError;

    async fn from_request(request: Request, state: &S) -> Result<Fields, ConsoleError> {
        let Form(fields) = Form::<HashMap<String, String>>::from_request(request, state)
            .await
            .map_err(|_| ConsoleError::bad_request("表单内容无法解析或超出大小上限。"))?;
        if let Some((name, _)) = fields
            .iter()
            .find(|(_, v)| v.chars().count() > MAX_FIELD_CHARS)
        {
            return Err(ConsoleError::bad_request(format!(
                "字段 {name} 超过 {MAX_FIELD_CHARS} 字的上限。"
            )));
        }
        Ok(Fields(fields))
    }
}

/// Why a form was refused: the message by field (proto field name), and what names no field of the form.
#[derive(Default)]
pub struct Refusal {
    pub by_field: BTreeMap<String, String>,
    pub general: Vec<String>,
}

impl Refusal {
    /// The refusal a handler's status carries, when it is about the input (INVALID_ARGUMENT,
    /// FAILED_PRECONDITION, ALREADY_EXISTS, and ABORTED: someone else changed it first, which the form's
    /// sender must see to reload); any other status is an error page.
    pub fn from_status(status: Status, fields: &[Field]) -> Result<Refusal, ConsoleError> {
        if !matches!(
            status.code(),
            Code::InvalidArgument | Code::FailedPrecondition | Code::AlreadyExists | Code::Aborted
        ) {
            return Err(status.into());
        }
        let mut refusal = Refusal::default();
        let violations = status
            .get_details_bad_request()
            .map(|bad| bad.field_violations)
            .unwrap_or_default();
        for violation in &violations {
            if fields.iter().any(|f| f.name == violation.field) {
                refusal
                    .by_field
                    .insert(violation.field.clone(), status.message().to_owned());
            }
        }
        if refusal.by_field.is_empty() {
            refusal.general.push(status.message().to_owned());
        }
        Ok(refusal)
    }
}

/// INVALID_ARGUMENT naming `field`, as the handlers refuse input: for what the console parses itself.
pub fn invalid(field: &str, message: String) -> Status {
    Status::with_error_details(
        Code::InvalidArgument,
        message.clone(),
        ErrorDetails::with_bad_request_violation(field, message),
    )
}

/// A form posting to `action`: hidden `csrf` and `key` (the idempotency field and its value), the inputs of
/// `fields` with the `values` sent before and each refusal beside its input.
pub fn form(
    action: &str,
    csrf: &str,
    key: (&str, &str),
    fields: &[Field],
    (values, refusal): (&Fields, &Refusal),
    submit: &str,
) -> Markup {
    let today = casetrack_domain::time::local_date(chrono::Utc::now()).to_string();
    html! {
        form.action method="post" action=(action) {
            input type="hidden" name="csrf" value=(csrf);
            input type="hidden" name=(key.0) value=(key.1);
            @for message in &refusal.general { p.refusal { (message) } }
            @for field in fields {
                @let value = values.0.get(field.name).cloned().unwrap_or_else(|| match field.input {
                    Input::Date => today.clone(),
                    _ => String::new(),
                });
                label {
                    span { (field.label) }
                    (input(field, &value))
                    @if let Some(message) = refusal.by_field.get(field.name) {
                        span.refusal data-field=(field.name) { (message) }
                    }
                }
            }
            button type="submit" { (submit) }
        }
    }
}

fn input(field: &Field, value: &str) -> Markup {
    html! {
        @match &field.input {
            Input::Text => input type="text" name=(field.name) value=(value);
            Input::Date | Input::OptionalDate => input type="date" name=(field.name) value=(value);
            Input::Number => input type="number" min="1" name=(field.name) value=(value);
            Input::TextArea => textarea name=(field.name) rows="3" { (value) }
            Input::Choice(options) => select name=(field.name) {
                @for (code, label) in options() {
                    option value=(code) selected[code == value] { (label) }
                }
            }
        }
    }
}
