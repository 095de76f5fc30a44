//! Best-effort mapping from a JSON pointer to a line of the source text.
//!
//! Neither YAML nor JSON parser used here keeps positions, so the line is found by scanning: each
//! pointer token is looked for as a mapping key after the line where the previous one was found.
//! It is a hint for humans reading diagnostics, so a miss yields no line rather than a wrong guess
//! about structure (array indices are skipped: their items are on later lines anyway).

/// Borrows the source text (a copy was 47 MB on Microsoft Graph's spec); lines are split only when
/// a diagnostic asks (rarely, and never on the happy path), and then once: a spec with many
/// warnings does not split 300,000 lines per warning.
#[derive(Debug, Default)]
pub struct LineIndex<'t> {
    text: &'t str,
    /// Byte offset of each line's start, computed on the first `find`.
    starts: std::sync::OnceLock<Vec<usize>>,
}

/// The lines of a text as `str::lines` reads them, by index.
struct Lines<'a> {
    text: &'a str,
    starts: &'a [usize],
    /// A JSON text's keys are all quoted: its YAML spellings need no search (each was a scan of
    /// the text up to the quoted key's line: most of GitHub's 40 ms for nine warnings).
    json: bool,
}

impl<'a> Lines<'a> {
    fn len(&self) -> usize {
        self.starts.len()
    }

    /// The first line from `from` on whose text (after indentation and `- `) starts with one of
    /// `keys`, or with `quoted` followed by `:`. Found by searching the text for each key, each
    /// search stopping where an earlier one already found a line, rather than by testing every
    /// line: a 347,000-line spec was read line by line for each pointer token.
    fn first_key_line(&self, from: usize, keys: &[&str], quoted: &str) -> Option<usize> {
        let start = *self.starts.get(from)?;
        let mut found: Option<usize> = None;
        let keys = if self.json { &[] } else { keys };
        let searches = std::iter::once((quoted, true)).chain(keys.iter().map(|k| (*k, false)));
        for (needle, needs_colon) in searches {
            // Only a match starting before the line found so far can be a better one.
            let mut end = found.map_or(self.text.len(), |line| self.starts[line] + needle.len());
            end = end.min(self.text.len());
            while !self.text.is_char_boundary(end) {
                end += 1;
            }
            let window = &self.text.as_bytes()[start..end];
            // memchr's vectorised search: a token's search may read to the end of the text
            // (13 MB for GitHub's spec), several times per warning.
            let hit = memchr::memmem::find_iter(window, needle).find_map(|at| {
                let at = start + at;
                let line = self.starts.partition_point(|&s| s <= at) - 1;
                let text = self.get(line);
                let key = text.trim_start().trim_start_matches("- ");
                let key_at = self.starts[line] + (text.len() - key.len());
                let valid = key_at == at
                    && (!needs_colon || key[needle.len()..].trim_start().starts_with(':'));
                valid.then_some(line)
            });
            if let Some(line) = hit {
                found = Some(found.map_or(line, |f| f.min(line)));
            }
        }
        found
    }

    fn get(&self, i: usize) -> &'a str {
        let rest = &self.text[self.starts[i]..];
        match rest.find('\n') {
            Some(end) => rest[..end].strip_suffix('\r').unwrap_or(&rest[..end]),
            None => rest,
        }
    }
}

impl<'t> LineIndex<'t> {
    pub fn new(text: &'t str) -> Self {
        Self {
            text,
            starts: std::sync::OnceLock::new(),
        }
    }

    pub fn find(&self, pointer: &str) -> Option<usize> {
        let starts = self.starts.get_or_init(|| {
            let text = self.text;
            let breaks = text.match_indices('\n').map(|(i, _)| i + 1);
            let mut starts: Vec<usize> = std::iter::once(0).chain(breaks).collect();
            // `str::lines` yields no empty line after a final newline, nor any for "".
            if starts.last() == Some(&text.len()) {
                starts.pop();
            }
            starts
        });
        let lines = Lines {
            text: self.text,
            starts,
            json: self
                .text
                .trim_start_matches('\u{feff}')
                .trim_start()
                .starts_with('{'),
        };
        Self::find_in(&lines, pointer)
    }

    fn find_in(lines: &Lines<'_>, pointer: &str) -> Option<usize> {
        if pointer.is_empty() || lines.len() < 3 {
            // A one-line JSON document has no useful line to show.
            return None;
        }
        let mut line = 0usize;
        let mut found_any = false;
        for raw in pointer.split('/').skip(1) {
            let token = raw.replace("~1", "/").replace("~0", "~");
            if token.parse::<usize>().is_ok() {
                continue;
            }
            let yaml_plain = format!("{token}:");
            let yaml_single = format!("'{token}':");
            let quoted = format!("\"{token}\"");
            let flow_key = format!("{{{token}:");
            // A key inside a flow mapping (`contact: {name: x, url: y}`) on the line found so far
            // is that line; searching on would find the next block key of the same name.
            let current = lines.get(line);
            let in_flow = current.find('{').is_some_and(|open| {
                let flow = &current[open..];
                flow.contains(&format!("{{{token}:"))
                    || flow.contains(&format!(" {token}:"))
                    || flow.contains(&format!("{quoted}:"))
            });
            if found_any && in_flow {
                continue;
            }
            let hit = lines.first_key_line(line, &[&yaml_plain, &yaml_single], &quoted);
            match hit {
                Some(hit) => {
                    line = hit;
                    found_any = true;
                }
                // A key inside a flow mapping (`{$ref: ...}`) on the line found so far.
                None if found_any
                    && (lines.get(line).contains(&flow_key)
                        || lines.get(line).contains(&format!(" {token}:"))) => {}
                // Not found: the enclosing line is still the best hint there is.
                None => break,
            }
        }
        found_any.then_some(line + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::LineIndex;

    #[test]
    fn finds_json_keys_by_their_quoted_spelling() {
        let text = r#"{
  "openapi": "3.1.0",
  "paths": {
    "/pets": {
      "description": "responses: are below",
      "get": {
        "responses": {}
      }
    }
  }
}
"#;
        let lines = LineIndex::new(text);
        assert_eq!(lines.find("/paths/~1pets/get/responses"), Some(7));
        assert_eq!(lines.find("/paths/~1pets/get"), Some(6));
        assert_eq!(lines.find("/paths/~1missing"), Some(3));
    }

    #[test]
    fn finds_yaml_keys_in_every_spelling() {
        let text = "openapi: 3.1.0\npaths:\n  '/pets':\n    get:\n      \"responses\": {}\n";
        let lines = LineIndex::new(text);
        assert_eq!(lines.find("/paths/~1pets/get/responses"), Some(5));
        assert_eq!(lines.find("/paths/~1pets/get"), Some(4));
    }
}
