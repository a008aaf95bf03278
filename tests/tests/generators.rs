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
