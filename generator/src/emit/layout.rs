//! Line breaking for text writers whose lines can be too long for one line (signatures, calls,
//! method chains, match arms): the piece is described as words, breaks and boxes, the way
//! prettyplease describes what it prints, and laid out by the same rule, so the text is the one
//! prettyplease prints (checked against it in debug builds, see `render`).
//!
//! The rule is Oppen's ("Prettyprinting", 1980), which prettyplease uses with a 89-column
//! margin: a box is broken when its text up to the next break outside it does not fit in what
//! is left of the line; a broken consistent box breaks all its breaks, a broken inconsistent one
//! only those whose text up to the next break does not fit. [`Expr`] writes the few expression
//! shapes the operations use in prettyplease's boxes. Words that prettyplease could break but
//! these writers do not describe ([`Layout::fitted`]) must end on a line that fits the margin, or
//! the piece is declined.

/// prettyplease's margin, its indentation step and the least room it gives a deep line.
const MARGIN: isize = 89;
const INDENT: isize = 4;
const MIN_SPACE: isize = 60;
/// A hard break's width: larger than any line, so every box around it is broken.
const HARD: isize = 0xffff;

#[derive(Clone, Copy)]
struct Break {
    blank: isize,
    offset: isize,
    /// Written before the newline when broken (a trailing comma).
    pre: Option<char>,
    /// Written after the newline's indentation when broken.
    post: &'static str,
    /// Written instead of the blank when not broken.
    unbroken: Option<char>,
    never: bool,
}

const ZERO: Break = Break {
    blank: 0,
    offset: 0,
    pre: None,
    post: "",
    unbroken: None,
    never: false,
};

enum Token {
    Word(String),
    /// A word that must end on a line within the margin (prettyplease might break inside it).
    Fitted(String),
    Break(Break),
    Begin {
        offset: isize,
        consistent: bool,
    },
    End,
}

/// A piece of text as words, breaks and boxes, laid out at a given indentation.
#[derive(Default)]
pub(crate) struct Layout {
    tokens: Vec<Token>,
}

impl Layout {
    pub fn word(&mut self, word: impl Into<String>) {
        self.tokens.push(Token::Word(word.into()));
    }

    pub fn fitted(&mut self, word: impl Into<String>) {
        self.tokens.push(Token::Fitted(word.into()));
    }

    /// A box whose breaks all break, or none.
    pub fn cbox(&mut self, offset: isize) {
        self.tokens.push(Token::Begin {
            offset,
            consistent: true,
        });
    }

    /// A box whose breaks break one at a time, as needed.
    pub fn ibox(&mut self, offset: isize) {
        self.tokens.push(Token::Begin {
            offset,
            consistent: false,
        });
    }

    /// Closes a box; a box holding nothing but one break is dropped, as prettyplease does.
    pub fn end(&mut self) {
        if let [.., Token::Begin { .. }, Token::Break(_)] = self.tokens.as_slice() {
            self.tokens.truncate(self.tokens.len() - 2);
            return;
        }
        self.tokens.push(Token::End);
    }

    pub fn zerobreak(&mut self) {
        self.tokens.push(Token::Break(ZERO));
    }

    pub fn space(&mut self) {
        self.tokens.push(Token::Break(Break { blank: 1, ..ZERO }));
    }

    pub fn hardbreak(&mut self) {
        self.tokens.push(Token::Break(Break {
            blank: HARD,
            ..ZERO
        }));
    }

    pub fn neverbreak(&mut self) {
        self.tokens.push(Token::Break(Break {
            never: true,
            ..ZERO
        }));
    }

    /// After a list element: `, ` (breakable) between elements; after the last, a break that
    /// writes a comma only when broken.
    pub fn trailing_comma(&mut self, is_last: bool) {
        if is_last {
            self.tokens.push(Token::Break(Break {
                pre: Some(','),
                ..ZERO
            }));
        } else {
            self.word(",");
            self.space();
        }
    }

