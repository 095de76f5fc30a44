//! Parameters: path-level and operation-level merged, refs resolved, styles, and the path
//! template and its parameters made to agree.

use super::*;

impl OperationBuilder<'_, '_> {
    pub(super) fn params(
        &mut self,
        path: &str,
        op: &oas3::spec::Operation,
        shared: &[ObjectOrReference<Parameter>],
        prefix: &str,
    ) -> Vec<Param> {
        let mut resolved: Vec<(Parameter, String)> = Vec::new();
        let path_level = self
            .pointer
            .rsplit_once('/')
            .map(|(p, _)| p.to_owned())
            .unwrap_or_default();
        for (i, p) in shared.iter().enumerate() {
            if let Some(r) = self.resolve(p, &format!("{path_level}/parameters/{i}")) {
                resolved.push(r);
            }
        }
        for (i, p) in op.parameters.iter().enumerate() {
            let at = format!("{}/parameters/{i}", self.pointer);
            if let Some((param, ptr)) = self.resolve(p, &at) {
                // An operation-level parameter overrides a path-level one of the same name and location.
                resolved.retain(|(q, _)| !(q.name == param.name && q.location == param.location));
                resolved.push((param, ptr));
            }
        }
        let mut names = Namespace::default();
        for reserved in ["body", "params", "client", "self_"] {
            names.reserve(reserved);
        }
        let mut out = Vec::new();
        for (p, ptr) in resolved {
            let location = match p.location {
                ParameterIn::Path => ParamLocation::Path,
                ParameterIn::Query => ParamLocation::Query,
                ParameterIn::Header => ParamLocation::Header,
                ParameterIn::Cookie => ParamLocation::Cookie,
            };
            // `Accept`/`Content-Type` follow from the media types; `Authorization` from the security
            // scheme when there is one (without one, the parameter is the only way to authenticate).
            let managed = ["accept", "content-type"]
                .contains(&p.name.to_ascii_lowercase().as_str())
                || (p.name.eq_ignore_ascii_case("authorization") && self.has_auth);
            if location == ParamLocation::Header && managed {
                self.cx.diags.push(Diagnostic::warning(
                    &ptr,
                    format!(
                        "header parameter `{}` is set by the client itself; not exposed",
                        p.name
                    ),
                ));
                continue;
            }
            let hint = Naming::hint([
                naming::type_name(&p.name),
                format!("{prefix}{}", naming::type_name(&p.name)),
            ]);
            let c = match &p.schema {
                Some(s) => self.cx.convert(s, &join(&ptr, "schema"), hint),
                None => {
                    self.cx.diags.push(Diagnostic::warning(
                        &ptr,
                        "parameter without `schema` (`content` form) is sent as a string",
                    ));
                    Converted::of(TypeRef::String)
                }
            };
            let ty = match c.ty {
                // Parameters are text; `format: binary` there means the text as it is.
                TypeRef::Bytes => TypeRef::String,
                TypeRef::Map(_) | TypeRef::Any if location != ParamLocation::Query => {
                    self.cx.diags.push(Diagnostic::warning(
                        &ptr,
                        "object-valued parameter outside the query is sent as a string",
                    ));
                    TypeRef::String
                }
                ty => ty,
            };
            let style = match p.style {
                Some(ParameterStyle::SpaceDelimited) => ParamStyle::SpaceDelimited,
                Some(ParameterStyle::PipeDelimited) => ParamStyle::PipeDelimited,
                Some(ParameterStyle::DeepObject) => ParamStyle::DeepObject,
                Some(ParameterStyle::Form) => ParamStyle::Form,
                Some(ParameterStyle::Simple) => ParamStyle::Simple,
                Some(ParameterStyle::Matrix | ParameterStyle::Label) => {
                    self.cx.diags.push(Diagnostic::warning(
                        &ptr,
                        "`matrix`/`label` parameter styles are sent as `simple`",
                    ));
                    ParamStyle::Simple
                }
                None if matches!(location, ParamLocation::Query | ParamLocation::Cookie) => {
                    ParamStyle::Form
                }
                None => ParamStyle::Simple,
            };
            let explode = p.explode.unwrap_or(style == ParamStyle::Form);
            out.push(Param {
                rust_name: names.claim([naming::snake(&p.name).as_str()]),
                name: p.name.clone(),
                location,
                required: p.required == Some(true) || location == ParamLocation::Path,
                ty,
                checks: c.checks,
                style,
                explode,
                description: p.description.clone(),
                deprecated: p.deprecated == Some(true),
            });
        }
        self.match_path_template(path, &mut out, &mut names);
        out
    }

    /// Makes the path parameters agree with the template: a declared parameter the template does
    /// not name is left out, a `{placeholder}` nobody declared becomes a string parameter (never
    /// sent literally), each with a warning; path parameters then come in template order, so
    /// `/workspaces/{workspaceId}/links/{linkId}` is `(workspace_id, link_id)` whatever order the
    /// spec lists them in. Other parameters keep spec order.
    pub(super) fn match_path_template(
        &mut self,
        path: &str,
        out: &mut Vec<Param>,
        names: &mut Namespace,
    ) {
        let placeholders = path_placeholders(path);
        out.retain(|p| {
            let named =
                p.location != ParamLocation::Path || placeholders.contains(&p.name.as_str());
            if !named {
                self.cx.diags.push(Diagnostic::warning(
                    &self.pointer,
                    format!(
                        "path parameter `{}` does not appear in the path `{path}`; not an argument",
                        p.name
                    ),
                ));
            }
            named
        });
        for name in &placeholders {
            let declared = out
                .iter()
                .any(|p| p.location == ParamLocation::Path && p.name == *name);
            if !declared {
                self.cx.diags.push(
                    Diagnostic::warning(
                        &self.pointer,
                        format!("`{{{name}}}` in the path `{path}` has no declared parameter; taken as a string argument"),
                    )
                    .with_hint("declare it under `parameters` with `in: path`"),
                );
                out.push(Param {
                    rust_name: names.claim([naming::snake(name).as_str()]),
                    name: (*name).to_owned(),
                    location: ParamLocation::Path,
                    required: true,
                    ty: TypeRef::String,
                    checks: Default::default(),
                    style: ParamStyle::Simple,
                    explode: false,
                    description: None,
                    deprecated: false,
                });
            }
        }
        // Stable: non-path parameters keep their spec order after the path ones.
        out.sort_by_key(|p| {
            match p.location {
                ParamLocation::Path => placeholders.iter().position(|n| *n == p.name),
                _ => None,
            }
            .unwrap_or(usize::MAX)
        });
    }
}

/// The names between braces in a path template, in order, each once.
pub(super) fn path_placeholders(path: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        let name = &rest[open + 1..open + close];
        if !name.is_empty() && !names.contains(&name) {
            names.push(name);
        }
        rest = &rest[open + close + 1..];
    }
    names
}
