//! The queues room (issue #23, docs/staff-api.md "Queues and complaints"): the queues with their counts, the
//! list of complaints, one complaint, its files, and the audit log. Handlers read the request and shape the
//! answer; what is listed and who may see it, the desk decides (`crate::desk::queues`,
//! `crate::desk::complaint_view`).
//!
//! The desk polls `/queues` and `/complaints` with `If-None-Match`: an answer whose body has not changed is a
//! `304` without one (the docs say why polling and not server-sent events).

use axum::body::Body;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, Response, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use complaint_domain::calendar::Date;
use complaint_domain::status::Stage;
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::super::AppState;
use super::{on_desk, Signed, StaffError, API};
use crate::desk::queues::{AssigneeIs, ListQuery, Queue, Sort};

/// The most rows one page of `/complaints` holds.
const MAX_LIMIT: usize = 200;
const DEFAULT_LIMIT: usize = 50;
/// The longest search, in characters.
const MAX_SEARCH_CHARS: usize = 200;
/// The most lines one page of `/audit` holds.
const MAX_AUDIT: usize = 500;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route(&format!("{API}/queues"), get(queues))
        .route(&format!("{API}/complaints"), get(complaints))
        .route(&format!("{API}/complaints/{{reference}}"), get(complaint))
        .route(
            &format!("{API}/complaints/{{reference}}/files/{{number}}"),
            get(file),
        )
        .route(&format!("{API}/audit"), get(audit))
}

pub(super) fn bad_request(parameter: &str, problem: &str) -> StaffError {
    StaffError::new(
        StatusCode::BAD_REQUEST,
        "bad_request",
        format!("{parameter}: {problem}"),
    )
}

pub(super) type Params = Result<Query<Vec<(String, String)>>, QueryRejection>;

/// The query's parameters, each named at most once and only those in `known`.
pub(super) fn params(query: Params, known: &[&str]) -> Result<Vec<(String, String)>, StaffError> {
    let Query(pairs) = query.map_err(|e| bad_request("query", &e.body_text()))?;
    for (i, (name, _)) in pairs.iter().enumerate() {
        if !known.contains(&name.as_str()) {
            return Err(bad_request(name, "not a parameter of this route"));
        }
        if pairs[..i].iter().any(|(other, _)| other == name) {
            return Err(bad_request(name, "given more than once"));
        }
    }
    Ok(pairs)
}

fn number(name: &str, value: &str, least: usize, most: usize) -> Result<usize, StaffError> {
    value
        .parse::<usize>()
        .ok()
        .filter(|n| (least..=most).contains(n))
        .ok_or_else(|| bad_request(name, &format!("a whole number from {least} to {most}")))
}

const LIST_PARAMS: [&str; 12] = [
    "queue", "category", "cause", "stage", "assignee", "from", "to", "q", "sort", "order", "limit",
    "offset",
];

/// `/complaints`' parameters as the desk's query; a category or cause the config does not list is refused.
fn list_query(state: &AppState, pairs: Vec<(String, String)>) -> Result<ListQuery, StaffError> {
    let config = &state.intake.settings().config;
    let mut query = ListQuery {
        queue: None,
        category: None,
        cause: None,
        stage: None,
        assignee: None,
        from: None,
        to: None,
        words: None,
        sort: Sort::Due,
        descending: false,
        limit: DEFAULT_LIMIT,
        offset: 0,
    };
    for (name, value) in pairs {
        let bad = |problem: &str| bad_request(&name, problem);
        let date = || Date::parse_iso(&value).ok_or_else(|| bad("a date, YYYY-MM-DD"));
        match name.as_str() {
            "queue" => {
                query.queue = Some(Queue::parse(&value).ok_or_else(|| bad("no such queue"))?)
            }
            "category" if config.category(&value).is_some() => query.category = Some(value),
            "category" => return Err(bad("no such category")),
            "cause" if config.cause(&value).is_some() => query.cause = Some(value),
            "cause" => return Err(bad("no such root cause")),
            "stage" => {
                query.stage = Some(Stage::parse(&value).ok_or_else(|| bad("no such stage"))?)
            }
            "assignee" if value == "none" => query.assignee = Some(AssigneeIs::Nobody),
            "assignee" => {
                let id = value.parse().map_err(|_| bad("a staff id, or none"))?;
                query.assignee = Some(AssigneeIs::Staff(id));
            }
            "from" => query.from = Some(date()?),
            "to" => query.to = Some(date()?),
            "q" if value.chars().count() > MAX_SEARCH_CHARS => {
                return Err(bad(&format!("at most {MAX_SEARCH_CHARS} characters")))
            }
            "q" => query.words = Some(value).filter(|w| !w.trim().is_empty()),
            "sort" => {
                let found = Sort::ALL.iter().find(|(id, _)| *id == value);
                query.sort = found
                    .ok_or_else(|| bad("due, received, reference or stage"))?
                    .1;
            }
            "order" => {
                query.descending = match value.as_str() {
                    "asc" => false,
                    "desc" => true,
                    _ => return Err(bad("asc or desc")),
                }
            }
            "limit" => query.limit = number(&name, &value, 1, MAX_LIMIT)?,
            "offset" => query.offset = number(&name, &value, 0, usize::MAX)?,
            _ => return Err(bad("not a parameter of this route")),
        }
    }
    Ok(query)
}

