//! Cargo features per operation group, so that a user of a large API compiles only the groups
//! they call.
//!
//! An API with at least `Config::group_features_from` operations gets one feature per
//! `Operation::feature_group` (the accessor group, else the first tag, else the first path
//! segment). A feature compiles its operations (parameter structs, methods, request builders,
//! decoders), its accessor types, its error types and the models its operations reach; a model
//! reached by several groups is compiled when any of them is on, one reached by an operation
//! without a group or by most groups (16 or more, and more than half) is always compiled. Every item is gated by exactly the groups that
//! use it, so any combination of features compiles without unused-code warnings; `use` lines get
//! the same gates (`imports`). Smaller APIs get no group features: every [`Gate`] is
//! [`Gate::Always`].

use crate::ir::{Api, ErrorBody, Operation, TypeKind, TypeRef};
use crate::Config;
use proc_macro2::{Delimiter, TokenStream, TokenTree};
use quote::quote;
use rustc_hash::FxHashMap as HashMap;
use std::collections::{BTreeMap, BTreeSet};

/// When an item is compiled.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Gate {
    Always,
    /// When any of these features (never empty) is on.
    Any(BTreeSet<String>),
}

impl Gate {
    fn feature(name: &str) -> Gate {
        Gate::Any([name.to_owned()].into())
    }

    /// Widens `self` to also cover `other`; whether that changed anything.
    pub fn widen(&mut self, other: &Gate) -> bool {
        match (&mut *self, other) {
            (Gate::Always, _) => false,
            (_, Gate::Always) => {
                *self = Gate::Always;
                true
            }
            (Gate::Any(mine), Gate::Any(theirs)) => {
                let before = mine.len();
                mine.extend(theirs.iter().cloned());
                mine.len() != before
            }
        }
    }

