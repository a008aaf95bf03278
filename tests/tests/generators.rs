//! Unit tests of the contract tests' own machinery: value generation, patterns, schema rewriting.
//! (Here rather than beside the code so that the library, with its large generated `calls.rs`,
//! compiles once.)

use contract_tests::openapi::to_json_schema;
use contract_tests::pattern::matching;
use contract_tests::values::{Generator, UNKNOWN_FIELD, UNKNOWN_VALUE, Variant};
use serde_json::{Value, json};

#[test]
fn spec_patterns() {
    for (p, min, max) in [
        ("grp_[1-9a-km-zA-HJ-NP-Z]{14,22}", 0, 100),
        ("^#(([0-9a-fA-F]{3}){1,2}|([0-9a-fA-F]{4}){1,2})$", 0, 100),
        ("^\\+[0-9]{1,15}$", 0, 100),
        ("^(?!.*\\x00)\\S(.*\\S)?$", 5, 10),
        ("^(?:(?!org_))[a-z0-9]([a-z0-9-_]*[a-z0-9])?$", 3, 50),
        ("^\\+[0-9]{8, 20}", 0, 100),
        (
            "^(?!-)(?!.*--)(?:[a-zA-Z0-9-]|{org_id}|{org_name})*$",
            1,
            100,
        ),
        ("^[^<>]+$", 1, 10),
        ("^([A-Za-z0-9+/]){86}==$", 0, 100),
    ] {
        let s = matching(p, min, max).unwrap_or_else(|| panic!("{p}"));
        assert!(
            regress::Regex::new(p).unwrap().find(&s).is_some(),
            "{p}: {s}"
        );
    }
}

fn spec() -> Value {
    json!({"components": {"schemas": {
        "Node": {"type": "object", "required": ["name"], "properties": {
            "name": {"type": "string", "minLength": 3, "maxLength": 4},
            "child": {"$ref": "#/components/schemas/Node"},
            "kind": {"type": "string", "x-known-values": ["a", "b"]},
            "when": {"type": "string", "format": "date-time"},
            "n": {"type": "integer", "minimum": 5, "maximum": 9},
            "maybe": {"type": "string", "nullable": true}
        }}
    }}})
}

#[test]
fn variants() {
    let spec = spec();
    let node = json!({"$ref": "#/components/schemas/Node"});
    let full = Generator::new(&spec, Variant::FULL).value(&node).unwrap();
    assert_eq!(full["name"], "valu");
    assert_eq!(full["kind"], "a");
    assert_eq!(full["n"], 5);
    assert_eq!(full["when"], "2024-01-01T03:04:05Z");
    assert!(
        full["child"]["child"].is_object(),
        "recursion is bounded, not cut at once"
    );
    let min = Generator::new(&spec, Variant::MINIMAL)
        .value(&node)
        .unwrap();
    assert_eq!(min, json!({"name": "valu"}));
    let extra = Generator::new(&spec, Variant::EXTRA).value(&node).unwrap();
    assert_eq!(extra["kind"], UNKNOWN_VALUE);
    assert!(extra.get(UNKNOWN_FIELD).is_some());
}

#[test]
fn nullable_becomes_a_type_array() {
    let s = json!({"type": "object", "properties": {
        "a": {"type": "string", "nullable": true, "enum": ["x"]},
        "b": {"$ref": "#/components/schemas/B", "nullable": true},
        "nullable": {"type": "boolean"}
    }});
    let out = to_json_schema(&s, "urn:spec");
    assert_eq!(
        out["properties"]["a"],
        json!({"type": ["string", "null"], "enum": ["x", null]})
    );
    assert_eq!(
        out["properties"]["b"],
        json!({"anyOf": [{"type": "null"}, {"$ref": "urn:spec#/components/schemas/B"}]})
    );
    assert_eq!(out["properties"]["nullable"], json!({"type": "boolean"}));
}

