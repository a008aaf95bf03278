//! A bounded, seeded fuzz run that fits in `cargo test`: random JSON shaped like the responses
//! of users, clients, connections, logs, rules and the list endpoints (right types most of the
//! time, wrong types, missing and unknown fields, odd numbers and strings, the other times), plus
//! truncated, mutated and random bytes, through the generated types' decoders and this crate's
//! error mapping. Errors are expected; panics, unbounded error snippets and leaked secrets are
//! not.
//!
//! Deterministic: the seed is fixed (override with `AUTH0_FUZZ_SEED`; more cases per shape with
//! `AUTH0_FUZZ_CASES`). The cargo-fuzz targets in `fuzz/` explore the same decoders without
//! bounds, on a nightly toolchain.

use auth0_management::Error;
use auth0_management::api::types;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};

/// xorshift64*: small, fast, and the same everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

/// The kind of value a field usually holds.
#[derive(Clone, Copy)]
enum K {
    Str,
    Bool,
    Int,
    Num,
    Date,
    Obj,
    StrArr,
    /// One of a few known values, or an unknown one (open enums must accept it).
    Enum(&'static [&'static str]),
    Shape(&'static [(&'static str, K)]),
    ShapeArr(&'static [(&'static str, K)]),
}

const IDENTITY: &[(&str, K)] = &[
    ("connection", K::Str),
    ("user_id", K::Str),
    ("provider", K::Str),
    ("isSocial", K::Bool),
    ("access_token", K::Str),
    ("profileData", K::Obj),
];

const USER: &[(&str, K)] = &[
    ("user_id", K::Str),
    ("email", K::Str),
    ("email_verified", K::Bool),
    ("username", K::Str),
    ("phone_number", K::Str),
    ("phone_verified", K::Bool),
    ("created_at", K::Date),
    ("updated_at", K::Date),
    ("identities", K::ShapeArr(IDENTITY)),
    ("app_metadata", K::Obj),
    ("user_metadata", K::Obj),
    ("picture", K::Str),
    ("name", K::Str),
    ("nickname", K::Str),
    ("multifactor", K::StrArr),
    ("last_ip", K::Str),
    ("last_login", K::Date),
    ("logins_count", K::Int),
    ("blocked", K::Bool),
    ("given_name", K::Str),
    ("family_name", K::Str),
];

const JWT_CONFIGURATION: &[(&str, K)] = &[
    ("lifetime_in_seconds", K::Int),
    ("secret_encoded", K::Bool),
    ("alg", K::Enum(&["HS256", "RS256", "PS256"])),
    ("scopes", K::Obj),
];

const SIGNING_KEY: &[(&str, K)] = &[("cert", K::Str), ("pkcs7", K::Str), ("subject", K::Str)];

const REFRESH_TOKEN: &[(&str, K)] = &[
    ("rotation_type", K::Enum(&["rotating", "non-rotating"])),
    ("expiration_type", K::Enum(&["expiring", "non-expiring"])),
    ("leeway", K::Int),
    ("token_lifetime", K::Int),
    ("infinite_token_lifetime", K::Bool),
];

const CLIENT: &[(&str, K)] = &[
    ("client_id", K::Str),
    ("tenant", K::Str),
    ("name", K::Str),
    ("description", K::Str),
    ("global", K::Bool),
    ("client_secret", K::Str),
    (
        "app_type",
        K::Enum(&["spa", "native", "regular_web", "non_interactive"]),
    ),
    ("logo_uri", K::Str),
    ("is_first_party", K::Bool),
    ("oidc_conformant", K::Bool),
    ("callbacks", K::StrArr),
    ("allowed_origins", K::StrArr),
    ("web_origins", K::StrArr),
    ("grant_types", K::StrArr),
    ("jwt_configuration", K::Shape(JWT_CONFIGURATION)),
    ("signing_keys", K::ShapeArr(SIGNING_KEY)),
    (
        "token_endpoint_auth_method",
        K::Enum(&["none", "client_secret_post", "client_secret_basic"]),
    ),
    ("client_metadata", K::Obj),
    ("refresh_token", K::Shape(REFRESH_TOKEN)),
    ("organization_usage", K::Enum(&["deny", "allow", "require"])),
];

