//! Templates over the API (docs/staff-api.md, Templates): listed for whoever works complaints, written by an
//! admin, and previewed as the customer will read them.

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use complaint_domain::status::MessageKind;
use serde::{Deserialize, Serialize};

use super::super::super::AppState;
use super::super::{on_desk, Signed, StaffError, API};
use super::{on_desk_as, words, Body};
use crate::store::{NewTemplate, Template, TemplateKind};

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route(&format!("{API}/templates"), get(list).post(add))
        .route(&format!("{API}/templates/preview"), post(preview))
        .route(
            &format!("{API}/templates/{{id}}"),
            put(update).delete(remove),
        )
}

/// A template as the API shows it.
#[derive(Serialize)]
struct Shown {
    id: i64,
    name: String,
    category: Option<String>,
    kind: &'static str,
    texts: BTreeMap<String, String>,
    updated_by: Option<i64>,
    updated_at: complaint_domain::instant::Instant,
}

impl From<Template> for Shown {
    fn from(t: Template) -> Shown {
        Shown {
            id: t.id,
            name: t.template.name,
            category: t.template.category,
            kind: t.template.kind.name(),
            texts: t.template.texts,
            updated_by: t.updated_by,
            updated_at: t.updated_at,
        }
    }
}

#[derive(Serialize)]
struct Listed {
    templates: Vec<Shown>,
}

async fn list(State(state): State<AppState>, signed: Signed) -> Result<Json<Listed>, StaffError> {
    let templates = on_desk(&state, move |desk| desk.templates(&signed.actor)).await?;
    Ok(Json(Listed {
        templates: templates.into_iter().map(Shown::from).collect(),
    }))
}

/// A template as written: `texts` by language (en, ko, pl).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Written {
    name: String,
    #[serde(default)]
    category: Option<String>,
    kind: String,
    texts: BTreeMap<String, String>,
}

impl Written {
    fn template(self) -> Result<NewTemplate, StaffError> {
        let kind = TemplateKind::parse(&self.kind).ok_or_else(|| {
            StaffError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid",
                "kind is reply, ask or decide",
            )
        })?;
        Ok(NewTemplate {
            name: self.name,
            category: self.category,
            kind,
            texts: self.texts,
        })
    }
}

async fn add(
    State(state): State<AppState>,
    signed: Signed,
    Body(written): Body<Written>,
) -> Result<(StatusCode, Json<Shown>), StaffError> {
    let template = written.template()?;
    let added = on_desk(&state, move |desk| {
        desk.add_template(&signed.actor, Some(&signed.address), template)
    })
    .await?;
    Ok((StatusCode::CREATED, Json(added.into())))
}

async fn update(
    State(state): State<AppState>,
    signed: Signed,
    Path(id): Path<i64>,
    Body(written): Body<Written>,
) -> Result<Json<Shown>, StaffError> {
    let template = written.template()?;
    let updated = on_desk(&state, move |desk| {
        desk.update_template(&signed.actor, Some(&signed.address), id, template)
    })
    .await?;
    Ok(Json(updated.into()))
}

async fn remove(
    State(state): State<AppState>,
    signed: Signed,
    Path(id): Path<i64>,
) -> Result<StatusCode, StaffError> {
    on_desk(&state, move |desk| {
        desk.delete_template(&signed.actor, Some(&signed.address), id)
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PreviewBody {
    reference: String,
    /// reply (the default) or ask.
    #[serde(default)]
    kind: Option<MessageKind>,
    #[serde(default)]
    template: Option<i64>,
    #[serde(default)]
    text: Option<String>,
}

#[derive(Serialize)]
struct Previewed {
    locale: &'static str,
    subject: String,
    body: String,
}

async fn preview(
    State(state): State<AppState>,
    signed: Signed,
    Body(body): Body<PreviewBody>,
) -> Result<Json<Previewed>, StaffError> {
    let words = words(body.text, body.template)?;
    let kind = match body.kind.unwrap_or(MessageKind::Reply) {
        MessageKind::Unknown => {
            return Err(StaffError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid",
                "kind is reply or ask",
            ))
        }
        kind => kind,
    };
    let preview = on_desk_as(&state, signed, body.reference, None, move |desk, asked| {
        desk.preview(asked, kind, &words)
    })
    .await?;
    Ok(Json(Previewed {
        locale: preview.locale.tag(),
        subject: preview.subject,
        body: preview.body,
    }))
}