    /// Moves the last break's indentation (the break before a list's closing delimiter).
    pub fn offset(&mut self, offset: isize) {
        if let Some(Token::Break(b)) = self.tokens.last_mut() {
            b.offset += offset;
        }
    }

    /// A type as `text::type_text` writes it: each `<...>` list a box of its own.
    pub fn ty(&mut self, ty: &str) {
        let mut word = String::new();
        let mut chars = ty.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '<' => {
                    word.push('<');
                    self.word(std::mem::take(&mut word));
                    self.cbox(INDENT);
                    self.zerobreak();
                }
                ',' if chars.peek() == Some(&' ') => {
                    chars.next();
                    word.push(',');
                    self.word(std::mem::take(&mut word));
                    self.space();
                }
                '>' => {
                    if !word.is_empty() {
                        self.word(std::mem::take(&mut word));
                    }
                    self.trailing_comma(true);
                    self.offset(-INDENT);
                    self.end();
                    word.push('>');
                }
                _ => word.push(c),
            }
        }
        if !word.is_empty() {
            self.word(word);
        }
    }

    /// A function's signature up to its opening brace, as prettyplease prints an item `fn`:
    /// `head` is everything before the parameter list (`pub fn name`), each of `params` is
    /// written whole (`name: ` and its type, or `&self`).
    pub fn signature(&mut self, head: &str, params: &[(&str, &str)], ret: &str) {
        // The function's own box; its body (not written here) would break it anyway.
        self.cbox(INDENT);
        self.word(head);
        self.word("(");
        self.neverbreak();
        self.cbox(0);
        self.zerobreak();
        for (i, (name, ty)) in params.iter().enumerate() {
            self.word(*name);
            if !ty.is_empty() {
                self.word(": ");
                self.ty(ty);
            }
            self.trailing_comma(i + 1 == params.len());
        }
        self.offset(-INDENT);
        self.end();
        self.word(")");
        self.cbox(-INDENT);
        self.word(" -> ");
        self.ty(ret);
        self.end();
        self.word(" {");
        self.end();
        self.hardbreak();
    }

    /// An impl block's first line, `impl Type {` or `impl Trait for Type {`.
    pub fn impl_header(&mut self, trait_path: Option<&str>, ty: &str) {
        // The block's own box; its items (not written here) would break it anyway.
        self.cbox(INDENT);
        self.ibox(-INDENT);
        self.cbox(INDENT);
        self.word("impl");
        self.end();
        self.word(" ");
        if let Some(path) = trait_path {
            self.ty(path);
            self.space();
            self.word("for ");
        }
        self.word(ty);
        self.end();
        self.word(" {");
        self.end();
        self.hardbreak();
    }

    /// A struct's field, `pub name: Type,`.
    pub fn field(&mut self, name: &str, ty: &str) {
        self.word(format!("pub {name}: "));
        self.ty(ty);
        self.word(",");
        self.hardbreak();
    }

    /// An enum's variant holding one value, `Name(Type),`.
    pub fn tuple_variant(&mut self, name: &str, ty: &str) {
        self.word(name);
        self.cbox(INDENT);
        self.word("(");
        self.zerobreak();
        self.ty(ty);
        self.trailing_comma(true);
        self.offset(-INDENT);
        self.word(")");
        self.end();
        self.word(",");
        self.hardbreak();
    }

    /// An item `path!(argument);` whose argument is one token.
    pub fn macro_stmt(&mut self, path: &str, argument: &str) {
        Expr::Macro(path.into(), argument.into()).write(self);
        self.word(";");
        self.hardbreak();
    }

    /// An item `path!(tokens);` whose argument is many tokens, as prettyplease prints a macro's
    /// tokens: one inconsistent box, filled line by line. prettyplease puts a space between two
    /// tokens but before a comma (and inside a brace group's delimiters); `words` are the tokens
    /// with no space between them joined (`"json",`).
    pub fn macro_fill_stmt(
        &mut self,
        path: &str,
        words: impl IntoIterator<Item = impl Into<String>>,
    ) {
        self.word(path);
        self.word("(");
        self.cbox(INDENT);
        self.zerobreak();
        self.ibox(0);
        for (i, word) in words.into_iter().enumerate() {
            if i > 0 {
                self.space();
            }
            self.word(word);
        }
        self.end();
        self.zerobreak();
        self.offset(-INDENT);
        self.end();
        self.word(");");
        self.hardbreak();
    }

    /// A statement: `expr;` (`semi`), or the block's value.
    pub fn stmt(&mut self, expr: &Expr, semi: bool) {
        self.ibox(0);
        expr.write_line_start(self);
        if semi {
            self.word(";");
        }
        self.end();
        self.hardbreak();
    }

    /// `let pattern = expr;`
    pub fn let_stmt(&mut self, pattern: &str, expr: &Expr) {
        self.ibox(0);
        self.word("let ");
        self.fitted(pattern);
        self.word(" = ");
        self.neverbreak();
        expr.write(self);
        self.end();
        self.word(";");
        self.hardbreak();
    }

    /// The first line(s) of a statement `if let path(binding) = expr {`, up to its brace; its
    /// block (not written here) breaks the boxes around it.
    pub fn if_let_header(&mut self, path: &str, binding: &str, expr: &Expr) {
        self.ibox(0);
        self.cbox(INDENT);
        self.word("if ");
        // The condition: the `let`, then a break before the brace when the scrutinee is one
        // prettyplease wraps (a field, a method call), a blank otherwise.
        self.cbox(-INDENT);
        self.cbox(0);
        self.ibox(0);
        self.word("let ");
        self.ibox(0);
        self.word(format!("{path}("));
        self.cbox(INDENT);
        self.zerobreak();
        self.word(binding);
        self.trailing_comma(true);
        self.offset(-INDENT);
        self.end();
        self.word(")");
        self.end();
        self.word(" = ");
        self.neverbreak();
        self.ibox(0);
        expr.write(self);
        self.end();
        self.end();
        if expr.wraps_before_block() {
            self.space();
        } else {
            self.word(" ");
        }
        self.end();
        self.end();
        self.word("{");
        self.hardbreak();
        self.end();
        self.end();
    }

    /// A `match` arm `pattern => expr,` whose value goes into braces on lines of its own when
    /// it does not fit.
    pub fn arm(&mut self, pattern: &str, expr: &Expr) {
        self.arm_after(Token::Fitted(pattern.into()), expr);
    }

    /// [`Layout::arm`] with a pattern prettyplease never breaks (a path, a literal).
    pub fn word_arm(&mut self, pattern: &str, expr: &Expr) {
        self.arm_after(Token::Word(pattern.into()), expr);
    }

    fn arm_after(&mut self, pattern: Token, expr: &Expr) {
        self.ibox(0);
        self.tokens.push(pattern);
        self.word(" => ");
        self.neverbreak();
        self.cbox(INDENT);
        self.tokens.push(Token::Break(Break {
            pre: Some('{'),
            ..ZERO
        }));
        expr.write_line_start(self);
        self.tokens.push(Token::Break(Break {
            offset: -INDENT,
            post: "}",
            unbroken: Some(','),
            ..ZERO
        }));
        self.end();
        self.end();
        self.hardbreak();
    }

    /// The text, its first line starting at column `indent` inside a broken block indented as
    /// much; `None` when a fitted word ends past the margin.
    pub fn print(self, indent: usize) -> Option<String> {
        let sizes = self.sizes();
        let mut printer = Printer {
            out: String::new(),
            space: MARGIN - indent as isize,
            indent: indent as isize,
            pending: indent,
            frames: Vec::new(),
            fitted_line: false,
            unmeasured_tail: false,
        };
        for (token, size) in self.tokens.into_iter().zip(sizes) {
            printer.token(token, size)?;
        }
        printer.newline_check()?;
        Some(printer.out)
    }

    /// Each box's and break's width: its text up to the next break that is not inside a box
    /// opened after it (Oppen's scan), computed with a stack of the unresolved ones.
    fn sizes(&self) -> Vec<isize> {
        let mut sizes = vec![0; self.tokens.len()];
        let mut open: Vec<usize> = Vec::new();
        let mut total: isize = 0;
        for (i, token) in self.tokens.iter().enumerate() {
            match token {
                Token::Word(w) | Token::Fitted(w) => total += w.len() as isize,
                Token::Begin { .. } => {
                    sizes[i] = -total;
                    open.push(i);
                }
                Token::End => open.push(i),
                Token::Break(b) => {
                    self.resolve(&mut open, &mut sizes, total);
                    sizes[i] = -total;
                    open.push(i);
                    total += b.blank;
                }
            }
        }
        self.resolve(&mut open, &mut sizes, total);
        sizes
    }

    /// At a break (or the end): the boxes closed since the last break at this level, and that
    /// break, now know their width.
    fn resolve(&self, open: &mut Vec<usize>, sizes: &mut [isize], total: isize) {
        let mut depth = 0;
        while let Some(&i) = open.last() {
            match self.tokens[i] {
                Token::Begin { .. } => {
                    if depth == 0 {
                        break;
                    }
                    open.pop();
                    sizes[i] += total;
                    depth -= 1;
                }
                Token::End => {
                    open.pop();
                    depth += 1;
                }
                Token::Break(_) => {
                    open.pop();
                    sizes[i] += total;
                    if depth == 0 {
                        break;
                    }
                }
                Token::Word(_) | Token::Fitted(_) => unreachable!("words are not kept open"),
            }
        }
    }
}