const CONNECTION: &[(&str, K)] = &[
    ("id", K::Str),
    ("name", K::Str),
    ("display_name", K::Str),
    (
        "strategy",
        K::Enum(&["auth0", "google-oauth2", "samlp", "waad", "sms", "email"]),
    ),
    ("options", K::Obj),
    ("enabled_clients", K::StrArr),
    ("realms", K::StrArr),
    ("is_domain_connection", K::Bool),
    ("show_as_button", K::Bool),
    ("metadata", K::Obj),
];

const LOCATION: &[(&str, K)] = &[
    ("country_code", K::Str),
    ("city_name", K::Str),
    ("latitude", K::Num),
    ("longitude", K::Num),
    ("time_zone", K::Str),
    ("continent_code", K::Str),
];

const LOG: &[(&str, K)] = &[
    ("date", K::Date),
    ("type", K::Enum(&["s", "f", "fp", "seccft", "sapi", "w"])),
    ("description", K::Str),
    ("connection", K::Str),
    ("connection_id", K::Str),
    ("client_id", K::Str),
    ("client_name", K::Str),
    ("ip", K::Str),
    ("hostname", K::Str),
    ("user_id", K::Str),
    ("user_name", K::Str),
    ("audience", K::Str),
    ("scope", K::Str),
    ("strategy", K::Str),
    ("strategy_type", K::Str),
    ("log_id", K::Str),
    ("isMobile", K::Bool),
    ("details", K::Obj),
    ("user_agent", K::Str),
    ("location_info", K::Shape(LOCATION)),
];

const RULE: &[(&str, K)] = &[
    ("name", K::Str),
    ("id", K::Str),
    ("enabled", K::Bool),
    ("script", K::Str),
    ("order", K::Num),
    ("stage", K::Str),
];

const API_ERROR: &[(&str, K)] = &[
    ("statusCode", K::Int),
    ("error", K::Str),
    ("message", K::Str),
    ("errorCode", K::Str),
];

fn random_string(rng: &mut Rng) -> String {
    match rng.below(12) {
        0 => String::new(),
        1 => "auth0|5f7c8ec7c33c6c004bbafe82".into(),
        2 => "2024-02-30T25:61:61.000Z".into(),
        3 => "2023-11-14T22:13:20.123Z".into(),
        4 => "\u{0}\u{1f}\"\\/\u{7f}".into(),
        5 => "é用户😀\u{200b}\u{fffd}".into(),
        6 => "x".repeat(rng.below(1500) as usize),
        7 => "<script>alert(1)</script>".into(),
        8 => "\u{d7ff}\u{e000}\u{10ffff}".into(),
        _ => {
            let len = rng.below(24) as usize;
            (0..len)
                .map(|_| char::from_u32(rng.below(0x250) as u32).unwrap_or('?'))
                .collect()
        }
    }
}

fn random_number(rng: &mut Rng) -> Value {
    match rng.below(10) {
        0 => json!(0),
        1 => json!(-1),
        2 => json!(i64::MIN),
        3 => json!(i64::MAX),
        4 => json!(u64::MAX),
        5 => json!(1e308),
        6 => json!(-0.0),
        7 => json!(0.5),
        8 => json!(f64::MIN_POSITIVE),
        _ => json!(rng.next() as i64 >> rng.below(60)),
    }
}

fn random_value(rng: &mut Rng, depth: u32) -> Value {
    let leaf = depth == 0 || rng.chance(60);
    match (leaf, rng.below(6)) {
        (_, 0) => Value::Null,
        (_, 1) => Value::Bool(rng.chance(50)),
        (_, 2) => random_number(rng),
        (true, _) => Value::String(random_string(rng)),
        (false, 3) | (false, 4) => {
            let n = rng.below(5);
            Value::Array((0..n).map(|_| random_value(rng, depth - 1)).collect())
        }
        (false, _) => {
            let n = rng.below(5);
            let mut m = Map::new();
            for _ in 0..n {
                m.insert(random_string(rng), random_value(rng, depth - 1));
            }
            Value::Object(m)
        }
    }
}