    /// The gate covering all of `gates` (`None` for none).
    pub fn union<'g>(gates: impl IntoIterator<Item = &'g Gate>) -> Option<Gate> {
        let mut out: Option<Gate> = None;
        for gate in gates {
            match &mut out {
                None => out = Some(gate.clone()),
                Some(acc) => {
                    acc.widen(gate);
                }
            }
        }
        out
    }

    /// The `#[cfg(...)]` attribute as Rust source, empty for [`Gate::Always`].
    pub fn attr_text(&self) -> String {
        match self {
            Gate::Always => String::new(),
            Gate::Any(features) => {
                let list: Vec<String> = features
                    .iter()
                    .map(|f| format!("feature = \"{f}\""))
                    .collect();
                match list.as_slice() {
                    [one] => format!("#[cfg({one})]"),
                    _ => format!("#[cfg(any({}))]", list.join(", ")),
                }
            }
        }
    }

    /// The `#[cfg(...)]` attribute as tokens, empty for [`Gate::Always`].
    pub fn attr(&self) -> TokenStream {
        match self {
            Gate::Always => TokenStream::new(),
            Gate::Any(features) if features.len() == 1 => {
                let feature = features.iter();
                quote!(#[cfg(#(feature = #feature)*)])
            }
            Gate::Any(features) => {
                let features = features.iter();
                quote!(#[cfg(any(#(feature = #features),*))])
            }
        }
    }

    /// `items` (a sequence of top-level items) with this gate's attribute before each item.
    pub fn apply(&self, items: TokenStream) -> TokenStream {
        if *self == Gate::Always {
            return items;
        }
        let attr = self.attr();
        let trees: Vec<TokenTree> = items.into_iter().collect();
        let mut out = TokenStream::new();
        let mut at_item_start = true;
        for (i, tree) in trees.iter().enumerate() {
            if at_item_start {
                out.extend(attr.clone());
            }
            // An item ends at a `;`, or at a `{ ... }` body that no `;` follows (in `const X: T =
            // T { .. };` the `;` ends it).
            let ends = match tree {
                TokenTree::Punct(p) => p.as_char() == ';',
                TokenTree::Group(g) => {
                    g.delimiter() == Delimiter::Brace
                        && !matches!(trees.get(i + 1), Some(TokenTree::Punct(p)) if p.as_char() == ';')
                }
                _ => false,
            };
            out.extend([tree.clone()]);
            at_item_start = ends;
        }
        out
    }
}

/// The group features of an API and the gate of each generated item.
#[derive(Debug, Default)]
pub(crate) struct FeatureGroups {
    /// Feature name -> number of operations it compiles; empty when the API gets none.
    pub groups: BTreeMap<String, usize>,
    /// Models only some groups reach (absent: [`Gate::Always`]).
    types: HashMap<String, Gate>,
    /// Error enums (by name, with the tagged enums defined beside them) some groups use.
    errors: HashMap<String, Gate>,
    /// Models no operation uses (GitHub's webhook payloads) exist: they get [`OTHER_MODELS`].
    pub other_models: bool,
}

/// An item used by at least this many groups, and by more than half of them, is compiled always
/// (see `FeatureGroups::shared_by_most`).
const ALWAYS_FROM_GROUPS: usize = 16;

/// The feature of the models no operation uses, and of the models only they reach.
pub(crate) const OTHER_MODELS: &str = "other-models";

/// The feature deriving `Serialize` on types only received and `Deserialize` on types only sent
/// (`models`), in APIs with group features; `mock` turns it on.
pub(crate) const SERDE_ROUNDTRIP: &str = "serde-roundtrip";

impl FeatureGroups {
    pub fn new(api: &Api, config: &Config) -> Self {
        if api.operations.is_empty() || api.operations.len() < config.group_features_from {
            return FeatureGroups::default();
        }
        let mut groups: BTreeMap<String, usize> = BTreeMap::new();
        for feature in api
            .operations
            .iter()
            .filter_map(|op| op.feature_group.as_ref())
        {
            *groups.entry(feature.clone()).or_default() += 1;
        }
        let mut this = FeatureGroups {
            groups,
            ..Default::default()
        };
        // An error enum is compiled for its operation and every operation aliasing it.
        for op in &api.operations {
            let owner = op.error_shared_with.as_ref().unwrap_or(&op.error_type);
            let gate = this.operation(op);
            this.errors
                .entry(owner.clone())
                .and_modify(|g| {
                    g.widen(&gate);
                })
                .or_insert(gate);
        }
        // The models reached from each operation (and from the error enums it uses), widened
        // until nothing changes: a model's gate covers every group reaching it.
        let kinds: HashMap<&str, &TypeKind> = api
            .types
            .iter()
            .map(|t| (t.name.as_str(), &t.kind))
            .collect();
        let index = FeatureIndex::new(&this.groups);
        let mut reached: HashMap<&str, Reach> = HashMap::default();
        // One error enum is often shared by every operation (Graph beta: 22,000 of them), its
        // gate then naming every group: converted once, not cloned and converted per operation.
        let error_reaches: HashMap<&str, Reach> = this
            .errors
            .iter()
            .map(|(owner, gate)| (owner.as_str(), index.reach(gate)))
            .collect();
        for op in &api.operations {
            let gate = index.reach(&this.operation(op));
            let owner = op.error_shared_with.as_ref().unwrap_or(&op.error_type);
            let error_gate = error_reaches.get(owner.as_str()).unwrap_or(&Reach::Always);
            let mut roots: Vec<(&TypeRef, &Reach)> = Vec::new();
            roots.extend(op.params.iter().map(|p| (&p.ty, &gate)));
            roots.extend(op.body.as_ref().map(|b| (&b.ty, &gate)));
            roots.extend(op.success.ty.as_ref().map(|t| (t, &gate)));
            roots.extend(op.pagination.as_ref().map(|p| (&p.item_ty, &gate)));
            for case in &op.errors {
                match &case.body {
                    ErrorBody::None => {}
                    ErrorBody::Typed { ty, .. } => roots.push((ty, error_gate)),
                    ErrorBody::Tagged(t) => roots.push((&t.body, error_gate)),
                }
            }
            for (ty, gate) in roots {
                reach(ty, gate, &kinds, &mut reached);
            }
        }
        // The models no operation reaches would otherwise be compiled always, and with them
        // every model they name: they get a feature of their own.
        let unused: Vec<TypeRef> = api
            .types
            .iter()
            .filter(|t| !reached.contains_key(t.name.as_str()))
            .map(|t| TypeRef::Named(t.name.clone()))
            .collect();
        this.other_models = !unused.is_empty();
        let other = index.reach(&Gate::feature(OTHER_MODELS));
        for ty in &unused {
            reach_owned(ty, &other, &kinds, &mut reached);
        }
        let groups = this.groups.len();
        this.types = reached
            .into_iter()
            .filter(|(_, r)| match r {
                Reach::Always => false,
                Reach::Any(bits) => !shared_by_most(groups, Reach::count(bits)),
            })
            .map(|(name, r)| (name.to_owned(), index.gate(&r)))
            .collect();
        let shared = this.shared_by_most();
        this.errors.retain(|_, g| !shared(g));
        this
    }

    /// Whether an item with `gate` is compiled always instead: when most groups use it, nearly
    /// every selection of features compiles it anyway, and its `cfg` would list them all before
    /// each of its items (Stripe: 815 models reached by 33 to 60 of 62 groups, half the lines of
    /// its models). Items it names are used by at least the same groups, so they are always
    /// compiled too, and no combination of features leaves a name undefined.
    fn shared_by_most(&self) -> impl Fn(&Gate) -> bool {
        let groups = self.groups.len();
        move |gate| match gate {
            Gate::Always => false,
            Gate::Any(features) => shared_by_most(groups, features.len()),
        }
    }

    /// The gate of an operation's own items.
    pub fn operation(&self, op: &Operation) -> Gate {
        match &op.feature_group {
            Some(f) if !self.groups.is_empty() => Gate::feature(f),
            _ => Gate::Always,
        }
    }

    /// The gate of the error enum `op` defines (or aliases, then the alias has `op`'s gate).
    pub fn error_gate(&self, op: &Operation) -> Gate {
        let owner = op.error_shared_with.as_ref().unwrap_or(&op.error_type);
        self.errors.get(owner).cloned().unwrap_or(Gate::Always)
    }

    /// The gate of a model.
    pub fn model(&self, name: &str) -> Gate {
        self.types.get(name).cloned().unwrap_or(Gate::Always)
    }
}

/// Whether `features` of `groups` are most of them (see `FeatureGroups::shared_by_most`).
fn shared_by_most(groups: usize, features: usize) -> bool {
    features >= ALWAYS_FROM_GROUPS && features * 2 > groups
}

/// A [`Gate`] while models are reached: its features as bits of a [`FeatureIndex`], so that
/// widening is a few word operations. As string sets, Stripe's 62 groups made reaching the
/// models (shared error models are reached from hundreds of operations) 3 % of its run.
#[derive(Debug, Clone, PartialEq)]
enum Reach {
    Always,
    Any(Vec<u64>),
}

impl Reach {
    /// [`Gate::widen`] on bits.
    fn widen(&mut self, other: &Reach) -> bool {
        match (&mut *self, other) {
            (Reach::Always, _) => false,
            (_, Reach::Always) => {
                *self = Reach::Always;
                true
            }
            (Reach::Any(mine), Reach::Any(theirs)) => {
                let mut changed = false;
                for (mine, theirs) in mine.iter_mut().zip(theirs) {
                    changed |= *theirs & !*mine != 0;
                    *mine |= *theirs;
                }
                changed
            }
        }
    }

    fn count(bits: &[u64]) -> usize {
        bits.iter().map(|word| word.count_ones() as usize).sum()
    }
}

/// The features a gate can name (the groups and [`OTHER_MODELS`]) by bit.
struct FeatureIndex<'g> {
    names: Vec<&'g str>,
    bits: HashMap<&'g str, usize>,
}