#[derive(Clone, Copy)]
enum Frame {
    Fits,
    Broken {
        outer_indent: isize,
        consistent: bool,
    },
}

struct Printer {
    out: String,
    space: isize,
    indent: isize,
    /// Indentation not yet written (none is written before a newline).
    pending: usize,
    frames: Vec<Frame>,
    /// The current line holds a fitted word.
    fitted_line: bool,
    /// The line ends with a break's unbroken character, which prettyplease does not measure.
    unmeasured_tail: bool,
}

impl Printer {
    fn token(&mut self, token: Token, size: isize) -> Option<()> {
        match token {
            Token::Word(w) => self.write(&w),
            Token::Fitted(w) => {
                self.write(&w);
                self.fitted_line = true;
            }
            Token::Begin { offset, consistent } => {
                if size > self.space {
                    self.frames.push(Frame::Broken {
                        outer_indent: self.indent,
                        consistent,
                    });
                    self.indent += offset;
                } else {
                    self.frames.push(Frame::Fits);
                }
            }
            Token::End => {
                if let Some(Frame::Broken { outer_indent, .. }) = self.frames.pop() {
                    self.indent = outer_indent;
                }
            }
            Token::Break(b) => {
                let top = self.frames.last().copied().unwrap_or(Frame::Broken {
                    outer_indent: 0,
                    consistent: false,
                });
                let fits = b.never
                    || match top {
                        Frame::Fits => true,
                        Frame::Broken { consistent, .. } => !consistent && size <= self.space,
                    };
                if fits {
                    self.pending += b.blank as usize;
                    self.space -= b.blank;
                    if let Some(c) = b.unbroken {
                        self.out.push(c);
                        self.space -= 1;
                        self.unmeasured_tail = true;
                    }
                } else {
                    if let Some(c) = b.pre {
                        self.write(c.encode_utf8(&mut [0; 4]));
                    }
                    self.newline_check()?;
                    self.out.push('\n');
                    self.unmeasured_tail = false;
                    let indent = self.indent + b.offset;
                    self.pending = indent as usize;
                    self.space = (MARGIN - indent).max(MIN_SPACE);
                    if !b.post.is_empty() {
                        self.write(b.post);
                    }
                }
            }
        }
        Some(())
    }

