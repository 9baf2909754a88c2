import { describe, expect, it } from 'vitest';
import { type CellarError, isCellarError } from '../../../../src/errors.js';
import { guardQuery } from '../../../../src/governance/query/query-guard.js';
import { tokenizeSql } from '../../../../src/governance/query/sql-tokens.js';

function rejection(sql: string): CellarError {
  try {
    guardQuery(sql);
  } catch (err) {
    if (isCellarError(err, 'CELLAR_ERR_QUERY_REJECTED')) return err;
    throw err;
  }
  throw new Error(`expected ${JSON.stringify(sql)} to be rejected`);
}

describe('guardQuery accepts', () => {
  it.each([
    'SELECT * FROM customers',
    'select id, email from customers where id = ?',
    '  \n\t SELECT 1',
    '-- a comment\nSELECT 1',
    '/* a comment */ select 1',
    '/* DELETE FROM x; */ SELECT 1 -- DROP TABLE y',
    'WITH o AS (SELECT * FROM orders) SELECT count(*) FROM o',
    'with recursive r(x) as (select 1 union all select x + 1 from r where x < 3) select x from r',
    'SELECT 1;',
    'SELECT 1;  ;\n-- done\n',
    "SELECT 'DELETE FROM customers; DROP TABLE x' AS s",
    "SELECT 'it''s _cellar_vault and sqlite_master' AS s",
    'SELECT "DELETE" FROM (SELECT 1 AS "DELETE")',
    "SELECT replace(email, '@', ' at ') FROM customers",
    "SELECT REPLACE (status, 'a', 'b') FROM orders",
    'SELECT id AS updated_at, customers.email FROM customers',
    "SELECT x'00ff' AS b, :name, @n, $v, ?2",
    'SELECT 1.5e-3, .5, 0x1F',
    'select * from orders order by total desc limit 5',
    'SELECT json_extract(\'{"a":"DROP"}\', \'$.a\')',
  ])('%s', (sql) => {
    expect(() => guardQuery(sql)).not.toThrow();
  });
});

describe('guardQuery rejects', () => {
  it.each([
    ['SELECT 1; DROP TABLE customers', 'more than one statement'],
    ['SELECT 1; SELECT 2', 'more than one statement'],
    ["/* */ ATTACH DATABASE '/tmp/x.db' AS x", 'must start with SELECT or WITH'],
    ["SELECT 1 /* */ ; ATTACH ':memory:' AS x", 'more than one statement'],
    ['WITH x AS (SELECT 1) DELETE FROM customers', 'DELETE is not allowed'],
    ['WITH x AS (SELECT 1) INSERT INTO orders SELECT * FROM orders', 'INSERT is not allowed'],
    ['WITH x AS (SELECT 1) UPDATE orders SET total = 0', 'UPDATE is not allowed'],
    ['WITH x AS (SELECT 1) REPLACE INTO orders VALUES (1)', 'REPLACE is not allowed'],
    ['select * from _cellar_vault', 'names starting with _cellar'],
    ['select * from "_cellar_meta"', 'names starting with _cellar'],
    ['select * from [_CELLAR_changes]', 'names starting with _cellar'],
    ['select * from main.`_cellar_vault`', 'names starting with _cellar'],
    ['SELECT * FROM sqlite_master', 'names starting with sqlite_'],
    ['SELECT * FROM sqlite_schema', 'names starting with sqlite_'],
    ['SELECT sqlite_version()', 'names starting with sqlite_'],
    ["SELECT * FROM pragma_table_info('customers')", 'names starting with pragma_'],
    ["select load_extension('x')", 'LOAD_EXTENSION is not allowed'],
    ['pragma table_info(x)', 'must start with SELECT or WITH'],
    ['SELECT 1 FROM customers WHERE 0 UNION SELECT 1 FROM x WHERE (PRAGMA)', 'PRAGMA is not allowed'],
    ['VACUUM', 'must start with SELECT or WITH'],
    ['SELECT 1 VACUUM', 'VACUUM is not allowed'],
    ['DELETE FROM customers', 'must start with SELECT or WITH'],
    ['INSERT INTO customers VALUES (1)', 'must start with SELECT or WITH'],
    ['CREATE TABLE t (a)', 'must start with SELECT or WITH'],
    ['WITH a AS (SELECT 1) CREATE TABLE t (a)', 'CREATE is not allowed'],
    ['SELECT 1 WHERE 0 DROP', 'DROP is not allowed'],
    ['WITH a AS (SELECT 1) ALTER TABLE x RENAME TO y', 'ALTER is not allowed'],
    ['SELECT 1 DETACH', 'DETACH is not allowed'],
    ['EXPLAIN SELECT 1', 'must start with SELECT or WITH, not "EXPLAIN"'],
    ['(SELECT 1)', 'must start with SELECT or WITH'],
    ['VALUES (1)', 'must start with SELECT or WITH'],
    ['', 'it is empty'],
    ['  -- only a comment', 'it is empty'],
    [';', 'it is empty'],
    ["SELECT 'unterminated", 'unterminated string literal'],
    ['SELECT "unterminated', 'unterminated quoted identifier'],
    ['SELECT 1\0; DROP TABLE x', 'NUL character'],
    ['SELECT 1 --\n; DELETE FROM customers', 'more than one statement'],
    ["SELECT 'a'';DROP TABLE x;--'; DELETE FROM orders", 'more than one statement'],
    ['select/**/*/**/from/**/_cellar_vault', 'names starting with _cellar'],
  ])('%s', (sql, reason) => {
    const err = rejection(sql);
    expect(err.status).toBe(400);
    expect(err.message).toContain(reason);
  });

  it('names the keyword, whatever its case', () => {
    expect(rejection('WITH x AS (SELECT 1) dElEtE FROM orders').message).toBe(
      'the query was rejected: DELETE is not allowed',
    );
  });

  it('quotes back at most 64 characters of the caller SQL', () => {
    const message = rejection(`SELECT * FROM sqlite_${'x'.repeat(500)}`).message;
    expect(message.length).toBeLessThan(200);
  });
});

describe('tokenizeSql', () => {
  it('keeps keywords out of strings, comments and quoted names', () => {
    const words = tokenizeSql(`SELECT 'DROP' /* DELETE */ "ALTER" -- INSERT\n FROM t`).map((t) =>
      t.kind === 'word' || t.kind === 'quoted' ? `${t.kind}:${t.text}` : t.kind,
    );
    expect(words).toEqual(['word:SELECT', 'string', 'quoted:ALTER', 'word:FROM', 'word:t']);
  });

  it('unquotes doubled quotes and treats non-ASCII as part of a word', () => {
    const tokens = tokenizeSql('SELECT "a""b", `c``d`, [e"f], délète\u00a0x');
    const names = tokens
      .filter((t) => t.kind === 'quoted' || t.kind === 'word')
      .map((t) => (t as { text: string }).text);
    expect(names).toEqual(['SELECT', 'a"b', 'c`d', 'e"f', 'délète\u00a0x']);
  });
});
