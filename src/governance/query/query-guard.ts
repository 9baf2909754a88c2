import { CellarError } from '../../errors.js';
import { SqlLexError, type SqlToken, tokenizeSql } from './sql-tokens.js';

/**
 * Keywords a sandboxed query may not contain anywhere (outside string literals, comments and
 * quoted names). Writes, schema changes, attaching files, pragmas and extensions.
 */
export const FORBIDDEN_KEYWORDS: ReadonlySet<string> = new Set([
  'ATTACH',
  'DETACH',
  'PRAGMA',
  'LOAD_EXTENSION',
  'VACUUM',
  'INSERT',
  'UPDATE',
  'DELETE',
  'REPLACE',
  'CREATE',
  'DROP',
  'ALTER',
]);

/**
 * Name prefixes a query may not use, bare or quoted: the micro-DB's internal tables, SQLite's
 * own tables and functions, and pragma table-valued functions.
 */
export const FORBIDDEN_PREFIXES: readonly string[] = ['_cellar', 'sqlite_', 'pragma_'];

/** Longest piece of the caller's SQL quoted back in an error. */
const SHOWN_CHARS = 64;

function rejected(detail: string): CellarError {
  return new CellarError('CELLAR_ERR_QUERY_REJECTED', `the query was rejected: ${detail}`, {
    hint: 'send one read-only SELECT (or WITH … SELECT) over the product tables',
  });
}

function shown(text: string): string {
  return JSON.stringify(text.length > SHOWN_CHARS ? `${text.slice(0, SHOWN_CHARS)}…` : text);
}

function isWord(token: SqlToken | undefined, word: string): boolean {
  return token?.kind === 'word' && token.text.toUpperCase() === word;
}

/**
 * Checks a query before it reaches SQLite: exactly one statement (trailing semicolons allowed),
 * starting with SELECT or WITH after comments and whitespace, and using none of
 * {@link FORBIDDEN_KEYWORDS} nor a name starting with one of {@link FORBIDDEN_PREFIXES}. A
 * keyword inside a string literal, comment or quoted name is fine. `replace(…)` the string
 * function is allowed; the REPLACE statement is not.
 *
 * This is the first of several walls, not the only one: the sandbox also runs the statement on a
 * masked copy holding only the product's tables, with `query_only`, and refuses a statement that
 * SQLite does not report as a read-only reader.
 *
 * @throws CellarError `CELLAR_ERR_QUERY_REJECTED` naming what was not allowed.
 */
export function guardQuery(sql: string): void {
  if (sql.includes('\0')) throw rejected('it contains a NUL character');
  let tokens: SqlToken[];
  try {
    tokens = tokenizeSql(sql);
  } catch (err) {
    if (err instanceof SqlLexError) throw rejected(`${err.message} at character ${err.at}`);
    throw err;
  }
  let end = tokens.length;
  while (end > 0 && tokens[end - 1]?.kind === 'semicolon') end -= 1;
  const statement = tokens.slice(0, end);
  if (statement.length === 0) throw rejected('it is empty');
  if (statement.some((t) => t.kind === 'semicolon')) throw rejected('it holds more than one statement');
  const first = statement[0];
  if (!isWord(first, 'SELECT') && !isWord(first, 'WITH')) {
    const what = first?.kind === 'word' || first?.kind === 'punct' ? shown(first.text) : `a ${first?.kind}`;
    throw rejected(`it must start with SELECT or WITH, not ${what}`);
  }
  statement.forEach((token, i) => {
    if (token.kind === 'word') {
      const upper = token.text.toUpperCase();
      const next = statement[i + 1];
      const call = next?.kind === 'punct' && next.text === '(';
      if (FORBIDDEN_KEYWORDS.has(upper) && !(upper === 'REPLACE' && call)) {
        throw rejected(`${upper} is not allowed`);
      }
    }
    if (token.kind === 'word' || token.kind === 'quoted') {
      const lower = token.text.toLowerCase();
      const prefix = FORBIDDEN_PREFIXES.find((p) => lower.startsWith(p));
      if (prefix !== undefined)
        throw rejected(`names starting with ${prefix} are not allowed (${shown(token.text)})`);
    }
  });
}
