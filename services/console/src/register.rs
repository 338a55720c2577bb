//! 登记: a clerk registers an application (`Intake.SubmitApplication`), then sees its case page.

use axum::extract::State;
use axum::response::{Html, Response};
use maud::html;

use crate::actions::REGISTER;
use crate::backend::Backend;
use crate::error::ConsoleError;
use crate::forms::{Fields, Refusal, form};
use crate::page::page;
use crate::router::Console;
use crate::staff::Staff;
use crate::submit::submit;

pub async fn register_page(staff: Staff) -> Result<Html<String>, ConsoleError> {
    let mut values = Fields(Default::default());
    if let Some(agency) = &staff.identity.jurisdiction {
        values.0.insert("agency".into(), agency.to_string());
    }
    render(&staff, &values, &Refusal::default())
}

pub async fn register(
    staff: Staff,
    State(console): State<Console>,
    values: Fields,
) -> Result<Response, ConsoleError> {
    submit(
        &staff,
        &console.backend,
        (&REGISTER, ""),
        &values,
        |refusal| std::future::ready(render(&staff, &values, &refusal)),
    )
    .await
}

fn render(staff: &Staff, values: &Fields, refusal: &Refusal) -> Result<Html<String>, ConsoleError> {
    if !Backend::may(&staff.identity, REGISTER.method) {
        return Err(ConsoleError::forbidden(
            "您的角色不能登记申请（需要登记员角色）。",
        ));
    }
    // A form sent twice (a double click, a retry) is one application: its external id is the idempotency key.
    let key = values
        .0
        .get("external_id")
        .cloned()
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    let body = html! {
        (form("/applications/new", &staff.csrf, ("external_id", &key), REGISTER.fields, (values, refusal), "登记"))
    };
    Ok(page(staff, REGISTER.title, body))
}