    fn write(&mut self, text: &str) {
        self.unmeasured_tail = false;
        self.out.extend(std::iter::repeat_n(' ', self.pending));
        self.pending = 0;
        self.out.push_str(text);
        self.space -= text.len() as isize;
    }

    /// Declines when the line ending here holds a fitted word and passes the margin.
    fn newline_check(&mut self) -> Option<()> {
        let line_start = self.out.rfind('\n').map_or(0, |i| i + 1);
        let width = self.out.len() - line_start - usize::from(self.unmeasured_tail);
        let too_wide = width as isize > MARGIN;
        if std::mem::take(&mut self.fitted_line) && too_wide {
            return None;
        }
        Some(())
    }
}

/// The expression shapes the operations' text writers use, written in prettyplease's boxes.
pub(crate) enum Expr {
    /// A path, literal or other word with no break in it.
    Word(String),
    /// A short expression prettyplease could break but never does on a line that fits.
    Fitted(String),
    Ref(Box<Expr>),
    Try(Box<Expr>),
    /// `path(args)`.
    Call(String, Vec<Expr>),
    /// `receiver.method(args)`.
    Method(Box<Expr>, String, Vec<Expr>),
    /// `base.field`.
    Field(Box<Expr>, String),
    Tuple(Vec<Expr>),
    Array(Vec<Expr>),
    /// `path!(argument)` with a one-token argument.
    Macro(String, String),
}

