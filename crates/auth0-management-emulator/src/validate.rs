//! JSON Schema validation of request bodies (and, in debug builds, of the emulator's own
//! responses) against the bundled spec, with Auth0's wording for the first problem found.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, LazyLock, Mutex};

use jsonschema::error::{TypeKind, ValidationErrorKind};
use serde_json::{Value, json};

use crate::spec;

/// The base URI the spec's component schemas are registered under.
const BASE: &str = "urn:auth0-management-emulator:spec";
const DRAFT7: &str = "http://json-schema.org/draft-07/schema#";

struct Schemas {
    registry: jsonschema::Registry<'static>,
    /// Patterns the validator's regex engine cannot compile: left out of validation.
    unchecked: BTreeSet<String>,
    /// Compiled validators by a caller-chosen key (operation and direction).
    cache: Mutex<HashMap<String, Arc<jsonschema::Validator>>>,
}

fn compiles(pattern: &str) -> bool {
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft7)
        .build(&json!({"type": "string", "pattern": pattern}))
        .is_ok()
}

static SCHEMAS: LazyLock<Option<Schemas>> = LazyLock::new(|| {
    let mut unchecked = BTreeSet::new();
    let mut keep = |p: &str| {
        let ok = compiles(p);
        if !ok {
            unchecked.insert(p.to_string());
        }
        ok
    };
    let schemas: serde_json::Map<String, Value> = spec::spec()["components"]["schemas"]
        .as_object()?
        .iter()
        .map(|(k, v)| {
            let mut s = spec::to_json_schema(v, BASE);
            spec::retain_patterns(&mut s, &mut keep);
            // "Exactly one branch" is too strict for the spec's overlapping branches.
            spec::one_of_as_any_of(&mut s);
            (k.clone(), s)
        })
        .collect();
    let root = json!({"$schema": DRAFT7, "components": {"schemas": schemas}});
    let registry = jsonschema::Registry::new()
        .add(BASE, root)
        .ok()?
        .prepare()
        .ok()?;
    Some(Schemas {
        registry,
        unchecked,
        cache: Mutex::default(),
    })
});

fn validator(
    key: &str,
    schema: &Value,
    strict: bool,
) -> Result<Arc<jsonschema::Validator>, String> {
    let schemas = SCHEMAS
        .as_ref()
        .ok_or("the bundled spec's schemas do not compile")?;
    if let Some(v) = schemas.cache.lock().unwrap().get(key) {
        return Ok(Arc::clone(v));
    }
    let mut top = spec::resolve(spec::spec(), schema).clone();
    // Auth0 refuses unknown top-level properties of a request body ("Additional properties
    // not allowed"), where the spec leaves `additionalProperties` unsaid.
    if strict
        && top.get("properties").is_some()
        && top.get("additionalProperties").is_none()
        && let Value::Object(m) = &mut top
    {
        m.insert("additionalProperties".into(), json!(false));
    }
    let mut schema = spec::to_json_schema(&top, BASE);
    spec::retain_patterns(&mut schema, &mut |p| !schemas.unchecked.contains(p));
    spec::one_of_as_any_of(&mut schema);
    if let Value::Object(m) = &mut schema {
        m.insert("$schema".into(), json!(DRAFT7));
    }
    let v = Arc::new(
        jsonschema::options()
            .with_draft(jsonschema::Draft::Draft7)
            .should_validate_formats(true)
            .with_registry(&schemas.registry)
            .build(&schema)
            .map_err(|e| format!("schema {key} does not compile: {e}"))?,
    );
    schemas
        .cache
        .lock()
        .unwrap()
        .insert(key.to_string(), Arc::clone(&v));
    Ok(v)
}

/// One problem with a value: Auth0's wording and where it is (`a.b`, empty at the root).
#[derive(Debug)]
pub struct Problem {
    pub message: String,
    pub path: String,
}

impl Problem {
    /// `'<message>' on property <path>`, as Auth0 writes validation errors.
    pub fn describe(&self) -> String {
        if self.path.is_empty() {
            format!("'{}'", self.message)
        } else {
            format!("'{}' on property {}", self.message, self.path)
        }
    }
}