/// JSON with an `ETag` of its bytes, or `304` when the client's `If-None-Match` names it. Never stored by a
/// cache: the desk keeps the last answer in memory and sends its tag itself.
fn tagged(headers: &HeaderMap, value: &impl Serialize) -> Response<Body> {
    let Ok(body) = serde_json::to_vec(value) else {
        return StaffError::internal().into_response();
    };
    let digest = Sha256::digest(&body);
    let tag = format!("\"{}\"", crate::publish::hex(&digest[..16]));
    let matches = headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|t| t.trim().trim_start_matches("W/"))
        .any(|t| t == tag || t == "*");
    let mut response = if matches {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let mut response = Response::new(Body::from(body));
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        response
    };
    let set = response.headers_mut();
    if let Ok(tag) = HeaderValue::from_str(&tag) {
        set.insert(header::ETAG, tag);
    }
    set.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    response
}

/// JSON that is never stored by a cache.
fn private_json(value: &impl Serialize) -> Response<Body> {
    let mut response = axum::Json(value).into_response();
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    response
}

#[derive(Serialize)]
struct Queues {
    queues: Vec<crate::desk::queues::QueueCount>,
}

/// `GET /queues`: each queue and how many complaints the person may see in it.
async fn queues(
    State(state): State<AppState>,
    signed: Signed,
    headers: HeaderMap,
) -> Result<Response<Body>, StaffError> {
    let now = crate::zone::now();
    let queues = on_desk(&state, move |desk| desk.queues(&signed.actor, now)).await?;
    Ok(tagged(&headers, &Queues { queues }))
}

/// `GET /complaints?…`: one page of the list.
async fn complaints(
    State(state): State<AppState>,
    signed: Signed,
    headers: HeaderMap,
    query: Params,
) -> Result<Response<Body>, StaffError> {
    let query = list_query(&state, params(query, &LIST_PARAMS)?)?;
    let now = crate::zone::now();
    let page = on_desk(&state, move |desk| {
        desk.complaints(&signed.actor, &query, now)
    })
    .await?;
    Ok(tagged(&headers, &page))
}

/// `GET /complaints/{reference}`: the whole complaint; opening it marks the customer's replies read.
async fn complaint(
    State(state): State<AppState>,
    signed: Signed,
    Path(reference): Path<String>,
) -> Result<Response<Body>, StaffError> {
    let now = crate::zone::now();
    let mut view = on_desk(&state, move |desk| {
        desk.open(&signed.actor, &reference, now)
    })
    .await?;
    let reference = view.reference.clone();
    for file in view.files_mut() {
        file.url = format!("{API}/complaints/{reference}/files/{}", file.number);
    }
    Ok(private_json(&view))
}

/// `GET /complaints/{reference}/files/{number}`: the file's bytes, never rendered as a page.
async fn file(
    State(state): State<AppState>,
    signed: Signed,
    Path((reference, number)): Path<(String, String)>,
) -> Result<Response<Body>, StaffError> {
    let Ok(number) = number.parse::<i64>() else {
        return Err(bad_request("number", "a file's number, as listed"));
    };
    let found = on_desk(&state, move |desk| {
        desk.file(&signed.actor, &reference, number)
    })
    .await?;
    match found {
        Some(file) => Ok(super::served_file::answer(file, number)),
        None => Err(StaffError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("there is no file {number}"),
        )),
    }
}

/// `GET /audit?limit=&before=`: the audit log, newest first (leads and above).
async fn audit(
    State(state): State<AppState>,
    signed: Signed,
    query: Params,
) -> Result<Response<Body>, StaffError> {
    let mut limit = DEFAULT_LIMIT;
    let mut before = None;
    for (name, value) in params(query, &["limit", "before"])? {
        match name.as_str() {
            "limit" => limit = number(&name, &value, 1, MAX_AUDIT)?,
            _ => {
                let id = value
                    .parse::<i64>()
                    .map_err(|_| bad_request(&name, "a line's id"))?;
                before = Some(id);
            }
        }
    }
    #[derive(Serialize)]
    struct Audit {
        lines: Vec<crate::desk::complaint_view::AuditView>,
    }
    let lines = on_desk(&state, move |desk| {
        desk.audit_log(&signed.actor, limit, before)
    })
    .await?;
    Ok(private_json(&Audit { lines }))
}
