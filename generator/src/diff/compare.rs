//! Two surfaces -> the list of changes, each with the semver level it forces on the crate.
//!
//! The rules follow what breaks a *caller* of the generated crate (the Cargo book's SemVer
//! compatibility chapter): removing or changing anything nameable is major; adding a method, a
//! type, a variant of a `#[non_exhaustive]` enum, or an optional field of a struct nobody can write
//! as a literal is minor; documentation, deprecation and constraint changes are patch.

use super::surface::{
    Companion, ErrorEnumSurface, FieldSurface, OperationSurface, Shape, StatusSurface,
    StructSurface, Surface, TypeSurface,
};
use super::{Change, Level};
use crate::diagnostic::join;
use std::collections::HashMap;

pub fn compare(old: &Surface, new: &Surface) -> Vec<Change> {
    let mut out = Changes(Vec::new());
    pair_up(
        &old.operations,
        &new.operations,
        |o| o.call.as_str(),
        |o, n| {
            match (o, n) {
            (Some(o), Some(n)) => operation(&mut out, o, n),
            (Some(o), None) => out.push(
                Level::Major,
                &o.pointer,
                format!(
                    "operation `{}` removed: `client.{}(..)` no longer exists, calls to it no longer compile",
                    o.id, o.call
                ),
            ),
            (None, Some(n)) => out.push(
                Level::Minor,
                &n.pointer,
                format!("operation `{}` added: new method `client.{}(..)`", n.id, n.call),
            ),
            (None, None) => {}
        }
        },
    );
    pair_up(
        &old.errors,
        &new.errors,
        |e| e.name.as_str(),
        |o, n| match (o, n) {
            (Some(o), Some(n)) => error_enum(&mut out, o, n),
            (Some(o), None) => out.push(
                Level::Major,
                &o.pointer,
                format!(
                    "error enum `{}` removed: code naming it no longer compiles",
                    o.name
                ),
            ),
            // A new error enum comes with a new operation (reported there) or a renamed one.
            (None, Some(_)) | (None, None) => {}
        },
    );
    pair_up(
        &old.types,
        &new.types,
        |t| t.name.as_str(),
        |o, n| {
            match (o, n) {
            (Some(o), Some(n)) => type_def(&mut out, o, n),
            (Some(o), None) => out.push(
                Level::Major,
                &o.pointer,
                format!(
                    "schema at this position no longer produces type `{}`: code naming it no longer compiles",
                    o.name
                ),
            ),
            (None, Some(n)) => out.push(
                Level::Minor,
                &n.pointer,
                format!("new type `{}`", n.name),
            ),
            (None, None) => {}
        }
        },
    );
    let mut changes = out.0;
    // Breaking first; within a level, in the order found (spec order).
    changes.sort_by_key(|c| std::cmp::Reverse(c.level));
    changes
}

struct Changes(Vec<Change>);

impl Changes {
    fn push(&mut self, level: Level, pointer: &str, message: String) {
        self.0.push(Change {
            level,
            pointer: pointer.to_owned(),
            message,
        });
    }
}

/// Calls `f` for every key of `old` and `new`: old order first, then what `new` adds.
fn pair_up<'a, T>(
    old: &'a [T],
    new: &'a [T],
    key: impl Fn(&T) -> &str,
    mut f: impl FnMut(Option<&'a T>, Option<&'a T>),
) {
    let new_by_key: HashMap<&str, &T> = new.iter().map(|t| (key(t), t)).collect();
    let old_by_key: HashMap<&str, &T> = old.iter().map(|t| (key(t), t)).collect();
    for o in old {
        f(Some(o), new_by_key.get(key(o)).copied());
    }
    for n in new {
        if !old_by_key.contains_key(key(n)) {
            f(None, Some(n));
        }
    }
}