/// Validates `instance` against `schema` (an OpenAPI schema from the spec): the first problem,
/// or `Ok`. `Err(Err(..))` when the schema itself does not compile (a bug, not the client's).
/// `strict`: unknown top-level properties are a problem (request bodies, as Auth0 checks them).
/// `key` names the compiled validator in the cache: one per schema and `strict`.
pub fn check(
    key: &str,
    schema: &Value,
    instance: &Value,
    strict: bool,
) -> Result<(), Result<Problem, String>> {
    let v = validator(key, schema, strict).map_err(Err)?;
    let Some(e) = v.iter_errors(instance).next() else {
        return Ok(());
    };
    let path = e
        .instance_path()
        .to_string()
        .trim_start_matches('/')
        .replace('/', ".");
    Err(Ok(Problem {
        message: wording(e.kind(), e.instance(), &e.to_string()),
        path,
    }))
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn short(v: &Value) -> String {
    let s = match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    if s.chars().count() > 64 {
        format!("{}...", s.chars().take(64).collect::<String>())
    } else {
        s
    }
}

fn wording(kind: &ValidationErrorKind, instance: &Value, fallback: &str) -> String {
    let len = || instance.as_str().map_or(0, |s| s.chars().count());
    match kind {
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            format!(
                "Additional properties not allowed: {}",
                unexpected.join(",")
            )
        }
        ValidationErrorKind::Required { property } => {
            format!("Missing required property: {}", short(property))
        }
        ValidationErrorKind::Type { kind } => {
            let expected = match kind {
                TypeKind::Single(t) => t.to_string(),
                TypeKind::Multiple(set) => set
                    .iter()
                    .map(|t| t.to_string())
                    .collect::<Vec<_>>()
                    .join(","),
            };
            format!(
                "Expected type {expected} but found type {}",
                type_name(instance)
            )
        }
        ValidationErrorKind::Format { format } => format!(
            "Object didn't pass validation for format {format}: {}",
            short(instance)
        ),
        ValidationErrorKind::Enum { .. } => format!("No enum match for: {}", short(instance)),
        ValidationErrorKind::MaxLength { limit } => {
            format!("String is too long ({} chars), maximum {limit}", len())
        }
        ValidationErrorKind::MinLength { limit } => {
            format!("String is too short ({} chars), minimum {limit}", len())
        }
        ValidationErrorKind::Maximum { limit } => {
            format!("Value {} is greater than maximum {limit}", short(instance))
        }
        ValidationErrorKind::Minimum { limit } => {
            format!("Value {} is less than minimum {limit}", short(instance))
        }
        ValidationErrorKind::MaxItems { limit } => format!(
            "Array is too long ({}), maximum {limit}",
            instance.as_array().map_or(0, Vec::len)
        ),
        ValidationErrorKind::MinItems { limit } => format!(
            "Array is too short ({}), minimum {limit}",
            instance.as_array().map_or(0, Vec::len)
        ),
        ValidationErrorKind::Pattern { pattern } => format!(
            "String does not match pattern {pattern}: {}",
            short(instance)
        ),
        ValidationErrorKind::AnyOf { .. } | ValidationErrorKind::OneOfNotValid { .. } => {
            "Data does not match any schemas from 'oneOf'".to_string()
        }
        _ => fallback.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body_schema(method: &str, path: &str) -> (&'static str, Value) {
        let (op, _) = spec::find(method, path).unwrap();
        (&op.id, op.body.as_ref().unwrap().1.clone())
    }

    #[test]
    fn auth0_wording() {
        let (id, s) = body_schema("POST", "/rules");
        let p = check(id, &s, &json!({"name": "r"}), true)
            .unwrap_err()
            .unwrap();
        assert_eq!(p.describe(), "'Missing required property: script'");
        let p = check(id, &s, &json!({"name": "r", "script": "s", "x": 1}), true)
            .unwrap_err()
            .unwrap();
        assert_eq!(p.message, "Additional properties not allowed: x");
        let p = check(id, &s, &json!({"name": "r", "script": 5}), true)
            .unwrap_err()
            .unwrap();
        assert_eq!(
            p.describe(),
            "'Expected type string but found type integer' on property script"
        );
        assert!(check(id, &s, &json!({"name": "r", "script": "s"}), true).is_ok());
        let (id, s) = body_schema("POST", "/users");
        let p = check(
            id,
            &s,
            &json!({"connection": "c", "email": "not an address"}),
            true,
        )
        .unwrap_err()
        .unwrap();
        assert!(p.message.contains("format email"), "{p:?}");
    }
}
