//! Makes the generator emit less code without changing what goes over the wire.
//!
//! Build time follows the number of generated types (about 30 ms each, in rustc's single-threaded
//! front end), so codegen, on its in-memory copy of the spec:
//! - merges structurally identical component schemas: the name the spec refers to most (then
//!   the shortest, then the first alphabetically) is generated, every other name becomes a
//!   `pub type` alias of it, so every schema name of the spec still names a Rust type;
//! - inlines schemas that are a bare string (the response enums that spec-sync opened, and plain
//!   string aliases): fields become `String` instead of a newtype with eight impls, and the name
//!   stays as `pub type Name = String`.
//!
//! The spec file itself is not changed, so contract tests still see Auth0's names.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

const REF_PREFIX: &str = "#/components/schemas/";

/// What was folded away: schema name -> the Rust type it is now an alias of.
#[derive(Debug, Default)]
pub struct Aliases {
    /// name -> canonical schema name
    pub merged: BTreeMap<String, String>,
    /// names of bare schemas and what they are now
    pub bare: Vec<(String, Bare)>,
}

/// What a bare schema becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bare {
    /// `String`
    String,
}

pub fn slim(spec: &mut Value) -> Aliases {
    let mut aliases = Aliases::default();
    inline_bare_strings(spec, &mut aliases);
    merge_identical(spec, &mut aliases);
    aliases
}

/// A schema that typify would turn into a newtype with nothing to check.
fn bare(s: &Value) -> Option<Bare> {
    let m = s.as_object()?;
    match m.get("type")?.as_str()? {
        "string" if m.keys().all(|k| k == "type" || k == "x-known-values") => Some(Bare::String),
        // Free-form objects stay named: inlined, typify would make them a non-optional map
        // that decodes a missing field as `{}`.
        _ => None,
    }
}

fn inline_bare_strings(spec: &mut Value, aliases: &mut Aliases) {
    let Some(schemas) = spec["components"]["schemas"].as_object_mut() else {
        return;
    };
    let kinds: BTreeMap<String, Bare> = schemas
        .iter()
        .filter_map(|(n, s)| Some((format!("{REF_PREFIX}{n}"), bare(s)?)))
        .collect();
    let bare: BTreeMap<String, Value> = kinds
        .keys()
        .map(|r| (r.clone(), schemas[r.trim_start_matches(REF_PREFIX)].clone()))
        .collect();
    schemas.retain(|n, _| !bare.contains_key(&format!("{REF_PREFIX}{n}")));
    fn walk(v: &mut Value, bare: &BTreeMap<String, Value>) {
        match v {
            Value::Object(m) => {
                if let Some(target) = m
                    .get("$ref")
                    .and_then(Value::as_str)
                    .and_then(|r| bare.get(r))
                {
                    let target = target.clone();
                    m.remove("$ref");
                    for (k, x) in target.as_object().into_iter().flatten() {
                        m.insert(k.clone(), x.clone());
                    }
                }
                m.values_mut().for_each(|x| walk(x, bare));
            }
            Value::Array(a) => a.iter_mut().for_each(|x| walk(x, bare)),
            _ => {}
        }
    }
    walk(spec, &bare);
    aliases.bare = kinds
        .into_iter()
        .map(|(r, k)| (r.trim_start_matches(REF_PREFIX).to_string(), k))
        .collect();
}

fn merge_identical(spec: &mut Value, aliases: &mut Aliases) {
    // The generated name is the one the spec uses most (`UserMetadata`, not `LogDetails`, for
    // the free-form object both name), then the shortest, then the first alphabetically.
    let mut uses: BTreeMap<String, usize> = BTreeMap::new();
    count_refs(spec, &mut uses);
    loop {
        let Some(schemas) = spec["components"]["schemas"].as_object() else {
            return;
        };
        let mut groups: BTreeMap<String, Vec<&String>> = BTreeMap::new();
        for (name, s) in schemas {
            groups.entry(canonical_json(s)).or_default().push(name);
        }
        let mut rename: BTreeMap<String, String> = BTreeMap::new();
        for names in groups.values().filter(|g| g.len() > 1) {
            let keep = names
                .iter()
                .min_by_key(|n| {
                    let used = uses.get(&format!("{REF_PREFIX}{n}")).copied().unwrap_or(0);
                    (std::cmp::Reverse(used), n.len(), n.as_str())
                })
                .expect("non-empty group");
            for n in names.iter().filter(|n| *n != keep) {
                rename.insert(format!("{REF_PREFIX}{n}"), format!("{REF_PREFIX}{keep}"));
            }
        }
        if rename.is_empty() {
            return;
        }
        if let Some(schemas) = spec["components"]["schemas"].as_object_mut() {
            schemas.retain(|n, _| !rename.contains_key(&format!("{REF_PREFIX}{n}")));
        }
        rewrite_refs(spec, &rename);
        let strip = |r: &String| r.trim_start_matches(REF_PREFIX).to_string();
        for target in aliases.merged.values_mut() {
            if let Some(next) = rename.get(&format!("{REF_PREFIX}{target}")) {
                *target = strip(next);
            }
        }
        for (from, to) in &rename {
            aliases.merged.insert(strip(from), strip(to));
        }
    }
}

