//! Every operation of `openapi/management-api.json`, called through the generated client against
//! an httpmock server that checks the request against the spec and answers from the spec.
//!
//! For each operation and each of three variants:
//! - arguments are built from the parameter and body schemas (A and C: every optional parameter
//!   and field; B: required ones only); string path parameters carry `|`, a space and `/`;
//! - the mock expects the method and the exact percent-encoded path; the test then checks the
//!   query (names, values, array style), header parameters, and validates the JSON body against
//!   the operation's request schema with a JSON Schema validator;
//! - the answer is built from the response schema (A: all optional fields; B: required only;
//!   C: A plus unknown fields and unknown values for open enums) and must decode.
//!
//! Then one documented 4xx with Auth0's error body must map to `Error::ErrorResponse` with the
//! typed `ApiError` fields.
//!
//! The test fails on an operation that is neither exercised nor on `SKIP`, on any problem not on
//! `KNOWN_FAILURES`, and on a `KNOWN_FAILURES` entry that no longer fails.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};

use auth0_management_api::Client;
use contract_tests::calls;
use contract_tests::openapi::{self, Operation, Param, SPEC};
use contract_tests::outcome::Outcome;
use contract_tests::values::{Generator, Variant};
use httpmock::prelude::*;
use serde_json::{Value, json};

/// Operations this test does not call, with why. Keep it short: each entry is a gap.
const SKIP: &[(&str, &str)] = &[
    // multipart/form-data upload: not in the generated client (progenitor does not do multipart);
    // handwritten in the auth0-management crate, which will carry its own test.
    ("post_users-imports", "multipart body, not generated"),
];

/// Problems the generator or the spec normalizer causes today: `(operationId, problem prefix,
/// reason)`; `"*"` stands for every operation (one cause shared by many). A problem is excused
/// when its text (less the `[variant] ` tag) starts with the prefix. Fix the cause, then delete
/// the line: an entry that no longer matches any problem fails the test.
const KNOWN_FAILURES: &[(&str, &str, &str)] = &[
    // Empty: every problem found so far was fixed at its cause (the hooks encode `|` in paths;
    // spec-sync drops undeclared `required` names and collapses all-string anyOf/oneOf).
];

/// Problems that start with this are observations about the spec, printed but not failures.
const NOTE: &str = "spec note: ";

/// Base URI under which the spec's schemas are registered for validation.
const SPEC_URI: &str = "urn:auth0-management-api:spec";

/// A request as the mock server saw it.
#[derive(Clone, Debug)]
struct Seen {
    method: String,
    raw_path: String,
    query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

fn seen(req: &HttpMockRequest) -> Seen {
    Seen {
        method: req.method().to_string(),
        raw_path: req.uri().path().to_string(),
        query: req.query_params(),
        headers: req
            .headers()
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_string(),
                    v.to_str().unwrap_or("<non-ascii>").to_string(),
                )
            })
            .collect(),
        body: req.body().to_vec(),
    }
}

/// Validators for request bodies, over two registries of the spec's schemas: as written, and
/// with every `oneOf` read as `anyOf`.
struct Schemas {
    strict: jsonschema::Registry<'static>,
    relaxed: jsonschema::Registry<'static>,
    /// Patterns the validator's regex engine cannot compile (ECMAScript-only syntax): left out
    /// of validation; generated values still match them (checked with `regress`), and the
    /// generated types check them on deserialization.
    unchecked_patterns: BTreeSet<String>,
}

const DRAFT7: &str = "http://json-schema.org/draft-07/schema#";

impl Schemas {
    fn new(spec: &Value) -> Self {
        let mut unchecked_patterns = BTreeSet::new();
        let mut keep = |p: &str| {
            let ok = jsonschema::options()
                .with_draft(jsonschema::Draft::Draft7)
                .build(&json!({"type": "string", "pattern": p}))
                .is_ok();
            if !ok {
                unchecked_patterns.insert(p.to_string());
            }
            ok
        };
        let schemas: serde_json::Map<String, Value> = spec["components"]["schemas"]
            .as_object()
            .expect("the spec has component schemas")
            .iter()
            .map(|(k, v)| {
                let mut s = openapi::to_json_schema(v, SPEC_URI);
                openapi::retain_patterns(&mut s, &mut keep);
                (k.clone(), s)
            })
            .collect();
        let strict = json!({"$schema": DRAFT7, "components": {"schemas": schemas}});
        let mut relaxed = strict.clone();
        openapi::one_of_as_any_of(&mut relaxed);
        let registry = |root: Value| {
            jsonschema::Registry::new()
                .add(SPEC_URI, root)
                .expect("the spec's schemas register")
                .prepare()
                .expect("the spec's schemas resolve")
        };
        Self {
            strict: registry(strict),
            relaxed: registry(relaxed),
            unchecked_patterns,
        }
    }

