//! JSON values generated from the spec's (OpenAPI 3.0) schemas: deterministic, structural, with
//! bounded recursion.

use serde_json::{Map, Value, json};

use crate::pattern;

/// Which values to build.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Variant {
    /// Optional object properties present (else only the required ones).
    pub optional: bool,
    /// Unknown extra properties in every object, and unknown values for open (`x-known-values`)
    /// strings: what a newer server may send.
    pub unknown: bool,
    /// Which branch of `oneOf`/`anyOf`, enum value and bound to pick: 0 = first, 1 = last, 2 = middle.
    pub pick: usize,
}

impl Variant {
    /// A: every optional field present.
    pub const FULL: Variant = Variant {
        optional: true,
        unknown: false,
        pick: 0,
    };
    /// B: required fields only (nullable required ones `null`).
    pub const MINIMAL: Variant = Variant {
        optional: false,
        unknown: false,
        pick: 1,
    };
    /// C: A plus unknown fields and values.
    pub const EXTRA: Variant = Variant {
        optional: true,
        unknown: true,
        pick: 2,
    };
}

/// The name of the unknown property variant C adds to every object.
pub const UNKNOWN_FIELD: &str = "x_contract_test_unknown_field";
/// The value variant C gives open strings.
pub const UNKNOWN_VALUE: &str = "contract_test_unknown_value";

/// Past this depth, optional properties are left out and arrays are empty.
const OPTIONAL_DEPTH: usize = 5;
/// Past this depth, generation gives up (a required recursive field).
const MAX_DEPTH: usize = 24;

/// Builds values for one spec.
pub struct Generator<'s> {
    spec: &'s Value,
    variant: Variant,
    /// What could not be generated faithfully (optional fields left out, unsatisfiable
    /// patterns), as `path: reason`.
    pub notes: Vec<String>,
    /// Properties an object schema requires but does not declare (`required` names missing
    /// from `properties`), as paths: a value is generated for them, since the schema demands
    /// one, but a real server may well not send them.
    pub undeclared: Vec<String>,
}

impl<'s> Generator<'s> {
    pub fn new(spec: &'s Value, variant: Variant) -> Self {
        Self {
            spec,
            variant,
            notes: vec![],
            undeclared: vec![],
        }
    }

