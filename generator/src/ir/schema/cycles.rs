//! Finishing: types that contain themselves inline (a reference cycle) get a `Box` on the field
//! that closes the cycle, found with Tarjan's strongly connected components.

use super::*;

impl SchemaCx<'_> {
    /// Boxes struct fields that close a cycle of directly contained types, so every type has a size.
    pub fn finish(mut self) -> (Vec<TypeDef>, Vec<Diagnostic>) {
        let index: rustc_hash::FxHashMap<String, usize> = self
            .types
            .iter()
            .enumerate()
            .map(|(i, t)| (t.name.clone(), i))
            .collect();
        let edges: Vec<Vec<usize>> = self
            .types
            .iter()
            .map(|t| {
                let mut out = Vec::new();
                let mut push = |ty: &TypeRef| {
                    if let Some(n) = direct_name(ty) {
                        if let Some(&j) = index.get(n) {
                            out.push(j);
                        }
                    }
                };
                match &t.kind {
                    TypeKind::Struct(s) => s.fields.iter().for_each(|f| push(&f.ty)),
                    TypeKind::Union(u) => u.variants.iter().for_each(|v| push(&v.ty)),
                    TypeKind::Alias(ty) => push(ty),
                    TypeKind::Enum(_) => {}
                }
                out
            })
            .collect();
        let scc = strongly_connected(&edges);
        for i in 0..self.types.len() {
            if let TypeKind::Struct(s) = &mut self.types[i].kind {
                for f in &mut s.fields {
                    if let Some(&j) = direct_name(&f.ty).and_then(|n| index.get(n)) {
                        f.boxed = scc[i] == scc[j];
                    }
                }
            }
        }
        (self.types, self.diags)
    }
}

/// The named type a field contains inline (not behind a `Vec` or map, which already indirect).
pub(super) fn direct_name(ty: &TypeRef) -> Option<&str> {
    match ty {
        TypeRef::Named(n) => Some(n),
        TypeRef::Option(inner) => direct_name(inner),
        _ => None,
    }
}

/// Tarjan's algorithm; returns the component id of each node.
pub(super) fn strongly_connected(edges: &[Vec<usize>]) -> Vec<usize> {
    struct State<'e> {
        edges: &'e [Vec<usize>],
        index: Vec<Option<usize>>,
        low: Vec<usize>,
        on_stack: Vec<bool>,
        stack: Vec<usize>,
        next: usize,
        comp: Vec<usize>,
        comps: usize,
    }
    fn visit(s: &mut State<'_>, v: usize) {
        s.index[v] = Some(s.next);
        s.low[v] = s.next;
        s.next += 1;
        s.stack.push(v);
        s.on_stack[v] = true;
        for &w in &s.edges[v] {
            match s.index[w] {
                None => {
                    visit(s, w);
                    s.low[v] = s.low[v].min(s.low[w]);
                }
                Some(iw) if s.on_stack[w] => s.low[v] = s.low[v].min(iw),
                _ => {}
            }
        }
        if Some(s.low[v]) == s.index[v] {
            while let Some(w) = s.stack.pop() {
                s.on_stack[w] = false;
                s.comp[w] = s.comps;
                if w == v {
                    break;
                }
            }
            s.comps += 1;
        }
    }
    let n = edges.len();
    let mut s = State {
        edges,
        index: vec![None; n],
        low: vec![0; n],
        on_stack: vec![false; n],
        stack: vec![],
        next: 0,
        comp: vec![0; n],
        comps: 0,
    };
    for v in 0..n {
        if s.index[v].is_none() {
            visit(&mut s, v);
        }
    }
    s.comp
}
