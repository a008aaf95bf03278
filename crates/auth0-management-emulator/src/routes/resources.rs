//! Resources with plain CRUD (rules, clients, client grants, connections, resource servers,
//! device credentials), served by one set of handlers and a [`Kind`] each. The gate has
//! already checked the token, the scopes and the body against the spec; the success status
//! of each call is the operation's documented one.

use std::collections::HashMap;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Extension, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, delete, get, patch, post};
use serde_json::{Map, Value, json};

use super::{AppState, ListQuery, json_object};
use crate::error::ApiError;
use crate::spec::Operation;
use crate::state::{Shared, now, random_alnum, random_id};

/// What differs between resources.
pub struct Kind {
    /// The list key with include_totals, and the collection's name.
    plural: &'static str,
    id_field: &'static str,
    /// A new id: prefix, length, and whether it is hex (else alphanumeric).
    id: (&'static str, usize, bool),
    /// 404: errorCode and message.
    not_found: (&'static str, &'static str),
    /// Server-set fields added on create (the new id is already in).
    defaults: fn(&mut Map<String, Value>),
    /// A 409 for a create that clashes with `existing`.
    conflict: fn(existing: &[Value], new: &Map<String, Value>) -> Option<ApiError>,
    /// List filters: query parameter and field; a comma list matches any of its values.
    filters: &'static [(&'static str, &'static str)],
    /// Fields stored but never returned.
    hidden: &'static [&'static str],
    /// Lists also page by checkpoint (`from`/`take`, answering `{<plural>, next}`).
    checkpoint: bool,
    /// The create answers only the new id (`{"id": ...}`).
    create_returns_id: bool,
    /// What else goes when an item is deleted (called without the resources lock held).
    cascade: fn(&Shared, &Value),
}

fn no_cascade(_: &Shared, _: &Value) {}

fn no_conflict(_: &[Value], _: &Map<String, Value>) -> Option<ApiError> {
    None
}

fn same(existing: &[Value], new: &Map<String, Value>, fields: &[&str]) -> bool {
    existing.iter().any(|e| {
        fields
            .iter()
            .all(|f| new.get(*f).is_some_and(|v| e[*f] == *v))
    })
}

fn conflict(message: &str) -> ApiError {
    ApiError::new(StatusCode::CONFLICT, message).code("conflict")
}

pub const RULE: Kind = Kind {
    plural: "rules",
    id_field: "id",
    id: ("rul_", 16, false),
    not_found: ("inexistent_rule", "The rule does not exist"),
    defaults: |m| {
        m.entry("enabled").or_insert(json!(true));
        m.entry("order").or_insert(json!(1));
        m.insert("stage".into(), json!("login_success"));
    },
    conflict: |existing, new| {
        same(existing, new, &["name"]).then(|| {
            ApiError::new(
                StatusCode::CONFLICT,
                "A rule with the same name already exists",
            )
            .code("rule_conflict")
        })
    },
    filters: &[("enabled", "enabled")],
    hidden: &[],
    checkpoint: false,
    create_returns_id: false,
    cascade: no_cascade,
};

pub const CLIENT: Kind = Kind {
    plural: "clients",
    id_field: "client_id",
    id: ("", 32, false),
    not_found: ("inexistent_client", "The client does not exist"),
    defaults: |m| {
        m.insert("client_secret".into(), json!(random_alnum("", 64)));
        m.insert("tenant".into(), json!("emulated"));
        m.insert("global".into(), json!(false));
        m.entry("is_first_party").or_insert(json!(true));
        m.entry("callbacks").or_insert(json!([]));
        m.entry("grant_types").or_insert(json!([
            "authorization_code",
            "implicit",
            "refresh_token",
            "client_credentials"
        ]));
        m.entry("client_metadata").or_insert(json!({}));
        m.insert("created_at".into(), json!(now()));
    },
    conflict: no_conflict,
    filters: &[
        ("app_type", "app_type"),
        ("is_first_party", "is_first_party"),
        ("is_global", "global"),
    ],
    hidden: &[],
    checkpoint: true,
    create_returns_id: false,
    cascade: |state, client| {
        // Auth0 removes the client's grants with it.
        if let Some(grants) = state.resources.lock().unwrap().get_mut(CLIENT_GRANT.plural) {
            grants.retain(|g| g["client_id"] != client["client_id"]);
        }
    },
};

pub const CLIENT_GRANT: Kind = Kind {
    plural: "client_grants",
    id_field: "id",
    id: ("cgr_", 16, false),
    not_found: ("inexistent_client_grant", "The grant does not exist."),
    defaults: |m| {
        m.entry("scope").or_insert(json!([]));
        m.entry("subject_type").or_insert(json!("client"));
        m.insert("is_system".into(), json!(false));
    },
    conflict: |existing, new| {
        same(existing, new, &["client_id", "audience"])
            .then(|| conflict("A client grant for this client and audience already exists."))
    },
    filters: &[
        ("audience", "audience"),
        ("client_id", "client_id"),
        ("subject_type", "subject_type"),
    ],
    hidden: &[],
    checkpoint: true,
    create_returns_id: false,
    cascade: no_cascade,
};

