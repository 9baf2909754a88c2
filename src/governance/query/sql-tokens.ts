/**
 * A small SQLite tokenizer for the query guard: enough to tell keywords and names from the
 * contents of string literals and comments, which is all the guard needs. It follows SQLite's
 * lexical rules (tokenize.c): `--` and `/* … *\/` comments (an unterminated block comment runs to
 * the end), `'…'` strings and blob literals with `''` escapes, identifiers quoted with `"…"`,
 * `` `…` `` (doubled quotes escape) or `[…]`, and bare words of letters, digits, `_`, `$` and
 * any non-ASCII character.
 *
 * Where it could disagree with SQLite it errs towards more, shorter words (which the guard then
 * checks), never towards hiding a word: text SQLite would read as one number or one name and this
 * reads differently is text SQLite refuses anyway.
 */

export type SqlToken =
  /** A bare word: keyword, name or function. `text` as written. */
  | { readonly kind: 'word'; readonly text: string }
  /** A quoted identifier; `text` is the name without quotes. */
  | { readonly kind: 'quoted'; readonly text: string }
  | { readonly kind: 'string' }
  | { readonly kind: 'number' }
  /** A parameter: `?`, `?1`, `:name`, `@name`, `$name`. */
  | { readonly kind: 'param' }
  /** `;` ends a statement. */
  | { readonly kind: 'semicolon' }
  /** Any other operator or punctuation character(s). */
  | { readonly kind: 'punct'; readonly text: string };

/** What the tokenizer could not read; `at` is a character offset. */
export class SqlLexError extends Error {
  constructor(
    message: string,
    readonly at: number,
  ) {
    super(message);
  }
}

function isWordStart(c: string): boolean {
  return /[A-Za-z_]/.test(c) || c.charCodeAt(0) > 0x7f;
}

function isWordPart(c: string): boolean {
  return /[A-Za-z0-9_$]/.test(c) || c.charCodeAt(0) > 0x7f;
}

/** End (exclusive) of a quoted run opened at `start` with `close`, where `close` doubled escapes itself. */
function quotedEnd(sql: string, start: number, close: string, doubling: boolean): number {
  let i = start + 1;
  for (;;) {
    const end = sql.indexOf(close, i);
    if (end < 0) return -1;
    if (doubling && sql[end + 1] === close) {
      i = end + 2;
      continue;
    }
    return end + 1;
  }
}

/** Splits `sql` into tokens, dropping whitespace and comments. Throws {@link SqlLexError}. */
export function tokenizeSql(sql: string): SqlToken[] {
  const tokens: SqlToken[] = [];
  let i = 0;
  while (i < sql.length) {
    const c = sql[i] ?? '';
    const next = sql[i + 1] ?? '';
    if (c === ' ' || c === '\t' || c === '\n' || c === '\f' || c === '\r') {
      // SQLite's whitespace only: a non-ASCII space is part of a word to SQLite, so it is here too.
      i += 1;
    } else if (c === '-' && next === '-') {
      const end = sql.indexOf('\n', i);
      i = end < 0 ? sql.length : end + 1;
    } else if (c === '/' && next === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end < 0 ? sql.length : end + 2;
    } else if (c === "'" || ((c === 'x' || c === 'X') && next === "'")) {
      const start = c === "'" ? i : i + 1;
      const end = quotedEnd(sql, start, "'", true);
      if (end < 0) throw new SqlLexError('an unterminated string literal', i);
      tokens.push({ kind: 'string' });
      i = end;
    } else if (c === '"' || c === '`' || c === '[') {
      const close = c === '[' ? ']' : c;
      const end = quotedEnd(sql, i, close, c !== '[');
      if (end < 0) throw new SqlLexError('an unterminated quoted identifier', i);
      const inner = sql.slice(i + 1, end - 1);
      tokens.push({ kind: 'quoted', text: c === '[' ? inner : inner.replaceAll(close + close, close) });
      i = end;
    } else if (isWordStart(c)) {
      let end = i + 1;
      while (end < sql.length && isWordPart(sql[end] ?? '')) end += 1;
      tokens.push({ kind: 'word', text: sql.slice(i, end) });
      i = end;
    } else if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(next))) {
      // Digits, a fraction, an exponent, hex (0x…), and SQLite 3.46+'s `_` digit separators.
      let end = i + 1;
      while (end < sql.length) {
        const d = sql[end] ?? '';
        const prev = sql[end - 1] ?? '';
        if (/[0-9A-Za-z_.]/.test(d) || ((d === '+' || d === '-') && /[eE]/.test(prev))) end += 1;
        else break;
      }
      tokens.push({ kind: 'number' });
      i = end;
    } else if (c === '?' || ((c === ':' || c === '@' || c === '$') && isWordPart(next))) {
      let end = i + 1;
      while (end < sql.length && isWordPart(sql[end] ?? '')) end += 1;
      tokens.push({ kind: 'param' });
      i = end;
    } else if (c === ';') {
      tokens.push({ kind: 'semicolon' });
      i += 1;
    } else {
      tokens.push({ kind: 'punct', text: c });
      i += 1;
    }
  }
  return tokens;
}