impl<'g> FeatureIndex<'g> {
    fn new(groups: &'g BTreeMap<String, usize>) -> Self {
        let mut index = FeatureIndex {
            names: Vec::new(),
            bits: HashMap::default(),
        };
        for name in groups.keys().map(String::as_str).chain([OTHER_MODELS]) {
            if !index.bits.contains_key(name) {
                index.bits.insert(name, index.names.len());
                index.names.push(name);
            }
        }
        index
    }

    /// `gate` as bits; a feature outside the index (none is) would compile the item always.
    fn reach(&self, gate: &Gate) -> Reach {
        let Gate::Any(features) = gate else {
            return Reach::Always;
        };
        let mut bits = vec![0u64; self.names.len().div_ceil(64)];
        for feature in features {
            let Some(&bit) = self.bits.get(feature.as_str()) else {
                return Reach::Always;
            };
            bits[bit / 64] |= 1 << (bit % 64);
        }
        Reach::Any(bits)
    }

    fn gate(&self, reach: &Reach) -> Gate {
        let Reach::Any(bits) = reach else {
            return Gate::Always;
        };
        let on = |bit: &usize| bits[bit / 64] & (1 << (bit % 64)) != 0;
        let names = (0..self.names.len()).filter(on);
        Gate::Any(names.map(|bit| self.names[bit].to_owned()).collect())
    }
}

