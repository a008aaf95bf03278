//! Strings that match a spec `pattern`: a small generator for the regular-expression subset the
//! spec uses (literals, classes, groups, alternation, bounded and unbounded quantifiers, anchors;
//! lookarounds are skipped), checked afterwards with `regress` (ECMAScript semantics, as typify's
//! generated types use). Patterns it cannot satisfy fall back to a table of known-good values.

/// Values for patterns the generator cannot satisfy by itself, keyed by the exact pattern.
/// Empty today: add `(pattern, value)` here when a new spec pattern defeats `generate`.
const KNOWN_GOOD: &[(&str, &str)] = &[];

/// A string of length `min_len..=max_len` that `pattern` matches (a search, as JSON Schema and
/// typify use it), or `None`.
pub fn matching(pattern: &str, min_len: usize, max_len: usize) -> Option<String> {
    let re = regress::Regex::new(pattern).ok()?;
    let fits = |s: &str| {
        let n = s.chars().count();
        n >= min_len && n <= max_len && re.find(s).is_some()
    };
    for extra in [0usize, 1, 2, 3, 5, 8, 13, 21, 34, 64] {
        if let Some(s) = Gen::new(pattern, extra).run()
            && fits(&s)
        {
            return Some(s);
        }
        // A pattern that is not anchored at the end accepts any suffix: pad to the minimum.
        if let Some(mut s) = Gen::new(pattern, extra).run() {
            while s.chars().count() < min_len {
                s.push('a');
            }
            if fits(&s) {
                return Some(s);
            }
        }
    }
    KNOWN_GOOD
        .iter()
        .find(|(p, _)| *p == pattern)
        .map(|(_, v)| v.to_string())
        .filter(|v| fits(v))
}

struct Gen<'p> {
    chars: Vec<char>,
    pos: usize,
    /// Repetitions added to every quantifier's minimum (bounded by its maximum).
    extra: usize,
    _pattern: &'p str,
}

impl<'p> Gen<'p> {
    fn new(pattern: &'p str, extra: usize) -> Self {
        Self {
            chars: pattern.chars().collect(),
            pos: 0,
            extra,
            _pattern: pattern,
        }
    }

    fn run(mut self) -> Option<String> {
        let s = self.alternation()?;
        (self.pos == self.chars.len()).then_some(s)
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    /// `a|b|c`: the first branch.
    fn alternation(&mut self) -> Option<String> {
        let first = self.sequence()?;
        while self.peek() == Some('|') {
            self.pos += 1;
            self.sequence()?;
        }
        Some(first)
    }

    fn sequence(&mut self) -> Option<String> {
        let mut out = String::new();
        while let Some(c) = self.peek() {
            if c == '|' || c == ')' {
                break;
            }
            let atom = self.atom()?;
            let (min, max) = self.quantifier();
            let n = min.saturating_add(self.extra).min(max);
            if let Some(atom) = atom {
                for _ in 0..n {
                    out.push_str(&atom);
                }
            }
        }
        Some(out)
    }

    /// One atom; `Some(None)` for zero-width ones (anchors, lookarounds).
    fn atom(&mut self) -> Option<Option<String>> {
        let c = self.peek()?;
        self.pos += 1;
        Some(match c {
            '^' | '$' => None,
            '.' => Some("a".into()),
            '(' => {
                let mut lookaround = false;
                if self.peek() == Some('?') {
                    self.pos += 1;
                    match self.peek()? {
                        ':' => self.pos += 1,
                        '=' | '!' => {
                            self.pos += 1;
                            lookaround = true;
                        }
                        '<' => {
                            self.pos += 1;
                            if matches!(self.peek(), Some('=' | '!')) {
                                self.pos += 1;
                                lookaround = true;
                            } else {
                                while self.peek()? != '>' {
                                    self.pos += 1;
                                }
                                self.pos += 1;
                            }
                        }
                        _ => return None,
                    }
                }
                let inner = self.alternation()?;
                if self.peek()? != ')' {
                    return None;
                }
                self.pos += 1;
                if lookaround { None } else { Some(inner) }
            }
            '[' => Some(self.class()?.to_string()),
            '\\' => Some(self.escape()?.to_string()),
            c => Some(c.to_string()),
        })
    }

    fn escape(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += 1;
        Some(match c {
            'd' => '1',
            'w' | 'S' | 'D' | 'W' => 'a',
            's' => ' ',
            'x' => {
                let hex: String = self.chars.get(self.pos..self.pos + 2)?.iter().collect();
                self.pos += 2;
                char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?
            }
            'n' => '\n',
            't' => '\t',
            c => c,
        })
    }

    /// `[...]`: a character it admits.
    fn class(&mut self) -> Option<char> {
        let negated = self.peek() == Some('^');
        if negated {
            self.pos += 1;
        }
        let mut ranges: Vec<(char, char)> = vec![];
        let mut first = true;
        loop {
            let c = self.peek()?;
            if c == ']' && !first {
                self.pos += 1;
                break;
            }
            first = false;
            self.pos += 1;
            let lo = match c {
                '\\' => {
                    let e = self.peek()?;
                    match e {
                        'd' => {
                            self.pos += 1;
                            ranges.push(('0', '9'));
                            continue;
                        }
                        'w' => {
                            self.pos += 1;
                            ranges.extend([('a', 'z'), ('A', 'Z'), ('0', '9'), ('_', '_')]);
                            continue;
                        }
                        's' | 'S' => {
                            self.pos += 1;
                            ranges.push(if e == 's' { (' ', ' ') } else { ('a', 'a') });
                            continue;
                        }
                        _ => self.escape()?,
                    }
                }
                c => c,
            };
            if self.peek() == Some('-') && self.chars.get(self.pos + 1).is_some_and(|n| *n != ']') {
                self.pos += 1;
                let hi = match self.peek()? {
                    '\\' => {
                        self.pos += 1;
                        self.escape()?
                    }
                    h => {
                        self.pos += 1;
                        h
                    }
                };
                ranges.push((lo, hi));
            } else {
                ranges.push((lo, lo));
            }
        }
        let admits = |c: char| ranges.iter().any(|(lo, hi)| *lo <= c && c <= *hi);
        if negated {
            "azAZ09_".chars().find(|c| !admits(*c))
        } else {
            // Prefer a lowercase letter, then a digit, then whatever comes first.
            ('a'..='z')
                .chain('0'..='9')
                .find(|c| admits(*c))
                .or_else(|| ranges.first().map(|r| r.0))
        }
    }

    /// `*`, `+`, `?`, `{n}`, `{n,}`, `{n,m}` (a `{` that is not a quantifier is a literal).
    fn quantifier(&mut self) -> (usize, usize) {
        let q = match self.peek() {
            Some('*') => (0, usize::MAX),
            Some('+') => (1, usize::MAX),
            Some('?') => (0, 1),
            Some('{') => {
                let rest: String = self.chars[self.pos..].iter().collect();
                let Some(end) = rest.find('}') else {
                    return (1, 1);
                };
                let body = &rest[1..end];
                let parsed = match body.split_once(',') {
                    None => body.parse().ok().map(|n| (n, n)),
                    Some((a, "")) => a.parse().ok().map(|n| (n, usize::MAX)),
                    Some((a, b)) => a.parse().ok().zip(b.parse().ok()),
                };
                match parsed {
                    Some(q) => {
                        self.pos += end; // onto the `}`, consumed below
                        q
                    }
                    None => return (1, 1),
                }
            }
            _ => return (1, 1),
        };
        self.pos += 1;
        if self.peek() == Some('?') {
            self.pos += 1; // lazy
        }
        q
    }
}