impl Expr {
    pub fn word(text: impl Into<String>) -> Expr {
        Expr::Word(text.into())
    }

    pub fn fitted(text: impl Into<String>) -> Expr {
        Expr::Fitted(text.into())
    }

    pub fn call(path: impl Into<String>, args: Vec<Expr>) -> Expr {
        Expr::Call(path.into(), args)
    }

    pub fn method(self, name: &str, args: Vec<Expr>) -> Expr {
        Expr::Method(Box::new(self), name.into(), args)
    }

    /// `format!(literal)`.
    pub fn format_macro(literal: &str) -> Expr {
        Expr::Macro("format!".into(), literal.into())
    }

    pub fn field(self, name: &str) -> Expr {
        Expr::Field(Box::new(self), name.into())
    }

    pub fn reference(self) -> Expr {
        Expr::Ref(Box::new(self))
    }

    pub fn tried(self) -> Expr {
        Expr::Try(Box::new(self))
    }

    /// Whether prettyplease may put a block's brace after this condition on a line of its own
    /// (its `needs_newline_if_wrap`).
    fn wraps_before_block(&self) -> bool {
        match self {
            Expr::Field(..) | Expr::Method(..) => true,
            Expr::Ref(inner) | Expr::Try(inner) => inner.wraps_before_block(),
            _ => false,
        }
    }

    /// The expression on one line, as it is printed where it fits.
    pub fn flat(&self) -> String {
        let mut l = Layout::default();
        self.write(&mut l);
        let mut text = String::new();
        for token in &l.tokens {
            match token {
                Token::Word(w) | Token::Fitted(w) => text.push_str(w),
                Token::Break(b) => text.extend(std::iter::repeat_n(' ', b.blank as usize)),
                Token::Begin { .. } | Token::End => {}
            }
        }
        text
    }