fn operation(out: &mut Changes, o: &OperationSurface, n: &OperationSurface) {
    let at = &n.pointer;
    let call = &n.call;
    if o.args != n.args {
        out.push(
            Level::Major,
            at,
            format!(
                "parameters of `{}` changed: `client.{call}({})` is now `client.{call}({})`, existing calls no longer compile",
                n.id,
                o.args.join(", "),
                n.args.join(", ")
            ),
        );
    }
    if o.success != n.success {
        out.push(
            Level::Major,
            &join(at, "responses"),
            format!(
                "success response of `{}` changed: `client.{call}(..)` now returns `{}` (was `{}`)",
                n.id, n.success, o.success
            ),
        );
    }
    if o.error_type != n.error_type {
        out.push(
            Level::Major,
            &join(at, "responses"),
            format!(
                "error type of `{}` is now `{}` (was `{}`): code matching `Error::Api` of this call no longer compiles",
                n.id, n.error_type, o.error_type
            ),
        );
    }
    match (&o.with, &n.with) {
        (Some(old_with), None) => out.push(
            Level::Major,
            at,
            format!(
                "`client.{}(..)` removed (`{}` now has a required parameter, taken by `client.{call}(..)`)",
                old_with, n.id
            ),
        ),
        (None, Some(new_with)) => out.push(
            Level::Minor,
            at,
            format!(
                "`{}` now has optional parameters: new method `client.{}(..)` takes them",
                n.id, new_with
            ),
        ),
        _ => {}
    }
    match (&o.params, &n.params) {
        (Some(op), Some(np)) => fields(out, at, &format!("`{}`'s parameters", n.id), op, np),
        (None, Some(_)) | (Some(_), None) => {} // the argument list changed: reported above
        (None, None) => {}
    }
    if o.stream.is_some() && n.stream.is_none() {
        out.push(
            Level::Major,
            at,
            format!(
                "`{}` is no longer paginated: `{}` removed",
                n.id,
                o.stream.as_deref().unwrap_or_default()
            ),
        );
    } else if o.stream.is_none() && n.stream.is_some() {
        out.push(
            Level::Minor,
            at,
            format!(
                "`{}` is now paginated: new method `{}`",
                n.id,
                n.stream.as_deref().unwrap_or_default()
            ),
        );
    }
    companion(out, n, "an event stream", &o.events, &n.events);
    companion(out, n, "a byte stream", &o.byte_stream, &n.byte_stream);
    if o.deprecated != n.deprecated {
        let what = if n.deprecated {
            "deprecated: calls now warn"
        } else {
            "no longer deprecated"
        };
        out.push(Level::Patch, at, format!("`{}` {what}", n.id));
    }
    if o.docs != n.docs {
        out.push(
            Level::Patch,
            at,
            format!("documentation of `{}` changed", n.id),
        );
    }
}

/// An `_events` or `_stream` companion added (minor), removed or returning another type (major).
fn companion(
    out: &mut Changes,
    n: &OperationSurface,
    what: &str,
    old: &Option<Companion>,
    new: &Option<Companion>,
) {
    let at = &join(&n.pointer, "responses");
    match (old, new) {
        (None, Some(c)) => out.push(
            Level::Minor,
            at,
            format!(
                "`{}` now offers {what}: new method `client.{}(..)` returns `{}`",
                n.id,
                companion_call(n, c),
                c.returns
            ),
        ),
        (Some(c), None) => out.push(
            Level::Major,
            at,
            format!(
                "`{}` no longer offers {what}: `client.{}(..)` removed",
                n.id,
                companion_call(n, c)
            ),
        ),
        (Some(oc), Some(nc)) if oc != nc => out.push(
            Level::Major,
            at,
            format!(
                "`client.{}(..)` now returns `{}` (was `{}`)",
                companion_call(n, nc),
                nc.returns,
                oc.returns
            ),
        ),
        _ => {}
    }
}

/// `links().download_stream`: the companion called where the operation's method is.
fn companion_call(n: &OperationSurface, c: &Companion) -> String {
    match n.call.rsplit_once('.') {
        Some((group, _)) => format!("{group}.{}", c.name),
        None => c.name.clone(),
    }
}

fn error_enum(out: &mut Changes, o: &ErrorEnumSurface, n: &ErrorEnumSurface) {
    pair_up(
        &o.statuses,
        &n.statuses,
        |s| s.status.as_str(),
        |os, ns| {
            let status_at = |s: &StatusSurface| join(&n.pointer, &s.status);
            match (os, ns) {
                (Some(os), Some(ns)) => status(out, &n.name, &status_at(ns), os, ns),
                (Some(os), None) => out.push(
                    Level::Major,
                    &join(&o.pointer, &os.status),
                    format!(
                        "error status {} removed: variant `{}::{}` removed, a `match` on it no longer compiles",
                        os.status, o.name, os.variant
                    ),
                ),
                (None, Some(ns)) => out.push(
                    Level::Minor,
                    &status_at(ns),
                    format!(
                        "error status {} added: new variant `{}::{}` (the enum is `#[non_exhaustive]`; until now these responses were `Error::UnexpectedResponse`)",
                        ns.status, n.name, ns.variant
                    ),
                ),
                (None, None) => {}
            }
        },
    );
}