pub const CONNECTION: Kind = Kind {
    plural: "connections",
    id_field: "id",
    id: ("con_", 16, false),
    not_found: ("inexistent_connection", "The connection does not exist"),
    defaults: |m| {
        let name = m.get("name").cloned().unwrap_or_default();
        m.entry("display_name").or_insert(name.clone());
        m.entry("options").or_insert(json!({}));
        m.entry("enabled_clients").or_insert(json!([]));
        m.entry("is_domain_connection").or_insert(json!(false));
        m.entry("realms").or_insert(json!([name]));
    },
    conflict: |existing, new| {
        same(existing, new, &["name"]).then(|| {
            ApiError::new(
                StatusCode::CONFLICT,
                "A connection with the same name already exists",
            )
            .code("connection_conflict")
        })
    },
    filters: &[("strategy", "strategy"), ("name", "name")],
    hidden: &[],
    checkpoint: true,
    create_returns_id: false,
    cascade: |state, connection| {
        // Auth0 removes the connection's users with it.
        state
            .users
            .lock()
            .unwrap()
            .retain(|u| u["identities"][0]["connection"] != connection["name"]);
    },
};

pub const RESOURCE_SERVER: Kind = Kind {
    plural: "resource_servers",
    id_field: "id",
    id: ("", 24, true),
    not_found: (
        "inexistent_resource_server",
        "The resource server does not exist",
    ),
    defaults: |m| {
        let identifier = m.get("identifier").cloned().unwrap_or_default();
        m.entry("name").or_insert(identifier);
        m.entry("scopes").or_insert(json!([]));
        m.entry("signing_alg").or_insert(json!("RS256"));
        m.entry("token_lifetime").or_insert(json!(86_400));
        m.entry("token_lifetime_for_web").or_insert(json!(7_200));
        m.entry("allow_offline_access").or_insert(json!(false));
        m.entry("skip_consent_for_verifiable_first_party_clients")
            .or_insert(json!(false));
        m.insert("is_system".into(), json!(false));
    },
    conflict: |existing, new| {
        same(existing, new, &["identifier"])
            .then(|| conflict("A resource server with the same identifier already exists"))
    },
    filters: &[("identifiers", "identifier")],
    hidden: &[],
    checkpoint: false,
    create_returns_id: false,
    cascade: no_cascade,
};

pub const DEVICE_CREDENTIAL: Kind = Kind {
    plural: "device_credentials",
    id_field: "id",
    id: ("dcr_", 16, false),
    not_found: (
        "inexistent_device_credential",
        "The device credential does not exist",
    ),
    defaults: |_| {},
    conflict: no_conflict,
    filters: &[
        ("user_id", "user_id"),
        ("client_id", "client_id"),
        ("type", "type"),
    ],
    hidden: &["value"],
    checkpoint: false,
    create_returns_id: true,
    cascade: no_cascade,
};

/// The handlers of `kind` for one method, on the collection (`has_id` false) or one item.
pub fn crud(kind: &'static Kind, method: &str, has_id: bool) -> Option<MethodRouter<AppState>> {
    type Q = Query<HashMap<String, String>>;
    type Op = Extension<&'static Operation>;
    Some(match (method, has_id) {
        ("GET", false) => {
            get(move |State(s): State<AppState>, Query(q): Q| async move { list(kind, &s, &q) })
        }
        ("POST", false) => post(
            move |State(s): State<AppState>, Extension(op): Op, b: Bytes| async move {
                create(kind, &s, op, &b)
            },
        ),
        ("GET", true) => get(
            move |State(s): State<AppState>, Path(id): Path<String>, Query(q): Q| async move {
                read(kind, &s, &id, &q)
            },
        ),
        ("PATCH", true) => patch(
            move |State(s): State<AppState>,
                  Extension(op): Op,
                  Path(id): Path<String>,
                  b: Bytes| async move { update(kind, &s, op, &id, &b) },
        ),
        ("DELETE", true) => delete(
            move |State(s): State<AppState>, Extension(op): Op, Path(id): Path<String>| async move {
                remove(kind, &s, op, &id)
            },
        ),
        _ => return None,
    })
}

/// The operation's first documented success status.
fn success(op: &Operation) -> StatusCode {
    op.responses
        .iter()
        .map(|(s, _)| *s)
        .find(|s| (200..300).contains(s))
        .and_then(|s| StatusCode::from_u16(s).ok())
        .unwrap_or(StatusCode::OK)
}

fn not_found(kind: &Kind) -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, kind.not_found.1).code(kind.not_found.0)
}

fn visible(kind: &Kind, v: &Value) -> Value {
    let mut v = v.clone();
    if let Value::Object(m) = &mut v {
        for h in kind.hidden {
            m.remove(*h);
        }
    }
    v
}