    /// Follows `$ref`s to the schema they name.
    pub fn resolve<'a>(&self, mut schema: &'a Value) -> &'a Value
    where
        's: 'a,
    {
        for _ in 0..32 {
            match schema.get("$ref").and_then(Value::as_str) {
                Some(r) => {
                    let pointer = r.strip_prefix('#').unwrap_or(r);
                    match self.spec.pointer(pointer) {
                        Some(s) => schema = s,
                        None => return schema,
                    }
                }
                None => return schema,
            }
        }
        schema
    }

    /// A value for `schema`, or `Err` when none could be built.
    pub fn value(&mut self, schema: &Value) -> Result<Value, String> {
        self.gen_value(schema, 0, 0, "$")
    }

    /// [`value`](Self::value), keeping the generator for its notes.
    pub fn value_with(mut self, schema: &Value) -> Result<(Value, Self), String> {
        let v = self.gen_value(schema, 0, 0, "$")?;
        Ok((v, self))
    }

    fn pick(&self, n: usize) -> usize {
        match self.variant.pick {
            0 => 0,
            1 => n.saturating_sub(1),
            _ => n / 2,
        }
    }

    fn gen_value(
        &mut self,
        schema: &Value,
        depth: usize,
        salt: usize,
        at: &str,
    ) -> Result<Value, String> {
        if depth > MAX_DEPTH {
            return Err(format!("{at}: recursion deeper than {MAX_DEPTH}"));
        }
        let schema = self.resolve(schema);
        let Some(obj) = schema.as_object() else {
            return Ok(json!("value")); // `true` / `{}`-like: anything
        };
        if let Some(values) = obj.get("enum").and_then(Value::as_array)
            && !values.is_empty()
        {
            let non_null: Vec<&Value> = values.iter().filter(|v| !v.is_null()).collect();
            if non_null.is_empty() {
                return Ok(Value::Null);
            }
            return Ok(non_null[self.pick(non_null.len())].clone());
        }
        if let Some(all) = obj.get("allOf").and_then(Value::as_array) {
            return self.all_of(obj, all, depth, salt, at);
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(branches) = obj.get(key).and_then(Value::as_array)
                && !branches.is_empty()
            {
                let first = self.pick(branches.len());
                let mut last_err = String::new();
                // The chosen branch first, then the others in order.
                let order =
                    std::iter::once(first).chain((0..branches.len()).filter(|i| *i != first));
                for i in order {
                    let notes = self.notes.len();
                    match self.gen_value(&branches[i], depth + 1, salt, &format!("{at}/{key}[{i}]"))
                    {
                        Ok(mut v) => {
                            // Sibling properties of a oneOf apply to every branch.
                            if obj.contains_key("properties")
                                && let Ok(Value::Object(extra)) = self.object(obj, depth, salt, at)
                                && let Value::Object(m) = &mut v
                            {
                                for (k, x) in extra {
                                    m.entry(k).or_insert(x);
                                }
                            }
                            return Ok(v);
                        }
                        Err(e) => {
                            self.notes.truncate(notes);
                            last_err = e;
                        }
                    }
                }
                return Err(last_err);
            }
        }
        let ty = obj.get("type").and_then(Value::as_str);
        match ty {
            Some("object") => self.object(obj, depth, salt, at),
            None if obj.contains_key("properties") || obj.contains_key("additionalProperties") => {
                self.object(obj, depth, salt, at)
            }
            Some("array") => self.array(obj, depth, at),
            Some("string") => self.string(obj, salt, at),
            Some("integer") => Ok(self.integer(obj, salt)),
            Some("number") => Ok(self.number(obj, salt)),
            Some("boolean") => Ok(Value::Bool(self.variant.pick != 1)),
            Some(other) => Err(format!("{at}: unknown type {other}")),
            None => Ok(json!("value")),
        }
    }

    fn all_of(
        &mut self,
        obj: &Map<String, Value>,
        all: &[Value],
        depth: usize,
        salt: usize,
        at: &str,
    ) -> Result<Value, String> {
        let mut merged = Map::new();
        for (i, branch) in all.iter().enumerate() {
            match self.gen_value(branch, depth + 1, salt, &format!("{at}/allOf[{i}]"))? {
                Value::Object(m) => {
                    for (k, v) in m {
                        merged.entry(k).or_insert(v);
                    }
                }
                other if all.len() == 1 && !obj.contains_key("properties") => return Ok(other),
                other => return Err(format!("{at}: allOf of a non-object ({other})")),
            }
        }
        if obj.contains_key("properties")
            && let Value::Object(m) = self.object(obj, depth, salt, at)?
        {
            for (k, v) in m {
                merged.entry(k).or_insert(v);
            }
        }
        Ok(Value::Object(merged))
    }

    fn object(
        &mut self,
        obj: &Map<String, Value>,
        depth: usize,
        salt: usize,
        at: &str,
    ) -> Result<Value, String> {
        let required: Vec<&str> = obj
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let mut out = Map::new();
        let empty = Map::new();
        let props = obj
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let min_props = obj
            .get("minProperties")
            .and_then(Value::as_u64)
            .unwrap_or(0) as usize;
        let max_props = obj
            .get("maxProperties")
            .and_then(Value::as_u64)
            .map_or(usize::MAX, |m| m as usize);
        // Required names the schema does not declare: any value satisfies the schema.
        for name in &required {
            if !props.contains_key(*name) {
                self.undeclared.push(format!("{at}.{name}"));
                let v = match obj.get("additionalProperties").filter(|a| a.is_object()) {
                    Some(s) => self.gen_value(s, depth + 1, salt, &format!("{at}.{name}"))?,
                    None => json!("value"),
                };
                out.insert(name.to_string(), v);
            }
        }
        let optional_budget = max_props.saturating_sub(required.len());
        let mut optional_taken = 0;
        for (name, prop) in props {
            let is_required = required.contains(&name.as_str());
            let here = format!("{at}.{name}");
            let wanted = (self.variant.optional && depth < OPTIONAL_DEPTH) || out.len() < min_props;
            if is_required {
                let resolved = self.resolve(prop);
                if !self.variant.optional && resolved.get("nullable") == Some(&Value::Bool(true)) {
                    out.insert(name.clone(), Value::Null);
                    continue;
                }
                out.insert(name.clone(), self.gen_value(prop, depth + 1, salt, &here)?);
            } else if wanted && optional_taken < optional_budget {
                let notes = self.notes.len();
                match self.gen_value(prop, depth + 1, salt, &here) {
                    Ok(v) => {
                        out.insert(name.clone(), v);
                        optional_taken += 1;
                    }
                    Err(e) => {
                        self.notes.truncate(notes);
                        self.notes.push(format!("optional field left out: {e}"));
                    }
                }
            }
        }
        let additional = obj.get("additionalProperties");
        let wants_entry = props.is_empty() && (self.variant.optional && depth < OPTIONAL_DEPTH);
        if let Some(extra_schema) = additional.filter(|a| a.is_object()) {
            let mut i = 0;
            while out.len() < min_props || (wants_entry && i == 0) {
                let v = self.gen_value(extra_schema, depth + 1, i, &format!("{at}.*"))?;
                out.insert(format!("key{i}"), v);
                i += 1;
            }
        } else {
            let mut i = 0;
            while out.len() < min_props
                || (wants_entry && i == 0 && additional == Some(&Value::Bool(true)))
            {
                out.insert(format!("key{i}"), json!(format!("value{i}")));
                i += 1;
            }
        }
        if self.variant.unknown {
            let v = match additional.filter(|a| a.is_object()) {
                Some(s) => self.gen_value(s, depth + 1, 7, &format!("{at}.{UNKNOWN_FIELD}"))?,
                None => json!({"nested": [1, "two", null], "flag": true}),
            };
            out.insert(UNKNOWN_FIELD.to_string(), v);
        }
        let _ = salt;
        Ok(Value::Object(out))
    }

    fn array(&mut self, obj: &Map<String, Value>, depth: usize, at: &str) -> Result<Value, String> {
        let min = obj.get("minItems").and_then(Value::as_u64).unwrap_or(0) as usize;
        let max = obj
            .get("maxItems")
            .and_then(Value::as_u64)
            .map_or(usize::MAX, |m| m as usize);
        let want = if self.variant.optional && depth < OPTIONAL_DEPTH {
            min.max(1)
        } else {
            min
        };
        let n = want.min(max);
        let items = obj.get("items").cloned().unwrap_or(json!({}));
        let mut out = Vec::with_capacity(n);
        for i in 0..n {
            out.push(self.gen_value(&items, depth + 1, i, &format!("{at}[{i}]"))?);
        }
        Ok(Value::Array(out))
    }

    fn string(&mut self, obj: &Map<String, Value>, salt: usize, at: &str) -> Result<Value, String> {
        let min = obj.get("minLength").and_then(Value::as_u64).unwrap_or(0) as usize;
        let max = obj
            .get("maxLength")
            .and_then(Value::as_u64)
            .map_or(usize::MAX, |m| m as usize);
        if let Some(known) = obj.get("x-known-values").and_then(Value::as_array)
            && !known.is_empty()
        {
            if self.variant.unknown && UNKNOWN_VALUE.len() <= max {
                return Ok(json!(UNKNOWN_VALUE));
            }
            return Ok(known[self.pick(known.len())].clone());
        }
        let format = obj.get("format").and_then(Value::as_str).unwrap_or("");
        if let Some(p) = obj.get("pattern").and_then(Value::as_str) {
            // A formatted value that also fits the pattern is best; else one from the pattern.
            if let Some(v) = formatted(format, salt)
                && fits(&v, min, max, Some(p))
            {
                return Ok(json!(v));
            }
            return match pattern::matching(p, min, max) {
                Some(v) => Ok(json!(v)),
                None => Err(format!(
                    "{at}: no value for pattern {p:?} (length {min}..{max})"
                )),
            };
        }
        if let Some(v) = formatted(format, salt)
            && fits(&v, min, max, None)
        {
            return Ok(json!(v));
        }
        let base = if salt == 0 {
            "value".to_string()
        } else {
            format!("value{salt}")
        };
        Ok(json!(fit_length(&base, min, max)))
    }

    fn integer(&self, obj: &Map<String, Value>, salt: usize) -> Value {
        let lo = bound(obj, "minimum", "exclusiveMinimum", 1.0).map(|v| v.ceil() as i64);
        let hi = bound(obj, "maximum", "exclusiveMaximum", -1.0).map(|v| v.floor() as i64);
        let mut v = match (self.variant.pick, lo, hi) {
            (1, _, Some(h)) => h,
            (_, Some(l), _) => l,
            (_, None, Some(h)) => h.min(1),
            _ => 1,
        };
        if let Some(h) = hi {
            v = v.min(h - (salt as i64).min(h - lo.unwrap_or(h)));
        } else {
            v += salt as i64;
        }
        if let Some(m) = obj
            .get("multipleOf")
            .and_then(Value::as_i64)
            .filter(|m| *m > 0)
        {
            v = (v + m - 1).div_euclid(m) * m;
        }
        json!(v)
    }

    fn number(&self, obj: &Map<String, Value>, salt: usize) -> Value {
        let lo = bound(obj, "minimum", "exclusiveMinimum", 0.5);
        let hi = bound(obj, "maximum", "exclusiveMaximum", -0.5);
        let v = match (self.variant.pick, lo, hi) {
            (1, _, Some(h)) => h,
            (_, Some(l), _) => l,
            (_, None, Some(h)) => h.min(1.5),
            _ => 1.5 + salt as f64,
        };
        json!(v)
    }
}