    fn errors(
        &self,
        schema: &Value,
        instance: &Value,
        relaxed: bool,
    ) -> Result<Vec<String>, String> {
        let mut schema = openapi::to_json_schema(schema, SPEC_URI);
        let unchecked = &self.unchecked_patterns;
        openapi::retain_patterns(&mut schema, &mut |p| !unchecked.contains(p));
        if relaxed {
            openapi::one_of_as_any_of(&mut schema);
        }
        schema["$schema"] = json!(DRAFT7);
        let validator = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft7)
            .should_validate_formats(true)
            .with_registry(if relaxed { &self.relaxed } else { &self.strict })
            .build(&schema)
            .map_err(|e| format!("request schema does not compile: {e}"))?;
        Ok(validator
            .iter_errors(instance)
            .take(3)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect())
    }

    /// `Ok(None)`: valid. `Ok(Some(..))`: valid only when `oneOf` is read as `anyOf` (the value
    /// matches several branches: an ambiguity of the spec, not of the client). `Err`: invalid.
    fn validate(&self, schema: &Value, instance: &Value) -> Result<Option<String>, String> {
        let strict = self.errors(schema, instance, false)?;
        if strict.is_empty() {
            return Ok(None);
        }
        let relaxed = self.errors(schema, instance, true)?;
        if relaxed.is_empty() {
            Ok(Some(strict.join("; ")))
        } else {
            Err(relaxed.join("; "))
        }
    }
}

/// Percent-encodes a path segment: everything but RFC 3986 `pchar`s (unreserved, sub-delims,
/// `:` and `@`).
fn encode_segment(s: &str) -> String {
    const SET: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'.')
        .remove(b'_')
        .remove(b'~')
        .remove(b'!')
        .remove(b'$')
        .remove(b'&')
        .remove(b'\'')
        .remove(b'(')
        .remove(b')')
        .remove(b'*')
        .remove(b'+')
        .remove(b',')
        .remove(b';')
        .remove(b'=')
        .remove(b':')
        .remove(b'@');
    percent_encoding::utf8_percent_encode(s, SET).to_string()
}

/// The segments of a raw path, percent-decoded.
fn decoded_segments(raw: &str) -> Vec<String> {
    raw.split('/')
        .map(|s| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8_lossy()
                .into_owned()
        })
        .collect()
}

/// Characters allowed raw in a path segment (RFC 3986 `pchar` less `%`).
fn is_pchar(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-._~!$&'()*+,;=:@".contains(c)
}

/// A value that exercises encoding, cut and padded to the schema's length limits, for plain
/// string parameters (no enum, format or pattern).
fn tricky_string(schema: &Value, tricky: &str) -> Option<String> {
    let s = schema;
    let plain = [
        "enum", "pattern", "format", "oneOf", "anyOf", "allOf", "$ref",
    ];
    if s.get("type").and_then(Value::as_str) != Some("string")
        || plain.iter().any(|k| s.get(k).is_some())
    {
        return None;
    }
    let min = s.get("minLength").and_then(Value::as_u64).unwrap_or(0) as usize;
    let max = s
        .get("maxLength")
        .and_then(Value::as_u64)
        .map_or(usize::MAX, |m| m as usize);
    let mut v = if tricky.len() <= max {
        tricky.to_string()
    } else {
        "a|b c/d".chars().take(max).collect()
    };
    while v.len() < min {
        v.push('x');
    }
    (v.len() <= max).then_some(v)
}

