// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings test ${VAR} references themselves
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { interpolateDocument, substitute } from '../../../src/config/interpolate.js';

describe('substitute', () => {
  const env = { HOST: 'db.local', EMPTY: '' };

  it('replaces ${NAME} with the variable', () => {
    expect(substitute('postgres://${HOST}:5432/crm', env)).toEqual({
      ok: true,
      value: 'postgres://db.local:5432/crm',
      changed: true,
    });
  });

  it('uses the default of ${NAME:-default} when the variable is unset or empty', () => {
    expect(substitute('${MISSING:-localhost:9092}', env)).toMatchObject({
      ok: true,
      value: 'localhost:9092',
    });
    expect(substitute('${EMPTY:-fallback}', env)).toMatchObject({ ok: true, value: 'fallback' });
    expect(substitute('${HOST:-fallback}', env)).toMatchObject({ ok: true, value: 'db.local' });
    expect(substitute('${MISSING:-}', env)).toMatchObject({ ok: true, value: '' });
  });

  it('keeps an empty variable without a default as empty text', () => {
    expect(substitute('[${EMPTY}]', env)).toMatchObject({ ok: true, value: '[]' });
  });

  it('reads $${ as a literal ${', () => {
    expect(substitute('cost $${HOST}', env)).toMatchObject({ ok: true, value: 'cost ${HOST}' });
  });

  it('names every unset variable', () => {
    const result = substitute('${A_URL}/${B_URL}', env);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.message).toContain('environment variable A_URL is not set');
      expect(result.message).toContain('environment variable B_URL is not set');
    }
  });

  it('rejects malformed references', () => {
    const result = substitute('${not a name}', env);
    expect(result).toMatchObject({ ok: false });
    if (!result.ok) expect(result.message).toContain('malformed reference ${not a name}');
    expect(substitute('${HOST:default}', env)).toMatchObject({ ok: false });
    expect(substitute('${UNTERMINATED', env)).toMatchObject({ ok: false });
  });

  it('leaves text without references untouched', () => {
    expect(substitute('$HOST and $ alone', env)).toEqual({
      ok: true,
      value: '$HOST and $ alone',
      changed: false,
    });
  });
});

describe('interpolateDocument', () => {
  it('substitutes values but not keys, and lists the substituted paths', () => {
    const doc = parseDocument('${KEY}: 1\nport: ${PORT}\nlist: [a, "${FLAG}"]\nplain: text\n');
    const { issues, substituted } = interpolateDocument(doc, { KEY: 'k', PORT: '8081', FLAG: 'true' });
    expect(issues).toEqual([]);
    expect(substituted).toEqual([['port'], ['list', 1]]);
    // Values from the environment are text until a schema says otherwise (see coerce.test.ts).
    expect(doc.toJS()).toEqual({ '${KEY}': 1, port: '8081', list: ['a', 'true'], plain: 'text' });
  });

  it('reports the path of a value whose variable is unset', () => {
    const doc = parseDocument('sources:\n  crm:\n    url: ${CRM_URL}\n    tables: ["${T}"]\n');
    const { issues } = interpolateDocument(doc, {});
    expect(issues).toEqual([
      { path: ['sources', 'crm', 'url'], message: expect.stringContaining('CRM_URL is not set') },
      { path: ['sources', 'crm', 'tables', 0], message: expect.stringContaining('T is not set') },
    ]);
  });

  it('refuses the key __proto__', () => {
    const doc = parseDocument('tables:\n  __proto__: { x: 1 }\n');
    expect(interpolateDocument(doc, {}).issues).toEqual([
      { path: ['tables', '__proto__'], atKey: true, message: 'the key __proto__ is not allowed' },
    ]);
  });
});