/// `minimum`/`maximum`, moved by `step` when the 3.0 boolean `exclusive*` is set (or the 3.1
/// numeric form).
fn bound(obj: &Map<String, Value>, key: &str, exclusive: &str, step: f64) -> Option<f64> {
    match (obj.get(key).and_then(Value::as_f64), obj.get(exclusive)) {
        (Some(v), Some(Value::Bool(true))) => Some(v + step),
        (Some(v), _) => Some(v),
        (None, Some(Value::Number(n))) => n.as_f64().map(|v| v + step),
        _ => None,
    }
}

fn fits(v: &str, min: usize, max: usize, pattern: Option<&str>) -> bool {
    let n = v.chars().count();
    n >= min
        && n <= max
        && pattern.is_none_or(|p| regress::Regex::new(p).is_ok_and(|re| re.find(v).is_some()))
}

fn fit_length(base: &str, min: usize, max: usize) -> String {
    let mut s: String = base.chars().take(max).collect();
    while s.chars().count() < min {
        s.push('x');
    }
    s
}

/// A value for a string `format` (standard and Auth0's own), or `None` for a plain string.
fn formatted(format: &str, salt: usize) -> Option<String> {
    let n = salt;
    Some(match format {
        "date-time" => format!("2024-01-0{}T03:04:05Z", 1 + n % 9),
        "date" => format!("2024-01-0{}", 1 + n % 9),
        "time" => "03:04:05Z".into(),
        "email" | "email-or-empty" => format!("user{n}@example.com"),
        "uuid" => format!("123e4567-e89b-12d3-a456-42661417400{}", n % 10),
        "ipv4" => format!("192.0.2.{}", 1 + n % 250),
        "ipv6" => format!("2001:db8::{}", 1 + n % 250),
        "cidr" => format!("192.0.2.{}/32", n % 250),
        "ipv6_cidr" => "2001:db8::/32".into(),
        "hostname" | "hostname-rfc2181" => format!("host{n}.example.com"),
        "html-color" | "html-color-or-null" | "forms-hex-color" => "#ffffff".into(),
        "byte" => "aGVsbG8=".into(),
        f if f.contains("uri") || f.contains("url") => format!("https://example.com/path{n}"),
        _ => return None,
    })
}