/// The query pairs a parameter value should produce (form style, explode).
fn query_pairs(name: &str, value: &Value) -> Vec<(String, String)> {
    let scalar = |v: &Value| match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    match value {
        Value::Null => vec![],
        Value::Array(items) => items
            .iter()
            .map(|i| (name.to_string(), scalar(i)))
            .collect(),
        v => vec![(name.to_string(), scalar(v))],
    }
}

struct Call {
    args: Value,
    raw_path: String,
    query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
}

/// Arguments for `op`, and what the server should see.
fn build_call(
    spec: &Value,
    op: &Operation,
    variant: Variant,
    problems: &mut Vec<String>,
) -> Option<Call> {
    let mut g = Generator::new(spec, variant);
    let mut args = serde_json::Map::new();
    let mut raw_path = op.path.clone();
    let mut query = vec![];
    let mut headers = vec![];
    for p in &op.params {
        let Param {
            name,
            location,
            required,
            schema,
            explode,
        } = p;
        if !required && !variant.optional {
            continue;
        }
        let resolved = openapi::resolve(spec, schema);
        let value = match location.as_str() {
            "path" => tricky_string(resolved, "auth0|a b/c").map(Value::String),
            "query" => tricky_string(resolved, "a b&c=d|e/f").map(Value::String),
            _ => None,
        };
        let value = match value.map_or_else(|| g.value(schema), Ok) {
            Ok(v) => v,
            Err(e) => {
                if *required {
                    problems.push(format!("arguments: parameter {name}: {e}"));
                    return None;
                }
                continue;
            }
        };
        match location.as_str() {
            "path" => {
                let text = match &value {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                raw_path = raw_path.replace(&format!("{{{name}}}"), &encode_segment(&text));
            }
            "query" => {
                if !explode && value.is_array() {
                    problems.push(format!(
                        "arguments: {name}: explode=false arrays are not checked"
                    ));
                }
                query.extend(query_pairs(name, &value));
            }
            "header" => {
                if let Value::String(s) = &value {
                    headers.push((name.to_ascii_lowercase(), s.clone()));
                }
            }
            other => problems.push(format!(
                "arguments: parameter {name} in {other} is not supported"
            )),
        }
        args.insert(name.clone(), value);
    }
    if let Some(body_schema) = &op.body {
        match g.value(body_schema) {
            Ok(v) => {
                args.insert("body".into(), v);
            }
            Err(e) => {
                problems.push(format!("arguments: body: {e}"));
                return None;
            }
        }
    }
    query.sort();
    Some(Call {
        args: Value::Object(args),
        raw_path,
        query,
        headers,
    })
}

/// Checks what the server saw against what the spec asks for.
fn check_request(
    op: &Operation,
    call: &Call,
    seen: &Seen,
    schemas: &Schemas,
    problems: &mut Vec<String>,
) {
    if seen.method != op.method {
        problems.push(format!(
            "method: sent {}, spec says {}",
            seen.method, op.method
        ));
    }
    // The mock matched on decoded segments; here the encoding itself: every character is a
    // `pchar` or a percent-escape (over-encoding, like `%3A` for `:`, is fine).
    if decoded_segments(&seen.raw_path) != decoded_segments(&call.raw_path) {
        problems.push(format!(
            "path: sent {}, expected {}",
            seen.raw_path, call.raw_path
        ));
    } else {
        let raw: BTreeSet<char> = seen
            .raw_path
            .chars()
            .filter(|c| *c != '/' && *c != '%' && !is_pchar(*c))
            .collect();
        if !raw.is_empty() {
            problems.push(format!(
                "path encoding: characters left raw that RFC 3986 wants percent-encoded: {raw:?} (sent {}, expected {})",
                seen.raw_path, call.raw_path
            ));
        }
    }
    let mut got = seen.query.clone();
    got.sort();
    if got != call.query {
        problems.push(format!("query: sent {got:?}, expected {:?}", call.query));
    }
    for (name, value) in &call.headers {
        let sent = seen
            .headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name));
        if sent.map(|(_, v)| v) != Some(value) {
            problems.push(format!("header {name}: sent {sent:?}, expected {value:?}"));
        }
    }
    match &op.body {
        Some(schema) => {
            let ct = seen
                .headers
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case("content-type"));
            if !ct.is_some_and(|(_, v)| v.starts_with("application/json")) {
                problems.push(format!("body: content-type {ct:?}"));
            }
            match serde_json::from_slice::<Value>(&seen.body) {
                Ok(body) => match schemas.validate(schema, &body) {
                    Ok(None) => {}
                    Ok(Some(e)) => {
                        problems.push(format!("{NOTE}body matches several oneOf branches: {e}"))
                    }
                    Err(e) => problems.push(format!(
                        "body: does not validate against the request schema: {e}; sent {body}"
                    )),
                },
                Err(e) => problems.push(format!("body: not JSON: {e}")),
            }
        }
        None => {
            if !seen.body.is_empty() {
                problems.push(format!(
                    "body: sent {} bytes, the spec has no request body",
                    seen.body.len()
                ));
            }
        }
    }
}