/// Every `pattern` in the spec, with its length limits, gets a value (from the generator or the
/// known-good table).
#[test]
fn every_spec_pattern_is_satisfiable() {
    fn walk(v: &Value, out: &mut Vec<(String, usize, usize)>) {
        match v {
            Value::Object(m) => {
                if let Some(Value::String(p)) = m.get("pattern") {
                    let min = m.get("minLength").and_then(Value::as_u64).unwrap_or(0) as usize;
                    let max = m
                        .get("maxLength")
                        .and_then(Value::as_u64)
                        .map_or(usize::MAX, |n| n as usize);
                    out.push((p.clone(), min, max));
                }
                m.values().for_each(|c| walk(c, out));
            }
            Value::Array(a) => a.iter().for_each(|c| walk(c, out)),
            _ => {}
        }
    }
    let spec: Value = serde_json::from_str(contract_tests::openapi::SPEC).unwrap();
    let mut found = vec![];
    walk(&spec, &mut found);
    assert!(found.len() > 100, "{}", found.len());
    let failing: Vec<_> = found
        .iter()
        .filter(|(p, min, max)| matching(p, *min, *max).is_none())
        .collect();
    assert!(failing.is_empty(), "no value for: {failing:#?}");
}

// The driver itself: a request of the wrong shape, from the generated client or from a seed
// method, is reported; so is drift of a handwritten type.

mod driver_catches {
    use auth0_management_api::{Client, ClientInfo as _};
    use contract_tests::calls;
    use contract_tests::driver::{CallFuture, Ctx, NOTE, Rules, check_operation, untagged};
    use contract_tests::openapi::{self, Operation};
    use contract_tests::outcome::Outcome;
    use contract_tests::param_types::{self, Place, drift, schema_of};
    use contract_tests::seed::{self, Args, Seed, SeedFuture};
    use serde_json::{Value, json};

    fn operation(ctx: &Ctx, id: &str) -> Operation {
        openapi::operations(&ctx.spec)
            .into_iter()
            .find(|o| o.id == id)
            .unwrap_or_else(|| panic!("{id} is in the spec"))
    }

    fn generated(ctx: &Ctx) -> Client {
        Client::new_with_client(
            &ctx.server.base_url(),
            reqwest::Client::new(),
            auth0_management_api::hooks::Inner::default(),
        )
    }

    /// The problems, less the spec notes.
    fn real(problems: Vec<String>) -> Vec<String> {
        problems
            .into_iter()
            .filter(|p| !untagged(p).starts_with(NOTE))
            .collect()
    }

    fn has(problems: &[String], text: &str) -> bool {
        problems.iter().any(|p| p.contains(text))
    }

    /// Renames `from` to `to` in the object at `at` of `v` (when it is there: variant B has
    /// required fields only).
    fn rename(v: &mut Value, at: &str, from: &str, to: &str) {
        let target = if at.is_empty() {
            v
        } else {
            v.pointer_mut(at).expect("the object to rename in")
        };
        let m = target.as_object_mut().expect("an object");
        if let Some(x) = m.remove(from) {
            m.insert(to.into(), x);
        }
    }

    /// The generated client, with the fixture (the JSON arguments) changed by `edit` first.
    fn generated_caller(
        client: Client,
        id: &'static str,
        edit: fn(&mut Value),
    ) -> impl Fn(Value) -> CallFuture + Sync {
        move |mut args| {
            edit(&mut args);
            let client = client.clone();
            Box::pin(async move { calls::call(&client, id, &args).await })
        }
    }

    /// A client that sends the body of the arguments with `edit` applied, by hand: what a
    /// client with a wrong field name would send.
    fn raw_body_caller(
        client: Client,
        path: &'static str,
        status: u16,
        edit: fn(&mut Value),
    ) -> impl Fn(Value) -> CallFuture + Sync {
        move |args| {
            let mut body = args["body"].clone();
            edit(&mut body);
            let client = client.clone();
            Box::pin(async move {
                let url = format!("{}{path}", client.baseurl());
                match client.client().post(url).json(&body).send().await {
                    Ok(r) if r.status().as_u16() == status => Outcome::Success {
                        status,
                        body: Value::Null,
                        raw: None,
                    },
                    Ok(r) => Outcome::UnexpectedStatus {
                        status: r.status().as_u16(),
                    },
                    Err(e) => Outcome::Client(e.to_string()),
                }
            })
        }
    }

