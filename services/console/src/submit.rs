//! The one step of every form: the form's fields become its gRPC method's request, the method is called
//! through `Backend::call` as the session's identity, and the answer is the page it acted on (a case action's
//! case page) — or the form again (422) with the refusal beside the field it names.

use std::future::Future;
use std::pin::Pin;

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use casetrack_api::v1 as pb;
use tonic::{Request, Status};

use crate::actions::Action;
use crate::backend::Backend;
use crate::error::ConsoleError;
use crate::forms::{Field, Fields, Refusal, invalid};
use crate::staff::Staff;

/// What performing an action comes to: the case it acted on, or the handler's refusal.
pub type Outcome<'a> = Pin<Box<dyn Future<Output = Result<pb::CaseRef, Status>> + Send + 'a>>;

/// One posted form on its way to its gRPC method: who sends it, on which case, with which fields.
pub struct Call<'a> {
    backend: &'a Backend,
    staff: &'a Staff,
    method: &'static str,
    fields: &'static [Field],
    pub case_id: String,
    pub form: &'a Fields,
}

impl Call<'_> {
    /// Call the action's gRPC method with `request` through `Backend::call` (the policy, then `rpc`).
    pub async fn send<Req, Fut>(
        self,
        request: Req,
        rpc: impl FnOnce(Backend, Request<Req>) -> Fut,
    ) -> Result<pb::CaseRef, Status>
    where
        Fut: Future<Output = Result<tonic::Response<pb::CaseRef>, Status>>,
    {
        let call = self
            .backend
            .call(&self.staff.identity, self.method, request, rpc);
        call.await
    }

    /// The text of field `name`, as the handler's request takes it (the handler checks it).
    pub fn text(&self, name: &str) -> Result<String, Status> {
        Ok(self.form.get(name))
    }

    /// The whole number of working days in field `name`, refused beside that field otherwise, in the words of
    /// the field's own label (办理时限, 延长工作日数 …).
    pub fn working_days(&self, name: &str) -> Result<u32, Status> {
        let text = self.form.get(name);
        let label = self
            .fields
            .iter()
            .find(|field| field.name == name)
            .map_or(name, |field| field.label);
        text.trim()
            .parse()
            .map_err(|_| invalid(name, format!("{label}须为正整数，收到 {text:?}")))
    }
}

/// Perform `action` on `case_id` with the posted `form`, CSRF checked: to the case page it acted on, or —
/// when the handler refuses the input — `again` renders the form's page with the refusal (422).
pub async fn submit<Page>(
    staff: &Staff,
    backend: &Backend,
    (action, case_id): (&Action, &str),
    form: &Fields,
    again: impl FnOnce(Refusal) -> Page,
) -> Result<Response, ConsoleError>
where
    Page: Future<Output = Result<Html<String>, ConsoleError>>,
{
    let call = Call {
        backend,
        staff,
        method: action.method,
        fields: action.fields,
        case_id: case_id.to_owned(),
        form,
    };
    let performed = async {
        let done = (action.perform)(call).await?;
        Ok(format!("/cases/{}", done.case_id))
    };
    step(staff, (form, action.fields), performed, again).await
}

/// The step itself, for any form: the CSRF token checked before `perform` runs (a future does nothing until
/// awaited), then to the address `perform` answers with, or — when the handler refuses the input — `again`
/// renders the form's page with the refusal beside the field of `fields` it names (422).
pub async fn step<Page>(
    staff: &Staff,
    (form, fields): (&Fields, &[Field]),
    perform: impl Future<Output = Result<String, Status>>,
    again: impl FnOnce(Refusal) -> Page,
) -> Result<Response, ConsoleError>
where
    Page: Future<Output = Result<Html<String>, ConsoleError>>,
{
    staff.check_csrf(&form.get("csrf"))?;
    match perform.await {
        Ok(to) => Ok(Redirect::to(&to).into_response()),
        Err(status) => {
            let page = again(Refusal::from_status(status, fields)?).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}