/// A response body for `op`'s success status, and its content type.
fn success_body(
    spec: &Value,
    op: &Operation,
    variant: Variant,
    problems: &mut Vec<String>,
) -> Option<(String, Vec<u8>)> {
    match (&op.success.content_type, &op.success.schema) {
        (Some(ct), _) if ct == "text/event-stream" => Some((
            ct.clone(),
            b"id: 1\nevent: user.created\ndata: {\"id\":\"evt_1\"}\n\n: keep-alive\n\nid: 2\ndata: {}\n\n".to_vec(),
        )),
        (Some(ct), Some(schema)) => match Generator::new(spec, variant).value_with(schema) {
            Ok((v, g)) => {
                if !g.undeclared.is_empty() {
                    problems.push(format!(
                        "spec: the response schema requires properties it does not declare (a server that omits them breaks decoding): {}",
                        g.undeclared.join(", ")
                    ));
                }
                Some((ct.clone(), serde_json::to_vec(&v).expect("JSON")))
            }
            Err(e) => {
                problems.push(format!("response: cannot build a body: {e}"));
                None
            }
        },
        (Some(ct), None) => Some((ct.clone(), b"{}".to_vec())),
        (None, _) => Some((String::new(), vec![])),
    }
}

/// What every call needs: the mock server, a client pointed at it, the spec, its validators.
struct Ctx {
    server: MockServer,
    client: Client,
    spec: Value,
    schemas: Schemas,
}

/// One call: mock, call, checks. Returns the problems found.
async fn exercise(
    ctx: &Ctx,
    op: &Operation,
    label: &str,
    request_variant: Variant,
    response: Option<(u16, String, Vec<u8>)>,
) -> (Vec<String>, Option<Outcome>) {
    let Ctx {
        server,
        client,
        spec,
        schemas,
    } = ctx;
    let mut problems = vec![];
    let Some(call) = build_call(spec, op, request_variant, &mut problems) else {
        return (tag(label, problems), None);
    };
    let (status, content_type, body) = match response {
        Some(r) => r,
        None => match success_body(spec, op, response_variant(label), &mut problems) {
            Some((ct, b)) => (op.success.status, ct, b),
            None => return (tag(label, problems), None),
        },
    };
    let hit: Arc<Mutex<Option<Seen>>> = Arc::default();
    let missed: Arc<Mutex<Option<Seen>>> = Arc::default();
    let method = httpmock::Method::from(op.method.as_str());
    let expected = server
        .mock_async(|when, then| {
            // The path matches when it decodes, segment by segment, to the expected values;
            // whether the encoding is the strict one is checked (and reported) after the call.
            let slot = hit.clone();
            let want = decoded_segments(&call.raw_path);
            when.method(method).is_true(move |req| {
                let matches = decoded_segments(req.uri().path()) == want;
                if matches {
                    *slot.lock().unwrap() = Some(seen(req));
                }
                matches
            });
            let then = then.status(status);
            let then = if content_type.is_empty() {
                then
            } else {
                then.header("content-type", content_type.as_str())
            };
            then.body(body.clone());
        })
        .await;
    let fallback = server
        .mock_async(|when, then| {
            let slot = missed.clone();
            when.is_true(move |req| {
                *slot.lock().unwrap() = Some(seen(req));
                true
            });
            then.status(599).body("no expectation matched");
        })
        .await;
    let outcome = calls::call(client, &op.id, &call.args).await;
    let hits = expected.calls_async().await;
    let request = if hits == 1 {
        hit.lock().unwrap().take()
    } else {
        missed.lock().unwrap().take()
    };
    expected.delete_async().await;
    fallback.delete_async().await;
    match &request {
        Some(seen) => check_request(op, &call, seen, schemas, &mut problems),
        None => problems.push(format!("request: none reached the server ({outcome:?})")),
    }
    if hits != 1 && request.is_some() && !problems.iter().any(|p| p.starts_with("path")) {
        problems.push("request: the expectation did not match".into());
    }
    (tag(label, problems), Some(outcome))
}