fn of_kind(rng: &mut Rng, kind: K, depth: u32) -> Value {
    // 15%: anything at all instead.
    if rng.chance(15) {
        return random_value(rng, depth.min(3));
    }
    match kind {
        K::Str => Value::String(random_string(rng)),
        K::Bool => Value::Bool(rng.chance(50)),
        K::Int | K::Num => random_number(rng),
        K::Date => Value::String(
            (*rng.pick(&[
                "2023-11-14T22:13:20.123Z",
                "2023-11-14T22:13:20Z",
                "2023-11-14T22:13:20+05:30",
                "2023-11-14",
                "1970-01-01T00:00:00.000Z",
                "9999-12-31T23:59:59.999Z",
                "not a date",
                "",
            ]))
            .to_owned(),
        ),
        K::Obj => random_value(rng, depth.min(3)),
        K::StrArr => Value::Array(
            (0..rng.below(4))
                .map(|_| Value::String(random_string(rng)))
                .collect(),
        ),
        K::Enum(known) => {
            if rng.chance(80) {
                Value::String((*rng.pick(known)).to_owned())
            } else {
                Value::String(random_string(rng))
            }
        }
        K::Shape(fields) => shaped(rng, fields, depth.saturating_sub(1)),
        K::ShapeArr(fields) => Value::Array(
            (0..rng.below(3))
                .map(|_| shaped(rng, fields, depth.saturating_sub(1)))
                .collect(),
        ),
    }
}

fn shaped(rng: &mut Rng, fields: &[(&str, K)], depth: u32) -> Value {
    let mut m = Map::new();
    for (name, kind) in fields {
        if rng.chance(75) {
            m.insert((*name).to_owned(), of_kind(rng, *kind, depth));
        }
    }
    // Fields Auth0 added after this crate was built.
    for _ in 0..rng.below(3) {
        m.insert(
            format!("new_field_{}", rng.below(1000)),
            random_value(rng, 2),
        );
    }
    Value::Object(m)
}

fn list(rng: &mut Rng, fields: &[(&str, K)], key: &str) -> Value {
    let items: Vec<Value> = (0..rng.below(4)).map(|_| shaped(rng, fields, 3)).collect();
    match rng.below(4) {
        0 => Value::Array(items),
        1 => {
            json!({"start": random_number(rng), "limit": 50, "length": items.len(), "total": random_number(rng), key: items})
        }
        2 => json!({"next": random_string(rng), key: items}),
        _ => {
            let mut v = json!({"start": 0, "limit": 50, "total": 2});
            v[key] = random_value(rng, 2);
            v
        }
    }
}

/// Decodes `value` and its bytes (whole, truncated, mutated) as `T`; maps each failure through
/// the crate's error conversion and checks the result.
fn feed<T: DeserializeOwned + Serialize>(rng: &mut Rng, value: &Value, stats: &mut Stats) {
    match serde_json::from_value::<T>(value.clone()) {
        Ok(t) => {
            stats.ok += 1;
            // What decoded serializes back.
            serde_json::to_vec(&t).expect("a decoded value serializes");
        }
        Err(_) => stats.err += 1,
    }
    let bytes = serde_json::to_vec(value).unwrap();
    let variants = [
        bytes.clone(),
        bytes[..rng.below(bytes.len() as u64 + 1) as usize].to_vec(),
        mutate(rng, &bytes),
    ];
    for b in variants {
        match serde_json::from_slice::<T>(&b) {
            Ok(_) => stats.ok += 1,
            Err(e) => {
                stats.err += 1;
                check_decode_error(b, e);
            }
        }
    }
}

fn mutate(rng: &mut Rng, bytes: &[u8]) -> Vec<u8> {
    let mut b = bytes.to_vec();
    for _ in 0..=rng.below(4) {
        if b.is_empty() {
            b.push(rng.next() as u8);
            continue;
        }
        let i = rng.below(b.len() as u64) as usize;
        match rng.below(4) {
            0 => b[i] = rng.next() as u8,
            1 => {
                b.remove(i);
            }
            2 => b.insert(i, *rng.pick(b"{}[]\",:\\0e-.")),
            _ => b.truncate(i),
        }
    }
    b
}