fn count_refs(v: &Value, uses: &mut BTreeMap<String, usize>) {
    match v {
        Value::Object(m) => {
            if let Some(r) = m.get("$ref").and_then(Value::as_str) {
                *uses.entry(r.to_string()).or_default() += 1;
            }
            for (key, x) in m {
                match (key.as_str(), x) {
                    // The same response under several success statuses (spec-sync's sibling
                    // statuses) is one use, so that it does not change which name wins.
                    ("responses", Value::Object(responses)) => {
                        let distinct: BTreeMap<String, &Value> =
                            responses.values().map(|r| (canonical_json(r), r)).collect();
                        distinct.values().for_each(|r| count_refs(r, uses));
                    }
                    _ => count_refs(x, uses),
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|x| count_refs(x, uses)),
        _ => {}
    }
}

/// Object keys sorted, so that key order does not make two schemas differ.
fn canonical_json(v: &Value) -> String {
    fn sort(v: &Value) -> Value {
        match v {
            Value::Object(m) => {
                let mut keys: Vec<_> = m.keys().collect();
                keys.sort();
                let mut out = Map::new();
                for k in keys {
                    out.insert(k.clone(), sort(&m[k]));
                }
                Value::Object(out)
            }
            Value::Array(a) => Value::Array(a.iter().map(sort).collect()),
            other => other.clone(),
        }
    }
    serde_json::to_string(&sort(v)).expect("a Value always serializes")
}

fn rewrite_refs(v: &mut Value, rename: &BTreeMap<String, String>) {
    match v {
        // Also covers discriminator mappings, whose values are refs too.
        Value::String(s) => {
            if let Some(to) = rename.get(s.as_str()) {
                *s = to.clone();
            }
        }
        Value::Object(m) => m.values_mut().for_each(|x| rewrite_refs(x, rename)),
        Value::Array(a) => a.iter_mut().for_each(|x| rewrite_refs(x, rename)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn identical_schemas_merge_to_the_most_used_name_and_refs_follow() {
        let mut spec = json!({
            "paths": {"/a": {"get": {"responses": {"200": {"content": {"application/json":
                {"schema": {"$ref": "#/components/schemas/CreateThingResponse"}}}}}}}},
            "components": {"schemas": {
                "CreateThingResponse": {"type": "object", "properties": {"p": {"$ref": "#/components/schemas/PartB"}}},
                "GetThing": {"properties": {"p": {"$ref": "#/components/schemas/PartA"}}, "type": "object"},
                "PartA": {"type": "object", "properties": {"x": {"type": "integer"}}},
                "PartB": {"type": "object", "properties": {"x": {"type": "integer"}}},
                "Kind": {"type": "string", "x-known-values": ["a"]},
                "Holder": {"type": "object", "properties": {"k": {"$ref": "#/components/schemas/Kind"}}}
            }}
        });
        let aliases = slim(&mut spec);
        let schemas = spec["components"]["schemas"].as_object().unwrap();
        let names: Vec<_> = schemas.keys().cloned().collect();
        // CreateThingResponse is used by an operation, GetThing by nothing: the used name wins.
        // PartA and PartB are used once each: the alphabetical first wins.
        assert_eq!(names, ["CreateThingResponse", "PartA", "Holder"]);
        assert_eq!(aliases.merged["PartB"], "PartA");
        assert_eq!(aliases.merged["GetThing"], "CreateThingResponse");
        assert_eq!(
            schemas["CreateThingResponse"]["properties"]["p"]["$ref"],
            "#/components/schemas/PartA"
        );
        assert_eq!(aliases.bare, [("Kind".to_string(), Bare::String)]);
        assert_eq!(
            schemas["Holder"]["properties"]["k"],
            json!({"type": "string", "x-known-values": ["a"]})
        );
    }
}