fn response_variant(label: &str) -> Variant {
    match label {
        "B" => Variant::MINIMAL,
        "C" => Variant::EXTRA,
        _ => Variant::FULL,
    }
}

fn tag(label: &str, problems: Vec<String>) -> Vec<String> {
    problems
        .into_iter()
        .map(|p| format!("[{label}] {p}"))
        .collect()
}

/// Strips the `[label] ` tag.
fn untagged(p: &str) -> &str {
    p.split_once("] ").map_or(p, |(_, rest)| rest)
}

/// Auth0's error body for `status`.
fn auth0_error(status: u16) -> Value {
    let (error, code) = match status {
        400 => ("Bad Request", "invalid_body"),
        401 => ("Unauthorized", "invalid_token"),
        403 => ("Forbidden", "insufficient_scope"),
        404 => ("Not Found", "inexistent_user"),
        409 => ("Conflict", "conflict"),
        429 => ("Too Many Requests", "too_many_requests"),
        _ => ("Client Error", "client_error"),
    };
    json!({"statusCode": status, "error": error, "message": format!("contract test {status}"), "errorCode": code})
}

async fn check_operation(ctx: &Ctx, op: &Operation) -> Vec<String> {
    let mut problems = vec![];
    for (label, request_variant) in [
        ("A", Variant::FULL),
        ("B", Variant::MINIMAL),
        ("C", Variant::FULL),
    ] {
        let (mut p, outcome) = exercise(ctx, op, label, request_variant, None).await;
        match outcome {
            None => {}
            Some(Outcome::Success { status, raw, .. }) => {
                if status != op.success.status {
                    p.push(format!(
                        "[{label}] response: status {status}, expected {}",
                        op.success.status
                    ));
                }
                if op.success.content_type.as_deref() == Some("text/event-stream")
                    && raw.as_deref().is_none_or(|r| !r.starts_with(b"id: 1\n"))
                {
                    p.push(format!(
                        "[{label}] response: the event stream did not come through: {raw:?}"
                    ));
                }
            }
            Some(Outcome::Decode { body, error }) => {
                p.push(format!("[{label}] decode: {error}; body {body}"));
            }
            Some(other) => p.push(format!("[{label}] call: {other:?}")),
        }
        problems.extend(p);
    }

    // A documented client error, with Auth0's error body.
    let status = op
        .client_errors
        .iter()
        .copied()
        .find(|s| *s == 404)
        .or_else(|| op.client_errors.first().copied());
    match status {
        None => problems.push("error: the spec documents no 4xx response".into()),
        Some(status) => {
            let body = auth0_error(status);
            let response = Some((
                status,
                "application/json".to_string(),
                serde_json::to_vec(&body).expect("JSON"),
            ));
            let (mut p, outcome) = exercise(ctx, op, "E", Variant::MINIMAL, response).await;
            match outcome {
                None => {}
                Some(Outcome::ErrorResponse { status: got, error }) => {
                    let typed = (
                        error.status_code,
                        error.error.as_deref(),
                        error.message.as_deref(),
                        error.error_code.as_deref(),
                    );
                    let want = (
                        Some(i64::from(status)),
                        body["error"].as_str(),
                        body["message"].as_str(),
                        body["errorCode"].as_str(),
                    );
                    if got != status || typed != want {
                        p.push(format!(
                            "[E] error: got {got} {typed:?}, expected {status} {want:?}"
                        ));
                    }
                }
                Some(other) => p.push(format!("[E] error: expected ErrorResponse, got {other:?}")),
            }
            problems.extend(p);
        }
    }
    problems
}