fn status(out: &mut Changes, enum_name: &str, at: &str, o: &StatusSurface, n: &StatusSurface) {
    if o.variant != n.variant || o.payload != n.payload {
        out.push(
            Level::Major,
            at,
            format!(
                "error status {} changed: `{enum_name}::{}({})` is now `{enum_name}::{}({})`, a `match` on it no longer compiles",
                n.status, o.variant, o.payload, n.variant, n.payload
            ),
        );
        return;
    }
    pair_up(
        &o.codes,
        &n.codes,
        |c| c.code.as_str(),
        |oc, nc| {
            match (oc, nc) {
            (Some(oc), Some(nc)) if oc.variant != nc.variant => out.push(
                Level::Major,
                at,
                format!(
                    "error code `{}` at status {}: variant `{}::{}` renamed to `{}`",
                    nc.code, n.status, n.payload, oc.variant, nc.variant
                ),
            ),
            (Some(oc), None) => out.push(
                Level::Major,
                at,
                format!(
                    "error code `{}` removed from status {}: variant `{}::{}` removed, a `match` on it no longer compiles",
                    oc.code, n.status, n.payload, oc.variant
                ),
            ),
            (None, Some(nc)) => out.push(
                Level::Minor,
                at,
                format!(
                    "error code `{}` added at status {}: new variant `{}::{}` (these bodies were `{}::Other` until now)",
                    nc.code, n.status, n.payload, nc.variant, n.payload
                ),
            ),
            _ => {}
        }
        },
    );
    if o.docs != n.docs {
        out.push(
            Level::Patch,
            at,
            format!("documentation of `{enum_name}::{}` changed", n.variant),
        );
    }
}

fn type_def(out: &mut Changes, o: &TypeSurface, n: &TypeSurface) {
    let at = &n.pointer;
    let name = &n.name;
    match (&o.shape, &n.shape) {
        (Shape::Struct(os), Shape::Struct(ns)) => fields(out, at, &format!("`{name}`"), os, ns),
        (Shape::Enum(ov), Shape::Enum(nv)) => pair_up(
            ov,
            nv,
            |(value, _)| value.as_str(),
            |o, n| {
                match (o, n) {
                (Some((value, ov)), Some((_, nv))) if ov != nv => out.push(
                    Level::Major,
                    &join(at, "enum"),
                    format!("enum value `{value}`: variant `{name}::{ov}` renamed to `{nv}`"),
                ),
                (Some((value, variant)), None) => out.push(
                    Level::Major,
                    &join(at, "enum"),
                    format!(
                        "enum value `{value}` removed: variant `{name}::{variant}` removed, code naming it no longer compiles"
                    ),
                ),
                (None, Some((value, variant))) => out.push(
                    Level::Minor,
                    &join(at, "enum"),
                    format!(
                        "enum value `{value}` added: new variant `{name}::{variant}` (the enum is `#[non_exhaustive]`; the value was `{name}::Unknown` until now)"
                    ),
                ),
                _ => {}
            }
            },
        ),
        (Shape::Union(ov), Shape::Union(nv)) if ov != nv => out.push(
            Level::Major,
            at,
            format!(
                "variants of union `{name}` changed ({} -> {}): a `match` on it no longer compiles",
                variants_text(ov),
                variants_text(nv)
            ),
        ),
        (Shape::Alias(ot), Shape::Alias(nt)) if ot != nt => out.push(
            Level::Major,
            at,
            format!("type `{name}` is now `{nt}` (was `{ot}`)"),
        ),
        (Shape::Union(_), Shape::Union(_)) | (Shape::Alias(_), Shape::Alias(_)) => {}
        (os, ns) => out.push(
            Level::Major,
            at,
            format!(
                "type `{name}` is now {} (was {}): code using it no longer compiles",
                shape_word(ns),
                shape_word(os)
            ),
        ),
    }
    if o.deprecated != n.deprecated {
        out.push(Level::Patch, at, format!("deprecation of `{name}` changed"));
    }
    if o.docs != n.docs {
        out.push(
            Level::Patch,
            at,
            format!("documentation of `{name}` changed"),
        );
    }
}

fn shape_word(s: &Shape) -> &'static str {
    match s {
        Shape::Struct(_) => "a struct",
        Shape::Enum(_) => "a string enum",
        Shape::Union(_) => "a union enum",
        Shape::Alias(_) => "a type alias",
    }
}