    #[tokio::test]
    async fn a_renamed_body_field_or_query_parameter_of_the_generated_client() {
        let ctx = Ctx::start().await;
        let post_rules = operation(&ctx, "post_rules");
        let get_users = operation(&ctx, "get_users");
        let client = generated(&ctx);
        let rules = Rules::GENERATED;

        // Controls: the fixtures as built pass.
        let good = generated_caller(client.clone(), "post_rules", |_| {});
        let p = real(check_operation(&ctx, &post_rules, &rules, &good).await);
        assert!(p.is_empty(), "{p:#?}");
        let good = generated_caller(client.clone(), "get_users", |_| {});
        let p = real(check_operation(&ctx, &get_users, &rules, &good).await);
        assert!(p.is_empty(), "{p:#?}");

        // A renamed optional body field in the fixture: the client drops the unknown name, and
        // the body no longer carries the data the spec-built arguments have.
        let renamed = generated_caller(client.clone(), "post_rules", |a| {
            rename(a, "/body", "enabled", "enabeld")
        });
        let p = real(check_operation(&ctx, &post_rules, &rules, &renamed).await);
        assert!(
            has(
                &p,
                "[A] body: not the data of the body argument: $/enabled: in the expected data, missing"
            ),
            "{p:#?}"
        );

        // A renamed required body field in the fixture: the arguments no longer decode.
        let renamed = generated_caller(client.clone(), "post_rules", |a| {
            rename(a, "/body", "script", "scirpt")
        });
        let p = real(check_operation(&ctx, &post_rules, &rules, &renamed).await);
        assert!(has(&p, "request: none reached the server"), "{p:#?}");

        // A renamed query parameter in the fixture: the server does not see it.
        let renamed =
            generated_caller(client.clone(), "get_users", |a| rename(a, "", "q", "query"));
        let p = real(check_operation(&ctx, &get_users, &rules, &renamed).await);
        assert!(has(&p, "[A] query: sent"), "{p:#?}");
        assert!(
            !has(&p, "[B] query"),
            "B has no optional parameters: {p:#?}"
        );

        // A client that sends a renamed field: the schema does not declare it (optional
        // field), or the body does not validate (required field).
        let wrong = raw_body_caller(client.clone(), "/rules", 201, |b| {
            rename(b, "", "enabled", "enabeld")
        });
        let p = real(check_operation(&ctx, &post_rules, &rules, &wrong).await);
        assert!(
            has(
                &p,
                "[A] body: properties the request schema does not declare: $/enabeld"
            ),
            "{p:#?}"
        );
        let wrong = raw_body_caller(client, "/rules", 201, |b| rename(b, "", "name", "nmae"));
        let p = real(check_operation(&ctx, &post_rules, &rules, &wrong).await);
        assert!(
            has(&p, "[B] body: does not validate against the request schema"),
            "{p:#?}"
        );
        assert!(
            has(
                &p,
                "[B] body: properties the request schema does not declare: $/nmae"
            ),
            "{p:#?}"
        );
    }

    async fn run_seed(ctx: &Ctx, s: &Seed) -> Vec<String> {
        let op = operation(ctx, s.operation);
        let client = seed::client(&ctx.server.base_url());
        let rules = Rules {
            prefix: "/api/v2",
            free: s.free,
            check_data: true,
        };
        let caller = seed::caller(client, s, op.success.status);
        real(check_operation(ctx, &op, &rules, &caller).await)
    }