#[tokio::test]
async fn every_operation_meets_its_contract() {
    let spec: Value = serde_json::from_str(SPEC).expect("the spec is JSON");
    let operations = openapi::operations(&spec);
    let schemas = Schemas::new(&spec);
    let server = MockServer::start_async().await;
    let client = Client::new_with_client(
        &server.base_url(),
        reqwest::Client::new(),
        auth0_management_api::hooks::Inner::default(),
    );
    let ctx = Ctx {
        server,
        client,
        spec,
        schemas,
    };
    let schemas = &ctx.schemas;

    let generated: BTreeSet<&str> = calls::OPERATIONS.iter().copied().collect();
    let skip: BTreeMap<&str, &str> = SKIP.iter().copied().collect();
    let mut failures: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut spec_notes: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut gaps = vec![];
    let mut exercised = 0;
    for op in &operations {
        if let Some(why) = skip.get(op.id.as_str()) {
            if generated.contains(op.id.as_str()) {
                gaps.push(format!("{}: on SKIP ({why}) but generated: test it", op.id));
            }
            continue;
        }
        if !generated.contains(op.id.as_str()) {
            gaps.push(format!(
                "{}: in the spec, not in the generated client, not on SKIP",
                op.id
            ));
            continue;
        }
        if op.non_json_body {
            gaps.push(format!(
                "{}: a non-JSON request body this test cannot build",
                op.id
            ));
            continue;
        }
        exercised += 1;
        let (notes, problems): (Vec<String>, Vec<String>) = check_operation(&ctx, op)
            .await
            .into_iter()
            .partition(|p| untagged(p).starts_with(NOTE));
        if !notes.is_empty() {
            spec_notes.insert(op.id.clone(), notes);
        }
        if !problems.is_empty() {
            failures.insert(op.id.clone(), problems);
        }
    }
    for s in SKIP {
        if !operations.iter().any(|o| o.id == s.0) {
            gaps.push(format!("{}: on SKIP but not in the spec", s.0));
        }
    }

    // Excuse known failures; note stale entries.
    let mut used = vec![false; KNOWN_FAILURES.len()];
    let mut new_failures: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    let mut known = 0;
    for (op, problems) in &failures {
        for p in problems {
            let excused = KNOWN_FAILURES.iter().position(|(o, prefix, _)| {
                (*o == "*" || o == op) && untagged(p).starts_with(prefix)
            });
            match excused {
                Some(i) => {
                    used[i] = true;
                    known += 1;
                }
                None => new_failures.entry(op).or_default().push(p),
            }
        }
    }
    let stale: Vec<_> = KNOWN_FAILURES
        .iter()
        .zip(&used)
        .filter(|(_, u)| !**u)
        .map(|((o, p, _), _)| format!("{o}: {p}"))
        .collect();

    // Straight to stderr, so the summary shows even when the harness captures test output.
    let mut summary = format!(
        "contract: {} operations in the spec; {exercised} exercised (variants A, B, C and one 4xx each); \
         {} skipped; {} with known failures ({known} problems excused); {} with new failures\n",
        operations.len(),
        SKIP.len(),
        failures.len() - new_failures.len(),
        new_failures.len()
    );
    if !spec_notes.is_empty() {
        let ops: Vec<&str> = spec_notes.keys().map(String::as_str).collect();
        summary += &format!(
            "contract: spec notes (bodies valid only if oneOf is read as anyOf: overlapping branches): {}\n",
            ops.join(", ")
        );
    }
    if !schemas.unchecked_patterns.is_empty() {
        summary += &format!(
            "contract: {} pattern(s) the validator cannot compile are not checked in request bodies\n",
            schemas.unchecked_patterns.len()
        );
    }
    let _ = std::io::Write::write_all(&mut std::io::stderr(), summary.as_bytes());
    let mut report = String::new();
    for g in &gaps {
        report += &format!("coverage gap: {g}\n");
    }
    for s in &stale {
        report += &format!("stale KNOWN_FAILURES entry (it passes now: delete it): {s}\n");
    }
    for (op, problems) in &new_failures {
        report += &format!("{op}:\n");
        for p in problems {
            let mut p = p.to_string();
            if p.len() > 1500 {
                p.truncate(1500);
                p += " ...";
            }
            report += &format!("    {p}\n");
        }
    }
    assert!(report.is_empty(), "{report}");
}
