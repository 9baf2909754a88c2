import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CellarError, ERROR_CODES, isCellarError } from '../../src/errors.js';

const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
const headings = [...doc.matchAll(/^## (.+)$/gm)].map((m) => (m[1] ?? '').trim());

describe('docs/errors.md', () => {
  it('has a section for every error code', () => {
    const missing = Object.keys(ERROR_CODES).filter((code) => !headings.includes(code));
    expect(missing).toEqual([]);
  });

  it('has no section for a code that does not exist', () => {
    const unknown = headings.filter((heading) => !(heading in ERROR_CODES));
    expect(unknown).toEqual([]);
  });

  it('has each section once, saying what to do', () => {
    expect(new Set(headings).size).toBe(headings.length);
    const sections = doc.split(/^## /m).slice(1);
    const withoutAdvice = sections.filter((s) => !s.includes('What to do:')).map((s) => s.split('\n')[0]);
    expect(withoutAdvice).toEqual([]);
  });
});

describe('CellarError', () => {
  it('takes the status and default message of its code', () => {
    const err = new CellarError('CELLAR_ERR_PRODUCT_NOT_FOUND');
    expect(err.status).toBe(404);
    expect(err.message).toBe(ERROR_CODES.CELLAR_ERR_PRODUCT_NOT_FOUND.message);
    expect(isCellarError(err, 'CELLAR_ERR_PRODUCT_NOT_FOUND')).toBe(true);
    expect(isCellarError(err, 'CELLAR_ERR_INTERNAL')).toBe(false);
  });

  it('keeps a precise message, hint and cause', () => {
    const cause = new Error('disk');
    const err = new CellarError('CELLAR_ERR_STORE_IO', 'cannot write x.db', { hint: 'free space', cause });
    expect([err.message, err.hint, err.cause]).toEqual(['cannot write x.db', 'free space', cause]);
  });
});