    fn listed(method: &str) -> &'static Seed {
        seed::SEEDS
            .iter()
            .find(|s| s.method == method)
            .unwrap_or_else(|| panic!("{method} is in SEEDS"))
    }

    /// Sends `GET {api}/rules` with `query` by hand, through the ManagementClient's own HTTP
    /// client: what a method with a wrong query name would send.
    fn raw_get(c: &auth0_management::ManagementClient, query: Vec<(String, String)>) -> SeedFuture {
        let url = format!("{}/rules", c.api().baseurl());
        let http = c.api().client().clone();
        Box::pin(async move {
            let r = http.get(url).query(&query).send().await;
            Ok(r.map(|_| json!([])).unwrap_or(Value::Null))
        })
    }

    #[tokio::test]
    async fn a_wrong_request_or_result_of_a_seed_method() {
        let ctx = Ctx::start().await;

        // Controls.
        for m in [
            "client.get_rules(params).first_page()",
            "client.update_rule(id, &data)",
            "client.get_rule(id)",
        ] {
            let p = run_seed(&ctx, listed(m)).await;
            assert!(p.is_empty(), "{m}: {p:#?}");
        }

        // A method that sends a value other than the one it was given.
        let wrong_value = Seed {
            method: "get_rules, enabled negated",
            operation: "get_rules",
            free: &["page", "per_page", "include_totals"],
            call: |c, a: Args| {
                Box::pin(async move {
                    let mut p = auth0_management::managers::rules::GetRulesParams::new();
                    if let Some(v) = a.bool("enabled") {
                        p = p.enabled(!v);
                    }
                    c.get_rules(p)
                        .first_page()
                        .await
                        .map(|p| serde_json::to_value(p.items).unwrap())
                })
            },
        };
        let p = run_seed(&ctx, &wrong_value).await;
        assert!(
            has(&p, "[A] query: sent [(\"enabled\", \"false\")]"),
            "{p:#?}"
        );

        // A method that sends a wrong query name (`enable` for `enabled`), or a paging
        // parameter the operation does not have.
        let wrong_name = Seed {
            method: "get_rules, enabled misnamed",
            operation: "get_rules",
            free: &["page", "per_page", "include_totals"],
            call: |c, a: Args| {
                let q = a
                    .bool("enabled")
                    .map(|v| ("enable".to_string(), v.to_string()))
                    .into_iter()
                    .collect();
                raw_get(&c, q)
            },
        };
        let p = run_seed(&ctx, &wrong_name).await;
        assert!(
            has(
                &p,
                "[A] query: sent [(\"enable\", \"true\")], expected [(\"enabled\""
            ),
            "{p:#?}"
        );
        let wrong_paging = Seed {
            method: "get_rules, per_page misnamed",
            operation: "get_rules",
            free: &["page", "per_page", "include_totals", "take"],
            call: |c, _a| raw_get(&c, vec![("take".into(), "5".into())]),
        };
        let p = run_seed(&ctx, &wrong_paging).await;
        assert!(
            has(&p, "query: take is not a parameter of the operation"),
            "{p:#?}"
        );

        // A method that sends a body field under another name.
        let wrong_body = Seed {
            method: "update_rule, body field renamed",
            operation: "patch_rules_by_id",
            free: &[],
            call: |c, a: Args| {
                let url = format!(
                    "{}/rules/{}",
                    c.api().baseurl(),
                    percent_encoding::utf8_percent_encode(
                        &a.path("id"),
                        percent_encoding::NON_ALPHANUMERIC
                    )
                );
                let http = c.api().client().clone();
                let mut body = a.0["body"].clone();
                if let Some(m) = body.as_object_mut()
                    && let Some(v) = m.remove("enabled")
                {
                    m.insert("is_enabled".into(), v);
                }
                Box::pin(async move {
                    let r = http.patch(url).json(&body).send().await;
                    Ok(r.map(|_| json!({})).unwrap_or(Value::Null))
                })
            },
        };
        let p = run_seed(&ctx, &wrong_body).await;
        assert!(
            has(
                &p,
                "[A] body: properties the request schema does not declare: $/is_enabled"
            ),
            "{p:#?}"
        );

        // A method that returns other data than the server sent.
        let wrong_data = Seed {
            method: "get_rule, result changed",
            operation: "get_rules_by_id",
            free: &["fields", "include_fields"],
            call: |c, a: Args| {
                Box::pin(async move {
                    let mut rule = c.get_rule(&a.path("id")).await?;
                    rule.name = Some("not what the server sent".into());
                    Ok(serde_json::to_value(rule).unwrap())
                })
            },
        };
        let p = run_seed(&ctx, &wrong_data).await;
        assert!(
            has(
                &p,
                "[A] data: what the call returned is not what the server sent: $/name"
            ),
            "{p:#?}"
        );
    }

    #[test]
    fn a_drifted_handwritten_type() {
        let spec: Value = serde_json::from_str(openapi::SPEC).unwrap();
        let ops = openapi::operations(&spec);
        let op = |id: &str| ops.iter().find(|o| o.id == id).unwrap();

        // The real types: no drift.
        let p = param_types::all_drift(&spec);
        assert!(p.is_empty(), "{p:#?}");

        // A query struct with a renamed field and a field of the wrong type.
        #[derive(schemars::JsonSchema)]
        #[allow(dead_code)]
        struct DriftedUsersParams {
            per_pag: Option<u64>,
            include_fields: Option<String>,
            q: Option<String>,
        }
        let p = drift(
            &spec,
            "DriftedUsersParams",
            &schema_of::<DriftedUsersParams>(),
            op("get_users"),
            Place::Query,
            &[],
        );
        assert!(
            has(
                &p,
                "DriftedUsersParams.per_pag: not a query parameter of get_users"
            ),
            "{p:#?}"
        );
        assert!(
            has(
                &p,
                "DriftedUsersParams.include_fields (get_users query parameter include_fields): type [\"string\"], the spec says [\"boolean\"]"
            ),
            "{p:#?}"
        );
        assert_eq!(p.len(), 2, "{p:#?}");

        // A body builder that lacks a required field, or has it optional.
        #[derive(schemars::JsonSchema)]
        #[allow(dead_code)]
        struct NoConnection {
            email: Option<String>,
        }
        let p = drift(
            &spec,
            "NoConnection",
            &schema_of::<NoConnection>(),
            op("post_users"),
            Place::Body,
            &[],
        );
        assert_eq!(
            p,
            ["NoConnection: post_users requires body property connection: missing from the type"]
        );
        #[derive(schemars::JsonSchema)]
        #[allow(dead_code)]
        struct OptionalConnection {
            connection: Option<String>,
        }
        let p = drift(
            &spec,
            "OptionalConnection",
            &schema_of::<OptionalConnection>(),
            op("post_users"),
            Place::Body,
            &[],
        );
        assert_eq!(
            p,
            [
                "OptionalConnection: post_users requires body property connection: optional in the type"
            ]
        );

        // The scans the coverage checks rely on.
        let text = "impl UsersManager {\n    pub fn get(&self) {}\n}\n\
                    impl ManagementClient {\n    pub fn users(&self) -> UsersManager {\n    }\n\
                    \n    pub fn get_users(&self, params: P) -> Paginator<User> {\n    }\n\
                    \n    pub async fn update_user(\n        &self,\n        id: &str,\n    ) -> Result<User, Error> {\n    }\n\
                    \n    pub fn client_grants(\n        &self,\n    ) -> ClientGrantsManager {\n    }\n}\n";
        assert_eq!(seed::client_methods(text), ["get_users", "update_user"]);
        assert_eq!(
            param_types::pub_structs(
                "pub struct A {\n    pub struct_b: u8,\n}\n  pub struct B(());\nstruct C;"
            ),
            ["A", "B"]
        );
    }
}
