//! Puts each generated operation and type behind the cargo features of the API areas that use it.
//!
//! An area is a spec tag. An operation compiles with its tag's feature. A type compiles when some
//! enabled area reaches it: the reach is computed on the generated code itself (which type names
//! each item mentions), so it follows typify's naming of inline schemas and is never maintained
//! by hand. Over-approximation is harmless (a type compiles when it need not); missing an edge is
//! caught by the CI build of a single area.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{Context, Result, bail};
use heck::{ToSnakeCase, ToUpperCamelCase};
use quote::ToTokens;
use serde_json::Value;

/// API areas of the spec: tag -> operations, and the default set.
pub struct Areas {
    by_method: BTreeMap<String, String>,
    tags: BTreeSet<String>,
    defaults: Vec<String>,
}

impl Areas {
    pub fn from_spec(spec: &Value, defaults: &[&str]) -> Result<Self> {
        let mut by_method = BTreeMap::new();
        let mut tags = BTreeSet::new();
        for (path, item) in spec["paths"].as_object().context("no paths")? {
            for (method, op) in item.as_object().context("path item")? {
                let id = op["operationId"].as_str().context("operationId")?;
                let tag = match op["tags"].as_array().map(Vec::as_slice) {
                    Some([Value::String(t)]) => t.clone(),
                    _ => bail!("{method} {path}: expected exactly one tag (its cargo feature)"),
                };
                if !tag
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                {
                    bail!("tag {tag:?} is not usable as a cargo feature name");
                }
                if by_method.insert(method_name(id), tag.clone()).is_some() {
                    bail!("two operations are both named {}", method_name(id));
                }
                tags.insert(tag);
            }
        }
        for d in defaults {
            if !tags.contains(*d) {
                bail!("default area {d:?} is not a tag of the spec");
            }
        }
        Ok(Self {
            by_method,
            tags,
            defaults: defaults.iter().map(|s| s.to_string()).collect(),
        })
    }

    /// The `[features]` table of the generated crate.
    pub fn api_features(&self) -> String {
        let mut s = String::from("[features]\ndefault = [\"default-areas\"]\n");
        s += &format!(
            "# Derive Deserialize also on types that are only sent\n{DESERIALIZE_REQUESTS} = []\n"
        );
        s += &format!("default-areas = {}\n", list(self.defaults.iter()));
        s += &format!("full = {}\n", list(self.tags.iter()));
        for t in &self.tags {
            s += &format!("{t} = []\n");
        }
        s
    }

    /// The forwarding features of the ergonomic crate.
    pub fn sdk_features(&self) -> String {
        let mut s = format!("default-areas = {}\n", list(self.defaults.iter()));
        s += &format!(
            "{DESERIALIZE_REQUESTS} = [\"auth0-management-api/{DESERIALIZE_REQUESTS}\"]\n"
        );
        s += &format!("full = {}\n", list(self.tags.iter()));
        for t in &self.tags {
            s += &format!("{t} = [\"auth0-management-api/{t}\"]\n");
        }
        s
    }
}

fn list<'a>(items: impl Iterator<Item = &'a String>) -> String {
    let items: Vec<_> = items.map(|i| format!("\"{i}\"")).collect();
    format!("[{}]", items.join(", "))
}

/// The method name progenitor gives an operationId (its snake-case sanitizing).
fn method_name(operation_id: &str) -> String {
    operation_id
        .replace('\'', "")
        .replace(|c: char| !(c.is_alphanumeric() || c == '_'), "-")
        .to_snake_case()
}

/// Every identifier mentioned anywhere in a syntax node.
fn idents_of(node: &impl ToTokens) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    walk_idents(node.to_token_stream(), &mut out);
    out
}

// Walking tokens, not the syntax tree, also sees inside macro calls (e.g. `format!`).
fn walk_idents(ts: proc_macro2::TokenStream, out: &mut BTreeSet<String>) {
    for t in ts {
        match t {
            proc_macro2::TokenTree::Ident(i) => {
                out.insert(i.to_string());
            }
            proc_macro2::TokenTree::Group(g) => walk_idents(g.stream(), out),
            _ => {}
        }
    }
}