/// [`reach`] from a type reference the API does not hold (`Named` of one of its models).
fn reach_owned<'a>(
    ty: &TypeRef,
    gate: &Reach,
    kinds: &HashMap<&'a str, &'a TypeKind>,
    reached: &mut HashMap<&'a str, Reach>,
) {
    let TypeRef::Named(name) = ty else { return };
    let Some((&name, kind)) = kinds.get_key_value(name.as_str()) else {
        return;
    };
    reached.insert(name, gate.clone());
    let mut children: Vec<&'a TypeRef> = Vec::new();
    match kind {
        TypeKind::Struct(s) => {
            children.extend(s.fields.iter().map(|f| &f.ty));
            children.extend(s.extra.as_ref());
        }
        TypeKind::Union(u) => children.extend(u.variants.iter().map(|v| &v.ty)),
        TypeKind::Alias(t) => children.push(t),
        TypeKind::Enum(_) => {}
    }
    for child in children {
        reach(child, gate, kinds, reached);
    }
}

/// Widens the gate of every model `ty` reaches to cover `gate`.
fn reach<'a>(
    ty: &'a TypeRef,
    gate: &Reach,
    kinds: &HashMap<&'a str, &'a TypeKind>,
    reached: &mut HashMap<&'a str, Reach>,
) {
    let mut todo = vec![ty];
    while let Some(ty) = todo.pop() {
        match ty {
            TypeRef::Named(name) => {
                let Some((&name, kind)) = kinds.get_key_value(name.as_str()) else {
                    continue;
                };
                let changed = match reached.get_mut(name) {
                    Some(g) => g.widen(gate),
                    None => {
                        reached.insert(name, gate.clone());
                        true
                    }
                };
                if !changed {
                    continue;
                }
                match kind {
                    TypeKind::Struct(s) => {
                        todo.extend(s.fields.iter().map(|f| &f.ty));
                        todo.extend(s.extra.as_ref());
                    }
                    TypeKind::Union(u) => todo.extend(u.variants.iter().map(|v| &v.ty)),
                    TypeKind::Alias(t) => todo.push(t),
                    TypeKind::Enum(_) => {}
                }
            }
            TypeRef::Array(t) | TypeRef::Map(t) | TypeRef::Option(t) => todo.push(t),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_gate_goes_before_every_item() {
        let items = quote! {
            #[doc = " A."] pub struct A { x: u8 }
            impl A { fn f() {} }
            const B: A = A { x: 1 };
            m!(x);
            pub type C = A;
        };
        let gated = Gate::Any(["a".into(), "b".into()].into()).apply(items);
        let text = gated.to_string();
        assert_eq!(
            text.matches("cfg (any (feature = \"a\" , feature = \"b\"))")
                .count(),
            5,
            "{text}"
        );
        let one = Gate::feature("repos").apply(quote!(
            fn f() {}
        ));
        assert_eq!(one.to_string(), "# [cfg (feature = \"repos\")] fn f () { }");
        assert_eq!(
            Gate::Always
                .apply(quote!(
                    fn f() {}
                ))
                .to_string(),
            "fn f () { }"
        );
    }

    #[test]
    fn bits_widen_like_gates_and_come_back_as_them() {
        // More groups than one word of bits holds.
        let groups: BTreeMap<String, usize> = (0..70).map(|i| (format!("g{i:02}"), 1)).collect();
        let index = FeatureIndex::new(&groups);
        let mut reach = index.reach(&Gate::feature("g69"));
        assert!(reach.widen(&index.reach(&Gate::feature(OTHER_MODELS))));
        assert!(reach.widen(&index.reach(&Gate::feature("g01"))));
        assert!(!reach.widen(&index.reach(&Gate::feature("g69"))));
        let expected = ["g01", "g69", OTHER_MODELS].map(str::to_owned);
        assert_eq!(index.gate(&reach), Gate::Any(expected.into()));
        let Reach::Any(bits) = &reach else {
            panic!("{reach:?}")
        };
        assert_eq!(Reach::count(bits), 3);
        assert!(reach.widen(&Reach::Always));
        assert_eq!(index.gate(&reach), Gate::Always);
        assert_eq!(index.reach(&Gate::feature("unknown")), Reach::Always);
    }

    #[test]
    fn widening_to_always_absorbs_features() {
        let mut g = Gate::feature("a");
        assert!(g.widen(&Gate::feature("b")));
        assert!(!g.widen(&Gate::feature("a")));
        assert_eq!(
            g.attr_text(),
            "#[cfg(any(feature = \"a\", feature = \"b\"))]"
        );
        assert!(g.widen(&Gate::Always));
        assert_eq!(g, Gate::Always);
        assert_eq!(g.attr_text(), "");
    }
}