/// An undecodable body, as the generated client reports it, through `Error::from`.
fn check_decode_error(bytes: Vec<u8>, e: serde_json::Error) {
    let err = Error::from(
        progenitor_client::Error::<types::ApiError>::InvalidResponsePayload(bytes.into(), e),
    );
    match &err {
        Error::Decode { message, snippet } => {
            assert!(!message.is_empty());
            assert!(snippet.chars().count() <= 202, "{snippet:?}");
        }
        other => panic!("{other:?}"),
    }
    let _ = (err.to_string(), format!("{err:?}"));
}

/// An error body that decoded as the shared error schema, with random status and headers.
fn check_error_response(rng: &mut Rng, value: &Value) {
    let Ok(body) = serde_json::from_value::<types::ApiError>(value.clone()) else {
        return;
    };
    let status = reqwest::StatusCode::from_u16(400 + rng.below(200) as u16).unwrap();
    let mut headers = reqwest::header::HeaderMap::new();
    for name in [
        "retry-after",
        "x-ratelimit-limit",
        "x-ratelimit-remaining",
        "x-ratelimit-reset",
    ] {
        if rng.chance(50) {
            let v = match rng.below(5) {
                0 => random_string(rng),
                1 => u64::MAX.to_string(),
                2 => "Wed, 21 Oct 2015 07:28:00 GMT".to_owned(),
                3 => "-5".to_owned(),
                _ => rng.below(100_000).to_string(),
            };
            if let Ok(v) = reqwest::header::HeaderValue::from_str(&v) {
                headers.insert(name, v);
            }
        }
    }
    let err = Error::from(progenitor_client::Error::ErrorResponse(
        progenitor_client::ResponseValue::new(body, status, headers),
    ));
    assert_eq!(err.status(), Some(status.as_u16()));
    match &err {
        Error::RateLimited { .. } => assert_eq!(status.as_u16(), 429),
        Error::Api { .. } => assert_ne!(status.as_u16(), 429),
        other => panic!("{other:?}"),
    }
    let _ = (err.to_string(), format!("{err:?}"), err.rate_limit());
}

#[derive(Default, Debug)]
struct Stats {
    ok: u64,
    err: u64,
}

