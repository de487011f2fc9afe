//! The desk's addresses, all under `/staff/`: the intake answers each with the desk's one page, and the
//! desk picks the screen from the path (and, for an enrolment link, the token from the fragment, which never
//! reaches a server log).

/// Where the desk lives on the site.
pub const BASE: &str = "/staff/";

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Route {
    /// `/staff/`: where a person lands, by role (a lead's "Breaches soon", an agent's "Mine").
    Home,
    Queue(String),
    Complaint(String),
    Enrol(String),
    Staff,
    Templates,
    Tokens,
    Webhooks,
    /// Export, the report, status files, the figures (leads and above).
    Operations,
    /// Customers' requests about their data (leads and admins).
    DataRequests,
}

impl Route {
    pub fn parse(path: &str, fragment: &str) -> Route {
        let rest = path.strip_prefix("/staff").unwrap_or(path);
        let parts: Vec<&str> = rest.split('/').filter(|p| !p.is_empty()).collect();
        match parts.as_slice() {
            ["enrol"] => Route::Enrol(fragment.trim_start_matches('#').to_owned()),
            ["complaints", reference] => Route::Complaint(decode(reference)),
            ["queues", queue] => Route::Queue(decode(queue)),
            ["admin", "staff"] => Route::Staff,
            ["admin", "templates"] => Route::Templates,
            ["admin", "tokens"] => Route::Tokens,
            ["admin", "webhooks"] => Route::Webhooks,
            ["data-requests"] => Route::DataRequests,
            ["operations"] => Route::Operations,
            _ => Route::Home,
        }
    }

    /// The queue a person lands on at `/staff/`: what breaches soon for a lead or an admin, their own
    /// for an agent.
    pub fn landing(leads: bool) -> &'static str {
        if leads {
            "breaching"
        } else {
            "mine"
        }
    }

    pub fn path(&self) -> String {
        match self {
            Route::Home => BASE.to_owned(),
            Route::Queue(queue) => format!("{BASE}queues/{}", encode(queue)),
            Route::Complaint(reference) => format!("{BASE}complaints/{}", encode(reference)),
            Route::Enrol(_) => format!("{BASE}enrol"),
            Route::Staff => format!("{BASE}admin/staff"),
            Route::Templates => format!("{BASE}admin/templates"),
            Route::Tokens => format!("{BASE}admin/tokens"),
            Route::Webhooks => format!("{BASE}admin/webhooks"),
            Route::Operations => format!("{BASE}operations"),
            Route::DataRequests => format!("{BASE}data-requests"),
        }
    }
}

fn decode(part: &str) -> String {
    js_sys::decode_uri_component(part)
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_else(|| part.to_owned())
}

pub fn encode(part: &str) -> String {
    js_sys::encode_uri_component(part).into()
}