/// The type an item in `mod types` defines.
fn defined(item: &syn::Item) -> Option<String> {
    match item {
        syn::Item::Struct(s) => Some(s.ident.to_string()),
        syn::Item::Enum(e) => Some(e.ident.to_string()),
        syn::Item::Type(t) => Some(t.ident.to_string()),
        _ => None,
    }
}

/// The generated type an item in `mod types` is about: the type it defines, or for an impl its
/// self type, or (for `impl From<Generated> for String`) the generated type in the trait.
fn subject(item: &syn::Item, names: &BTreeSet<String>) -> Option<String> {
    if let Some(d) = defined(item) {
        return Some(d);
    }
    let syn::Item::Impl(i) = item else {
        return None;
    };
    if let syn::Type::Path(p) = &*i.self_ty
        && let Some(last) = p.path.segments.last()
        && names.contains(&last.ident.to_string())
    {
        return Some(last.ident.to_string());
    }
    let (path, _) = i.trait_.as_ref()?;
    let mut mentioned = BTreeSet::new();
    walk_idents(path.to_token_stream(), &mut mentioned);
    mentioned.into_iter().find(|m| names.contains(m))
}

fn cfg_any(features: &BTreeSet<String>) -> syn::Attribute {
    let names = features.iter();
    if features.len() == 1 {
        syn::parse_quote!(#[cfg(feature = #(#names)*)])
    } else {
        syn::parse_quote!(#[cfg(any(#(feature = #names),*))])
    }
}

fn attrs_mut(item: &mut syn::Item) -> Option<&mut Vec<syn::Attribute>> {
    match item {
        syn::Item::Struct(s) => Some(&mut s.attrs),
        syn::Item::Enum(e) => Some(&mut e.attrs),
        syn::Item::Type(t) => Some(&mut t.attrs),
        syn::Item::Impl(i) => Some(&mut i.attrs),
        syn::Item::Fn(f) => Some(&mut f.attrs),
        _ => None,
    }
}

/// Gates the generated file; returns it and the number of types kept.
pub fn gate(mut file: syn::File, areas: &Areas) -> Result<(syn::File, usize)> {
    // 1. The type graph of `mod types`.
    let types_mod = file
        .items
        .iter_mut()
        .find_map(|i| match i {
            syn::Item::Mod(m) if m.ident == "types" => m.content.as_mut().map(|c| &mut c.1),
            _ => None,
        })
        .context("no `mod types` in the generated code")?;
    let names: BTreeSet<String> = types_mod.iter().filter_map(defined).collect();
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for item in types_mod.iter() {
        if let Some(s) = subject(item, &names) {
            let refs: Vec<String> = idents_of(item)
                .into_iter()
                .filter(|i| names.contains(i) && *i != s)
                .collect();
            edges.entry(s).or_default().extend(refs);
        }
    }

    // 2. Which areas reach each type, from the operations' signatures and bodies.
    let mut reach: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut decoded = BTreeSet::new();
    let mut seen_methods = BTreeSet::new();
    for item in file.items.iter_mut() {
        let syn::Item::Impl(imp) = item else { continue };
        let is_client = matches!(&*imp.self_ty, syn::Type::Path(p) if p.path.is_ident("Client"));
        if !is_client || imp.trait_.is_some() {
            continue;
        }
        for ii in imp.items.iter_mut() {
            let syn::ImplItem::Fn(f) = ii else { continue };
            if f.sig.asyncness.is_none() {
                continue; // new(), new_with_client(), ...
            }
            let name = f.sig.ident.to_string();
            let Some(tag) = areas.by_method.get(&name) else {
                bail!("generated method {name} matches no operationId of the spec");
            };
            seen_methods.insert(name);
            let tags = BTreeSet::from([tag.clone()]);
            f.attrs.push(cfg_any(&tags));
            let mut todo: Vec<String> = idents_of(f)
                .into_iter()
                .filter(|i| names.contains(i))
                .collect();
            while let Some(t) = todo.pop() {
                let set = reach.entry(t.clone()).or_default();
                if set.insert(tag.clone()) {
                    todo.extend(edges.get(&t).into_iter().flatten().cloned());
                }
            }
            // Everything but the parameters may be decoded from a response.
            let mut rest = f.clone();
            rest.sig.inputs = Default::default();
            decoded.extend(idents_of(&rest).into_iter().filter(|i| names.contains(i)));
        }
    }
    let decoded = closure(decoded, &edges);
    if seen_methods.len() != areas.by_method.len() {
        let missing: Vec<_> = areas
            .by_method
            .keys()
            .filter(|m| !seen_methods.contains(*m))
            .collect();
        bail!("operations with no generated method: {missing:?}");
    }

    // 3. Gate (or drop) every type item; gate helper fns in nested modules by what they mention.
    let mut kept = 0;
    let types_mod = file
        .items
        .iter_mut()
        .find_map(|i| match i {
            syn::Item::Mod(m) if m.ident == "types" => m.content.as_mut().map(|c| &mut c.1),
            _ => None,
        })
        .expect("found above");
    let mut out = Vec::with_capacity(types_mod.len());
    for mut item in std::mem::take(types_mod) {
        if let syn::Item::Type(alias) = &mut item {
            // Aliases (see slim.rs) compile with the type they name; no operation names them.
            let mentioned: BTreeSet<String> = idents_of(&alias.ty)
                .into_iter()
                .filter(|i| names.contains(i))
                .collect();
            let mut features = BTreeSet::new();
            let mut dropped = false;
            for m in &mentioned {
                match reach.get(m) {
                    Some(f) => features.extend(f.iter().cloned()),
                    None => dropped = true,
                }
            }
            if dropped {
                continue;
            }
            if !features.is_empty() {
                alias.attrs.push(cfg_any(&features));
            }
            out.push(item);
            continue;
        }
        match subject(&item, &names) {
            Some(s) => match reach.get(&s) {
                None => continue, // no operation reaches it
                Some(features) => {
                    if defined(&item).is_some() {
                        kept += 1;
                    }
                    if let Some(attrs) = attrs_mut(&mut item) {
                        attrs.push(cfg_any(features));
                    }
                    if !decoded.contains(&s) {
                        encode_only(&mut item);
                    }
                }
            },
            None => {
                if let syn::Item::Mod(m) = &mut item
                    && let Some((_, items)) = &mut m.content
                {
                    gate_helpers(items, &names, &reach);
                }
            }
        }
        out.push(item);
    }
    *types_mod = out;
    Ok((file, kept))
}

/// The types reachable from `roots` over `edges`.
fn closure(
    roots: BTreeSet<String>,
    edges: &BTreeMap<String, BTreeSet<String>>,
) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut todo: Vec<String> = roots.into_iter().collect();
    while let Some(t) = todo.pop() {
        if seen.insert(t.clone()) {
            todo.extend(edges.get(&t).into_iter().flatten().cloned());
        }
    }
    seen
}

/// The feature that keeps `Deserialize` on types that are only ever sent.
pub const DESERIALIZE_REQUESTS: &str = "deserialize-requests";

/// A type that is only sent, never decoded, needs no `Deserialize` (about half of serde's cost
/// for a type): the derive and any hand-written impl move behind `deserialize-requests`.
fn encode_only(item: &mut syn::Item) {
    let feature = DESERIALIZE_REQUESTS;
    match item {
        syn::Item::Struct(syn::ItemStruct { attrs, .. })
        | syn::Item::Enum(syn::ItemEnum { attrs, .. }) => {
            for attr in attrs.iter_mut() {
                if !attr.path().is_ident("derive") {
                    continue;
                }
                let Ok(paths) = attr.parse_args_with(
                    syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated,
                ) else {
                    continue;
                };
                let is_de =
                    |p: &syn::Path| p.segments.last().is_some_and(|s| s.ident == "Deserialize");
                if !paths.iter().any(is_de) {
                    continue;
                }
                let (de, rest): (Vec<_>, Vec<_>) = paths.into_iter().partition(is_de);
                *attr = syn::parse_quote!(#[derive(#(#rest),*)]);
                attrs.push(syn::parse_quote!(#[cfg_attr(feature = #feature, derive(#(#de),*))]));
                break;
            }
        }
        syn::Item::Impl(imp) => {
            let is_de = imp
                .trait_
                .as_ref()
                .and_then(|(p, _)| p.segments.last())
                .is_some_and(|s| s.ident == "Deserialize");
            if is_de {
                imp.attrs
                    .push(syn::parse_quote!(#[cfg(feature = #feature)]));
            }
        }
        _ => {}
    }
}

/// Adds `pub type Alias = Target;` for every schema name that slim.rs folded away, so each
/// schema name of the spec names a type. Returns how many were added.
pub fn add_aliases(file: &mut syn::File, aliases: &crate::slim::Aliases) -> Result<usize> {
    let types_mod = file
        .items
        .iter_mut()
        .find_map(|i| match i {
            syn::Item::Mod(m) if m.ident == "types" => m.content.as_mut().map(|c| &mut c.1),
            _ => None,
        })
        .context("no `mod types` in the generated code")?;
    let names: BTreeSet<String> = types_mod.iter().filter_map(defined).collect();
    let mut added = 0;
    let mut push = |alias: &str, target: syn::Type, items: &mut Vec<syn::Item>| {
        let ident = alias.to_upper_camel_case();
        if names.contains(&ident) || syn::parse_str::<syn::Ident>(&ident).is_err() {
            return; // typify already uses the name for something else
        }
        let ident = syn::Ident::new(&ident, proc_macro2::Span::call_site());
        let doc = format!("Schema `{alias}`: the same shape as the type it names.");
        items.push(syn::parse_quote!(#[doc = #doc] pub type #ident = #target;));
        added += 1;
    };
    for (alias, target) in &aliases.merged {
        let target_ident = target.to_upper_camel_case();
        if !names.contains(&target_ident) {
            bail!("merged schema {alias}: its target {target} generated no type {target_ident}");
        }
        let t = syn::Ident::new(&target_ident, proc_macro2::Span::call_site());
        push(alias, syn::parse_quote!(#t), types_mod);
    }
    for (alias, kind) in &aliases.bare {
        let target: syn::Type = match kind {
            crate::slim::Bare::String => syn::parse_quote!(::std::string::String),
        };
        push(alias, target, types_mod);
    }
    Ok(added)
}

/// Functions in helper modules (e.g. `defaults`) that mention a type compile with that type.
fn gate_helpers(
    items: &mut Vec<syn::Item>,
    names: &BTreeSet<String>,
    reach: &BTreeMap<String, BTreeSet<String>>,
) {
    items.retain_mut(|item| {
        let mentioned: Vec<String> = idents_of(item)
            .into_iter()
            .filter(|i| names.contains(i))
            .collect();
        if mentioned.is_empty() {
            return true;
        }
        let mut features = BTreeSet::new();
        for m in &mentioned {
            match reach.get(m) {
                Some(f) => features.extend(f.iter().cloned()),
                None => return false, // mentions a type that is dropped
            }
        }
        if let Some(attrs) = attrs_mut(item) {
            attrs.push(cfg_any(&features));
        }
        true
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn method_names_follow_progenitor() {
        assert_eq!(method_name("get_users-by-email"), "get_users_by_email");
        assert_eq!(
            method_name("tenant_settings_route"),
            "tenant_settings_route"
        );
        assert_eq!(
            method_name("delete_client-grants_by_id"),
            "delete_client_grants_by_id"
        );
    }

    #[test]
    fn types_are_gated_by_the_areas_that_reach_them() {
        let spec = serde_json::json!({"paths": {
            "/a": {"get": {"operationId": "get_a", "tags": ["alpha"]}},
            "/b": {"get": {"operationId": "get_b", "tags": ["beta"]}}
        }});
        let areas = Areas::from_spec(&spec, &["alpha"]).unwrap();
        let file: syn::File = syn::parse_quote! {
            pub mod types {
                pub struct A { pub s: Shared }
                pub struct B { pub s: Shared, pub o: Only }
                pub struct Shared { pub x: i64 }
                pub struct Only;
                pub struct Orphan;
                impl From<&A> for A { fn from(v: &A) -> A { todo!() } }
                pub mod defaults { pub fn only() -> super::Only { super::Only } pub fn plain() -> i64 { 1 } }
            }
            pub struct Client;
            impl Client {
                pub fn new() -> Self { Client }
                pub async fn get_a(&self) -> types::A { todo!() }
                pub async fn get_b(&self) -> types::B { todo!() }
            }
        };
        let (file, kept) = gate(file, &areas).unwrap();
        let text = file.to_token_stream().to_string();
        assert_eq!(kept, 4, "Orphan is dropped");
        assert!(!text.contains("Orphan"));
        assert!(text.contains(
            "# [cfg (any (feature = \"alpha\" , feature = \"beta\"))] pub struct Shared"
        ));
        assert!(text.contains("# [cfg (feature = \"beta\")] pub struct Only"));
        assert!(text.contains("# [cfg (feature = \"alpha\")] impl From < & A > for A"));
        assert!(text.contains("# [cfg (feature = \"beta\")] pub fn only"));
        assert!(text.contains("# [cfg (feature = \"alpha\")] pub async fn get_a"));
        assert!(areas.api_features().contains("default-areas = [\"alpha\"]"));
        assert!(
            areas
                .sdk_features()
                .contains("beta = [\"auth0-management-api/beta\"]")
        );
    }

    #[test]
    fn types_only_sent_lose_deserialize_by_default() {
        let spec = serde_json::json!({"paths": {"/a": {"post": {"operationId": "post_a", "tags": ["alpha"]}}}});
        let areas = Areas::from_spec(&spec, &["alpha"]).unwrap();
        let file: syn::File = syn::parse_quote! {
            pub mod types {
                #[derive(::serde::Deserialize, ::serde::Serialize, Debug)]
                pub struct Sent { pub x: i64 }
                #[derive(::serde::Deserialize, ::serde::Serialize, Debug)]
                pub struct Got { pub y: i64 }
                impl<'de> ::serde::Deserialize<'de> for Sent2 { }
                pub struct Sent2;
            }
            impl Client {
                pub async fn post_a(&self, body: &types::Sent, b: &types::Sent2) -> Result<types::Got, ()> { todo!() }
            }
        };
        let (file, _) = gate(file, &areas).unwrap();
        let text = file.to_token_stream().to_string();
        assert!(text.contains(
            "# [derive (:: serde :: Serialize , Debug)] # [cfg (feature = \"alpha\")] # [cfg_attr (feature = \"deserialize-requests\" , derive (:: serde :: Deserialize))] pub struct Sent"
        ), "{text}");
        assert!(text.contains("# [derive (:: serde :: Deserialize , :: serde :: Serialize , Debug)] # [cfg (feature = \"alpha\")] pub struct Got"));
        assert!(text.contains("# [cfg (feature = \"deserialize-requests\")] impl < 'de > :: serde :: Deserialize < 'de > for Sent2"));
    }

    #[test]
    fn unknown_methods_fail() {
        let spec = serde_json::json!({"paths": {"/a": {"get": {"operationId": "get_a", "tags": ["alpha"]}}}});
        let areas = Areas::from_spec(&spec, &[]).unwrap();
        let file: syn::File = syn::parse_quote! {
            pub mod types {}
            impl Client { pub async fn get_z(&self) {} }
        };
        assert!(gate(file, &areas).is_err());
    }
}