fn seed() -> u64 {
    std::env::var("AUTH0_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5EED_A070_0001)
        | 1
}

fn cases() -> u64 {
    std::env::var("AUTH0_FUZZ_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(250)
}

#[test]
fn response_shapes_and_garbage_never_panic() {
    let mut rng = Rng(seed());
    let mut stats = Stats::default();
    for _ in 0..cases() {
        let v = shaped(&mut rng, USER, 3);
        feed::<types::UserResponseSchema>(&mut rng, &v, &mut stats);
        let v = shaped(&mut rng, CLIENT, 3);
        feed::<types::Client>(&mut rng, &v, &mut stats);
        let v = shaped(&mut rng, CONNECTION, 3);
        feed::<types::GetConnectionResponseContent>(&mut rng, &v, &mut stats);
        feed::<types::ConnectionForList>(&mut rng, &v, &mut stats);
        let v = shaped(&mut rng, LOG, 3);
        feed::<types::Log>(&mut rng, &v, &mut stats);
        let v = shaped(&mut rng, RULE, 3);
        feed::<types::Rule>(&mut rng, &v, &mut stats);

        let v = list(&mut rng, USER, "users");
        feed::<types::ListUsersResponseContent>(&mut rng, &v, &mut stats);
        let v = list(&mut rng, CLIENT, "clients");
        feed::<types::GetClientsResponse>(&mut rng, &v, &mut stats);
        let v = list(&mut rng, CONNECTION, "connections");
        feed::<types::ListConnectionsResponseContent>(&mut rng, &v, &mut stats);
        let v = list(&mut rng, LOG, "logs");
        feed::<types::ListLogResponseContent>(&mut rng, &v, &mut stats);
        let v = list(&mut rng, RULE, "rules");
        feed::<types::ListRulesResponseContent>(&mut rng, &v, &mut stats);

        let v = shaped(&mut rng, API_ERROR, 2);
        feed::<types::ApiError>(&mut rng, &v, &mut stats);
        check_error_response(&mut rng, &v);

        // Anything at all, and raw bytes.
        let v = random_value(&mut rng, 5);
        feed::<types::UserResponseSchema>(&mut rng, &v, &mut stats);
        feed::<types::ListUsersResponseContent>(&mut rng, &v, &mut stats);
        let raw: Vec<u8> = (0..rng.below(300)).map(|_| rng.next() as u8).collect();
        if let Err(e) = serde_json::from_slice::<types::Log>(&raw) {
            check_decode_error(raw, e);
        }
    }
    // Both outcomes were exercised: the shapes are close enough to decode, and wrong enough to
    // fail.
    assert!(stats.ok > cases(), "{stats:?}");
    assert!(stats.err > cases(), "{stats:?}");
}

#[test]
fn well_formed_shapes_decode() {
    // The generator's shapes with the right kinds decode: the fuzz above is not testing only the
    // error paths. Known enum values, valid dates, no garbage.
    let user = json!({
        "user_id": "auth0|1", "email": "a@example.com", "email_verified": true,
        "created_at": "2023-11-14T22:13:20.123Z", "identities": [{"connection": "c", "user_id": "1", "provider": "auth0", "isSocial": false}],
        "app_metadata": {"plan": "pro"}, "logins_count": 3, "multifactor": ["guardian"], "brand_new": {"x": 1}
    });
    serde_json::from_value::<types::UserResponseSchema>(user.clone()).unwrap();
    serde_json::from_value::<types::ListUsersResponseContent>(json!([user.clone()])).unwrap();
    serde_json::from_value::<types::ListUsersResponseContent>(
        json!({"start": 0, "limit": 50, "length": 1, "total": 1, "users": [user]}),
    )
    .unwrap();
    serde_json::from_value::<types::Client>(json!({
        "client_id": "abc", "name": "app", "app_type": "a_type_from_the_future",
        "jwt_configuration": {"alg": "RS256", "lifetime_in_seconds": 36000}, "callbacks": ["https://x"]
    }))
    .unwrap();
    serde_json::from_value::<types::Log>(json!({
        "date": "2023-11-14T22:13:20.123Z", "type": "a_new_log_type", "log_id": "900",
        "location_info": {"latitude": 1.5, "country_code": "NZ"}
    }))
    .unwrap();
}

#[test]
fn secrets_never_reach_a_decode_snippet() {
    let mut rng = Rng(seed() ^ 0xDEAD_BEEF);
    let keys = [
        "client_secret",
        "clientSecret",
        "access_token",
        "refresh_token",
        "password",
        "smtp_pass",
        "api_key",
        "secretAccessKey",
        "private_key",
    ];
    for i in 0..cases() * 5 {
        let marker = format!("SECRETVALUE{i:06}x");
        let mut v = shaped(&mut rng, CLIENT, 2);
        let key = *rng.pick(&keys);
        let target = if rng.chance(50) {
            &mut v
        } else {
            v.as_object_mut()
                .unwrap()
                .entry("nested")
                .or_insert_with(|| json!({}))
        };
        if let Some(obj) = target.as_object_mut() {
            obj.insert(key.to_owned(), Value::String(marker.clone()));
        }
        // Force a decode failure somewhere, then cut anywhere: the snippet may start or end
        // mid-body, never show the value.
        v["client_id"] = json!(rng.next() as i64);
        let bytes = serde_json::to_vec(&v).unwrap();
        let cut = bytes.len() - rng.below(bytes.len() as u64 / 2) as usize;
        let body = bytes[..cut].to_vec();
        let Err(e) = serde_json::from_slice::<types::Client>(&body) else {
            continue;
        };
        let err = Error::from(
            progenitor_client::Error::<types::ApiError>::InvalidResponsePayload(body.into(), e),
        );
        let text = format!("{err} {err:?}");
        assert!(!text.contains(&marker), "{key}: {text}");
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    for depth in [200usize, 10_000, 100_000] {
        let body = format!("{}{}", "[".repeat(depth), "]".repeat(depth)).into_bytes();
        let e = serde_json::from_slice::<types::ListUsersResponseContent>(&body).unwrap_err();
        check_decode_error(body.clone(), e);
        let mut obj = "{\"user_metadata\":".repeat(depth).into_bytes();
        obj.extend_from_slice(b"1");
        obj.extend(std::iter::repeat_n(b'}', depth));
        let e = serde_json::from_slice::<types::UserResponseSchema>(&obj).unwrap_err();
        check_decode_error(obj, e);
    }
}
