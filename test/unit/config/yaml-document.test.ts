// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings test ${VAR} references themselves
import { describe, expect, it } from 'vitest';
import { locateIssue, parseYamlText, readYamlFile } from '../../../src/config/yaml-document.js';
import { useTempDir } from './temp-files.js';

const tmp = useTempDir();

describe('parseYamlText', () => {
  it('reports syntax errors with line and column', () => {
    const result = parseYamlText('/x/spec.yaml', 'a: 1\nb: [1, 2\n');
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.errors[0]).toMatchObject({ file: '/x/spec.yaml', path: [], line: expect.any(Number) });
      expect(result.errors[0]?.message).toMatch(/^YAML syntax: /);
    }
  });

  it('treats a duplicate key as an error at its line', () => {
    const result = parseYamlText('/x/spec.yaml', 'a: 1\nb: 2\na: 3\n');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors[0]).toMatchObject({ line: 3, column: 1 });
  });

  it('hints at quoting when an unquoted ${VAR} breaks a flow mapping', () => {
    const result = parseYamlText('/x/spec.yaml', 'crm: { url: ${CRM_URL} }\n');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors[0]?.message).toContain('write "${VAR}" in quotes');
  });
});

describe('readYamlFile', () => {
  it('returns undefined for a missing file and an error for a folder', () => {
    expect(readYamlFile(`${tmp.dir}/missing.yaml`)).toBeUndefined();
    const folder = readYamlFile(tmp.dir);
    expect(folder).toMatchObject({ ok: false, errors: [{ message: expect.stringContaining('folder') }] });
  });
});

describe('locateIssue', () => {
  const text = 'tables:\n  orders:\n    columns:\n      total: { type: decmal }\n';
  const parsed = parseYamlText('/x/spec.yaml', text);
  if (!parsed.ok) throw new Error('fixture must parse');

  it('finds the value node of a path', () => {
    const error = locateIssue(parsed.yaml, {
      path: ['tables', 'orders', 'columns', 'total', 'type'],
      message: 'm',
    });
    expect(error).toEqual({
      file: '/x/spec.yaml',
      path: ['tables', 'orders', 'columns', 'total', 'type'],
      line: 4,
      column: 22,
      message: 'm',
    });
  });

  it('finds the key node when the key is the problem', () => {
    const error = locateIssue(parsed.yaml, {
      path: ['tables', 'orders', 'columns', 'total'],
      atKey: true,
      message: 'm',
    });
    expect(error).toMatchObject({ line: 4, column: 7 });
  });

  it('falls back to the nearest existing parent for a missing key', () => {
    const error = locateIssue(parsed.yaml, { path: ['tables', 'orders', 'primaryKey'], message: 'm' });
    expect(error).toMatchObject({ line: 3, column: 5 });
  });
});
