//! Retention and erasure over the staff API (issue #25, docs/staff-api.md, Privacy): a legal hold on a
//! complaint and off again (lead), and a person's data exported as a zip or erased, by reference or by email
//! address (admin). The email address travels in the body, never the URL, so no log holds it.

use axum::body::Body as ResponseBody;
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, Response, StatusCode};
use axum::routing::post;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};

use super::super::AppState;
use super::actions::{on_desk_as, Body};
use super::{on_desk, Signed, StaffError, API};
use crate::desk::erasure::{ErasedOne, Selector};
use crate::desk::{Asked, DeskError};

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route(
            &format!("{API}/complaints/{{reference}}/hold"),
            post(hold).delete(release_hold),
        )
        .route(&format!("{API}/privacy/export"), post(export))
        .route(&format!("{API}/privacy/erase"), post(erase))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HoldBody {
    reason: String,
    /// Sent by the desk with every action; a hold changes nothing another person edits, so it is not checked.
    #[serde(default, rename = "revision")]
    _revision: Option<i64>,
}

#[derive(Serialize)]
struct Held {
    reference: String,
    since: String,
    reason: String,
}

async fn hold(
    State(state): State<AppState>,
    signed: Signed,
    Path(reference): Path<String>,
    Body(body): Body<HoldBody>,
) -> Result<Json<Held>, StaffError> {
    let (reference, hold) = on_desk_as(&state, signed, reference, None, move |desk, asked| {
        let hold = desk.hold(asked, &body.reason)?;
        Ok((asked.reference.to_owned(), hold))
    })
    .await?;
    Ok(Json(Held {
        reference,
        since: hold.since.to_string(),
        reason: hold.reason,
    }))
}

async fn release_hold(
    State(state): State<AppState>,
    signed: Signed,
    Path(reference): Path<String>,
) -> Result<StatusCode, StaffError> {
    on_desk_as(&state, signed, reference, None, |desk, asked| {
        desk.release_hold(asked)
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Whose data: exactly one of the two.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PersonBody {
    #[serde(default)]
    reference: Option<String>,
    #[serde(default)]
    email: Option<String>,
    /// For an erasure: why (the request it answers).
    #[serde(default)]
    reason: Option<String>,
}

impl PersonBody {
    fn selector(&self) -> Result<Selector, DeskError> {
        match (&self.reference, &self.email) {
            (Some(reference), None) => Ok(Selector::Reference(reference.clone())),
            (None, Some(email)) if email.contains('@') => Ok(Selector::Email(email.clone())),
            _ => Err(DeskError::Invalid(
                "give exactly one of reference or email (an email address)".into(),
            )),
        }
    }
}

async fn export(
    State(state): State<AppState>,
    signed: Signed,
    Body(body): Body<PersonBody>,
) -> Result<Response<ResponseBody>, StaffError> {
    let zip = on_desk(&state, move |desk| {
        desk.export_zip(&signed.actor, &body.selector()?)
    })
    .await?;
    let mut response = Response::new(ResponseBody::from(zip));
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/zip"),
    );
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"personal-data.zip\""),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    Ok(response)
}

#[derive(Serialize)]
struct ErasedLine {
    reference: String,
    /// erased, erased_unpublished, already_erased or on_hold.
    result: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<String>,
}

async fn erase(
    State(state): State<AppState>,
    signed: Signed,
    Body(body): Body<PersonBody>,
) -> Result<Json<Vec<ErasedLine>>, StaffError> {
    let done = on_desk(&state, move |desk| {
        let asked = Asked {
            actor: &signed.actor,
            address: Some(&signed.address),
            reference: body.reference.as_deref().unwrap_or_default(),
            revision: None,
        };
        let reason = body.reason.clone().unwrap_or_default();
        desk.erase(&asked, &body.selector()?, &reason)
    })
    .await?;
    Ok(Json(
        done.into_iter()
            .map(|(reference, one)| {
                let (result, message) = match one {
                    ErasedOne::Erased => ("erased", None),
                    ErasedOne::NotPublished => ("erased_unpublished", None),
                    ErasedOne::Already(_) => ("already_erased", None),
                    ErasedOne::Held(hold) => (
                        "on_hold",
                        Some(format!(
                            "on legal hold since {}, reason: {}",
                            hold.since, hold.reason
                        )),
                    ),
                };
                ErasedLine {
                    reference,
                    result,
                    message,
                }
            })
            .collect(),
    ))
}
