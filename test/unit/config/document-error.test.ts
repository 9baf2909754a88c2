import { describe, expect, it } from 'vitest';
import { formatDocumentError, formatPath, InvalidDocumentError } from '../../../src/config/document-error.js';
import { isCellarError } from '../../../src/errors.js';

describe('formatPath', () => {
  it('joins plain keys with dots and brackets the rest', () => {
    expect(formatPath(['tables', 'orders', 'columns', 'total', 'type'])).toBe(
      'tables.orders.columns.total.type',
    );
    expect(formatPath(['products', 0])).toBe('products[0]');
    expect(formatPath(['sources', 'crm', 'tables', 'public.customers'])).toBe(
      'sources.crm.tables["public.customers"]',
    );
    expect(formatPath([])).toBe('(top level)');
  });
});

describe('InvalidDocumentError', () => {
  const errors = [
    { file: '/abs/a.yaml', path: ['version'], line: 2, column: 10, message: 'expected x; got y' },
    { file: '/abs/a.yaml', path: [], line: undefined, column: undefined, message: 'no such file' },
  ];

  it('is a CellarError listing every problem with file, line, column and path', () => {
    const err = new InvalidDocumentError('CELLAR_ERR_SPEC_INVALID', errors);
    expect(isCellarError(err, 'CELLAR_ERR_SPEC_INVALID')).toBe(true);
    expect(err.errors).toEqual(errors);
    expect(err.message).toBe(
      'invalid product spec, 2 problems:\n  /abs/a.yaml:2:10: version: expected x; got y\n  /abs/a.yaml: no such file',
    );
  });

  it('formats one error as FILE:LINE:COL: PATH: MESSAGE', () => {
    expect(formatDocumentError({ ...errors[0]!, file: `${process.cwd()}/config/a.yaml` })).toBe(
      'config/a.yaml:2:10: version: expected x; got y',
    );
  });
});