fn variants_text(v: &[(String, String)]) -> String {
    v.iter()
        .map(|(n, t)| format!("{n}({t})"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Field changes of a struct (a model, or an operation's parameter struct named by `owner`).
fn fields(out: &mut Changes, at: &str, owner: &str, o: &StructSurface, n: &StructSurface) {
    let field_at = |f: &FieldSurface| join(&join(at, "properties"), &f.name);
    pair_up(
        &o.fields,
        &n.fields,
        |f| f.rust_name.as_str(),
        |of, nf| {
            match (of, nf) {
            (Some(of), Some(nf)) => field(out, &field_at(nf), owner, of, nf),
            (Some(of), None) => out.push(
                Level::Major,
                &field_at(of),
                format!(
                    "property `{}` removed: field `{}` of {owner} removed, code reading or setting it no longer compiles",
                    of.name, of.rust_name
                ),
            ),
            (None, Some(nf)) => {
                let (level, why) = added_field(n, nf);
                let kind = if nf.required { "required" } else { "optional" };
                out.push(
                    level,
                    &field_at(nf),
                    format!(
                        "{kind} property `{}` added: new field `{}: {}` of {owner}; {why}",
                        nf.name, nf.rust_name, nf.ty
                    ),
                );
            }
            (None, None) => {}
        }
        },
    );
    if o.extra != n.extra {
        out.push(
            Level::Major,
            &join(at, "additionalProperties"),
            format!(
                "additional properties of {owner} changed: field `extra` is now {} (was {})",
                n.extra.as_deref().unwrap_or("absent"),
                o.extra.as_deref().unwrap_or("absent")
            ),
        );
    }
    if o.constructor && !n.constructor {
        out.push(
            Level::Major,
            at,
            format!("{owner} lost its constructor `new`"),
        );
    }
    if !o.constructor && n.constructor {
        out.push(
            Level::Minor,
            at,
            format!("{owner} is now sent in a request: new constructor `new` and setters"),
        );
    }
    if o.literal && !n.literal {
        out.push(
            Level::Major,
            at,
            format!(
                "{owner} is now `#[non_exhaustive]`: struct literals no longer compile (use `new` and the setters)"
            ),
        );
    }
}

/// What adding `f` to struct `s` does to code written against the old struct.
fn added_field(s: &StructSurface, f: &FieldSurface) -> (Level, &'static str) {
    if s.literal {
        (Level::Major, "struct literals without it no longer compile")
    } else if f.positional && s.constructor {
        (Level::Major, "`new` takes it as a new argument")
    } else if f.positional && s.default {
        (Level::Major, "the struct no longer implements `Default`")
    } else if f.positional {
        (Level::Minor, "the struct is `#[non_exhaustive]`")
    } else {
        (
            Level::Minor,
            "the struct is `#[non_exhaustive]` and the field has a setter",
        )
    }
}

fn field(out: &mut Changes, at: &str, owner: &str, o: &FieldSurface, n: &FieldSurface) {
    if o.ty != n.ty {
        let why = match (o.required, n.required) {
            (false, true) => format!("property `{}` is now required", n.name),
            (true, false) => format!("property `{}` is now optional", n.name),
            _ => format!("type of property `{}` changed", n.name),
        };
        out.push(
            Level::Major,
            at,
            format!(
                "{why}: field `{}` of {owner} is now `{}` (was `{}`), code reading or setting it no longer compiles",
                n.rust_name, n.ty, o.ty
            ),
        );
    } else if o.required != n.required {
        out.push(
            Level::Major,
            at,
            format!(
                "property `{}` of {owner} is now {}",
                n.name,
                if n.required { "required" } else { "optional" }
            ),
        );
    }
    if o.checks != n.checks {
        out.push(
            Level::Patch,
            at,
            format!(
                "constraints of property `{}` of {owner} changed ({} -> {}): values checked before sending may now be accepted or refused differently",
                n.name,
                if o.checks.is_empty() { "none" } else { &o.checks },
                if n.checks.is_empty() { "none" } else { &n.checks }
            ),
        );
    }
    if o.deprecated != n.deprecated {
        out.push(
            Level::Patch,
            at,
            format!("deprecation of property `{}` of {owner} changed", n.name),
        );
    }
    if o.docs != n.docs {
        out.push(
            Level::Patch,
            at,
            format!("documentation of property `{}` of {owner} changed", n.name),
        );
    }
}