    fn write(&self, l: &mut Layout) {
        match self {
            Expr::Word(w) => l.word(w.as_str()),
            Expr::Fitted(w) => l.fitted(w.as_str()),
            Expr::Ref(inner) => {
                l.word("&");
                inner.write(l);
            }
            Expr::Try(inner) => {
                inner.write(l);
                l.word("?");
            }
            Expr::Call(path, args) => {
                l.word(path.as_str());
                l.word("(");
                call_args(l, args);
                l.word(")");
            }
            Expr::Method(..) | Expr::Field(..) => self.write_chain(l, false),
            Expr::Tuple(elems) => {
                l.word("(");
                l.cbox(INDENT);
                l.zerobreak();
                for (i, e) in elems.iter().enumerate() {
                    e.write(l);
                    if elems.len() == 1 {
                        l.word(",");
                        l.zerobreak();
                    } else {
                        l.trailing_comma(i + 1 == elems.len());
                    }
                }
                l.offset(-INDENT);
                l.end();
                l.word(")");
            }
            Expr::Macro(path, argument) => {
                l.word(path.as_str());
                l.word("(");
                l.cbox(INDENT);
                l.zerobreak();
                l.ibox(0);
                l.word(argument.as_str());
                l.end();
                l.zerobreak();
                l.offset(-INDENT);
                l.end();
                l.word(")");
            }
            Expr::Array(elems) if elems.is_empty() => l.word("[]"),
            Expr::Array(elems) => {
                l.word("[");
                l.cbox(INDENT);
                l.zerobreak();
                for (i, e) in elems.iter().enumerate() {
                    e.write(l);
                    l.trailing_comma(i + 1 == elems.len());
                }
                l.offset(-INDENT);
                l.end();
                l.word("]");
            }
        }
    }

    /// At the start of a statement or match arm, where a method call on a short name keeps
    /// the name and the call together.
    fn write_line_start(&self, l: &mut Layout) {
        match self {
            Expr::Method(..) | Expr::Field(..) => self.write_chain(l, true),
            Expr::Try(inner) => {
                inner.write_line_start(l);
                l.word("?");
            }
            _ => self.write(l),
        }
    }

    /// A method call or field access: the chain it ends in, in one box.
    fn write_chain(&self, l: &mut Layout, line_start: bool) {
        l.cbox(INDENT);
        let unindent_args =
            matches!(self, Expr::Method(receiver, ..) if line_start && receiver.is_short_name());
        self.write_chain_link(l, line_start, unindent_args);
        l.end();
    }

    /// A short name: prettyplease keeps `name.method(` together at a line's start.
    fn is_short_name(&self) -> bool {
        matches!(self, Expr::Word(w) if w.len() <= INDENT as usize
            && w.chars().all(|c| c.is_alphanumeric() || c == '_'))
    }

    /// One link of a method chain, inside the chain's box: the receiver, a break before the
    /// dot, the method and its arguments.
    fn write_chain_link(&self, l: &mut Layout, line_start: bool, unindent_args: bool) {
        match self {
            Expr::Method(receiver, name, args) => {
                receiver.write_chain_link(l, line_start, false);
                if !(line_start && receiver.is_short_name()) {
                    l.zerobreak();
                }
                l.word(format!(".{name}"));
                l.cbox(if unindent_args { -INDENT } else { 0 });
                l.word("(");
                call_args(l, args);
                l.word(")");
                l.end();
            }
            Expr::Field(base, name) => {
                base.write_chain_link(l, line_start, false);
                if !(line_start && base.is_short_name()) {
                    l.zerobreak();
                }
                l.word(format!(".{name}"));
            }
            Expr::Call(path, args) => {
                l.cbox(-INDENT);
                l.word(path.as_str());
                l.end();
                l.word("(");
                call_args(l, args);
                l.word(")");
            }
            Expr::Try(inner) => {
                inner.write_chain_link(l, line_start, false);
                l.word("?");
            }
            other => {
                l.cbox(-INDENT);
                other.write(l);
                l.end();
            }
        }
    }
}

/// A call's arguments: one box, all on one line or one a line; a lone tuple or array argument
/// is written without it.
fn call_args(l: &mut Layout, args: &[Expr]) {
    if let [Expr::Tuple(_) | Expr::Array(_)] = args {
        args[0].write(l);
        return;
    }
    l.cbox(INDENT);
    l.zerobreak();
    for (i, arg) in args.iter().enumerate() {
        arg.write(l);
        l.trailing_comma(i + 1 == args.len());
    }
    l.offset(-INDENT);
    l.end();
}

#[cfg(test)]
mod tests;