fn filtered(kind: &Kind, items: &[Value], q: &HashMap<String, String>) -> Vec<Value> {
    items
        .iter()
        .filter(|item| {
            kind.filters
                .iter()
                .all(|(param, field)| match q.get(*param) {
                    None => true,
                    Some(wanted) => wanted.split(',').any(|w| match &item[*field] {
                        Value::String(s) => s == w,
                        Value::Bool(b) => w.parse::<bool>().ok() == Some(*b),
                        Value::Number(n) => w.parse::<f64>().ok() == n.as_f64(),
                        _ => false,
                    }),
                })
        })
        .map(|v| visible(kind, v))
        .collect()
}

fn list(kind: &Kind, state: &Shared, q: &HashMap<String, String>) -> Result<Json<Value>, ApiError> {
    let resources = state.resources.lock().unwrap();
    let all = resources
        .get(kind.plural)
        .map(|c| c.all())
        .unwrap_or_default();
    let items = filtered(kind, all, q);
    drop(resources);
    if kind.checkpoint && (q.contains_key("from") || q.contains_key("take")) {
        let take = q
            .get("take")
            .and_then(|t| t.parse::<usize>().ok())
            .unwrap_or(50);
        // The cursor is the id of the last item of the previous page.
        let start = match q.get("from").filter(|f| !f.is_empty()) {
            None => 0,
            Some(from) => items
                .iter()
                .position(|i| i[kind.id_field] == from.as_str())
                .map_or(items.len(), |p| p + 1),
        };
        let end = start.saturating_add(take).min(items.len());
        let lq = ListQuery::parse(&HashMap::new(), 50)?;
        let fields = ListQuery {
            fields: ListQuery::parse(q, 50)?.fields,
            ..lq
        };
        let page: Vec<Value> = items[start..end]
            .iter()
            .map(|v| fields.project(v))
            .collect();
        let mut out = json!({ kind.plural: page });
        if end > start
            && end < items.len()
            && let Some(last) = items[end - 1][kind.id_field].as_str()
        {
            out["next"] = json!(last);
        }
        return Ok(Json(out));
    }
    let lq = ListQuery::parse(q, 50)?;
    Ok(Json(lq.page(&items, kind.plural, false)))
}

fn read(
    kind: &Kind,
    state: &Shared,
    id: &str,
    q: &HashMap<String, String>,
) -> Result<Json<Value>, ApiError> {
    let lq = ListQuery::parse(q, 50)?;
    let resources = state.resources.lock().unwrap();
    resources
        .get(kind.plural)
        .and_then(|c| c.get(kind.id_field, id))
        .map(|v| Json(lq.project(&visible(kind, v))))
        .ok_or_else(|| not_found(kind))
}

fn create(kind: &Kind, state: &Shared, op: &Operation, body: &Bytes) -> Result<Response, ApiError> {
    let mut body = json_object(body)?;
    let mut resources = state.resources.lock().unwrap();
    let items = resources.entry(kind.plural).or_default();
    if let Some(e) = (kind.conflict)(items.all(), &body) {
        return Err(e);
    }
    let (prefix, len, hex) = kind.id;
    let id = if hex {
        random_id(prefix, len)
    } else {
        random_alnum(prefix, len)
    };
    body.insert(kind.id_field.into(), json!(id));
    (kind.defaults)(&mut body);
    let v = Value::Object(body);
    items.insert(v.clone());
    drop(resources);
    let out = if kind.create_returns_id {
        json!({ "id": id })
    } else {
        visible(kind, &v)
    };
    Ok((success(op), Json(out)).into_response())
}

fn update(
    kind: &Kind,
    state: &Shared,
    op: &Operation,
    id: &str,
    body: &Bytes,
) -> Result<Response, ApiError> {
    let body = json_object(body)?;
    let mut resources = state.resources.lock().unwrap();
    let item = resources
        .get_mut(kind.plural)
        .and_then(|c| c.get_mut(kind.id_field, id))
        .ok_or_else(|| not_found(kind))?;
    if item["is_system"] == true {
        return Err(system_resource());
    }
    for (k, v) in body {
        item[k] = v;
    }
    Ok((success(op), Json(visible(kind, item))).into_response())
}

fn system_resource() -> ApiError {
    ApiError::new(
        StatusCode::FORBIDDEN,
        "System resources cannot be modified or deleted.",
    )
    .code("operation_not_supported")
}

fn remove(kind: &Kind, state: &Shared, op: &Operation, id: &str) -> Result<StatusCode, ApiError> {
    let mut resources = state.resources.lock().unwrap();
    let items = resources.entry(kind.plural).or_default();
    let removed = match items.get(kind.id_field, id) {
        None => return Err(not_found(kind)),
        Some(item) if item["is_system"] == true => return Err(system_resource()),
        Some(item) => item.clone(),
    };
    items.remove(kind.id_field, id);
    drop(resources);
    (kind.cascade)(state, &removed);
    Ok(success(op))
}

/// `POST /clients/{id}/rotate-secret`: a new secret, returned with the client.
pub async fn rotate_secret(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let mut resources = state.resources.lock().unwrap();
    let client = resources
        .get_mut(CLIENT.plural)
        .and_then(|c| c.get_mut(CLIENT.id_field, &id))
        .ok_or_else(|| not_found(&CLIENT))?;
    client["client_secret"] = json!(random_alnum("", 64));
    Ok(Json(client.clone()))
}
