import { describe, expect, it } from 'vitest';
import { isCellarError } from '../../../../src/errors.js';
import {
  applyMask,
  email,
  hash,
  partial,
  REDACTED,
  redact,
  round,
  year,
} from '../../../../src/governance/masking/mask-functions.js';
import type { StoredValue } from '../../../../src/microdb/stored-value.js';
import type { ColumnType, MaskSpec } from '../../../../src/product/types.js';
import { testKey } from './fixtures.js';

const KEY = testKey(1);
const mask = (fn: MaskSpec['fn'], ...args: number[]): MaskSpec => ({ fn, args });

/** One stored value of every column type, as a micro-DB holds it. */
const SAMPLES: readonly [ColumnType, StoredValue][] = [
  ['integer', 42n],
  ['integer', 9223372036854775807n],
  ['decimal', '-12.345'],
  ['real', 2.5],
  ['text', 'Zoë 😀'],
  ['text', ''],
  ['boolean', 1n],
  ['date', '1815-12-10'],
  ['timestamp', '2015-08-06T19:30:10.183411'],
  ['timestamptz', '2024-12-31T23:30:00.000000Z'],
  ['uuid', '6f9619ff-8b86-d011-b42d-00c04fc964ff'],
  ['json', '{"a":[1,2]}'],
  ['bytes', Buffer.from([0, 1, 250])],
];

describe('redact', () => {
  it('shows **** for a value of every type and keeps null', () => {
    for (const [type, value] of SAMPLES) expect(applyMask(mask('redact'), value, type)).toBe(REDACTED);
    expect(redact(null)).toBeNull();
    expect(redact('')).toBe('****');
  });
});

describe('partial', () => {
  it('keeps the first and last characters and stars the rest', () => {
    expect(partial('Lovelace', 1, 0)).toBe('L*******');
    expect(partial('+44 20 7946 0018', 0, 4)).toBe('************0018');
    expect(partial('abcdef', 2, 2)).toBe('ab**ef');
  });

  it('counts Unicode characters, not UTF-16 units', () => {
    expect(partial('😀ab😀', 1, 1)).toBe('😀**😀');
    expect(partial('Zoë', 1, 0)).toBe('Z**');
  });

  it('hides everything when nothing would be hidden', () => {
    expect(partial('Ada', 2, 1)).toBe('***');
    expect(partial('Ada', 5, 0)).toBe('***');
    expect(partial('', 0, 0)).toBe('');
    expect(partial('x', 1, 0)).toBe('*');
  });

  it('redacts what is not text and keeps null', () => {
    expect(partial(42n, 1, 0)).toBe(REDACTED);
    expect(partial(Buffer.from('abc'), 1, 0)).toBe(REDACTED);
    expect(partial(null, 1, 0)).toBeNull();
    expect(applyMask(mask('partial', 1), 'abc', 'text')).toBe(REDACTED); // a missing argument
  });
});

describe('email', () => {
  it('keeps the first character and the domain', () => {
    expect(email('ada.lovelace@example.com')).toBe('a***@example.com');
    expect(email('élodie@exämple.fr')).toBe('é***@exämple.fr');
    expect(email('😀x@y.z')).toBe('😀***@y.z');
    expect(email('"a@b"@example.com')).toBe('"***@example.com');
  });

  it('redacts what is not an address and keeps null', () => {
    for (const odd of ['', 'no-at-sign', '@example.com', 'user@']) expect(email(odd)).toBe(REDACTED);
    expect(email(5n)).toBe(REDACTED);
    expect(email(null)).toBeNull();
  });
});

describe('hash', () => {
  it('gives 32 hex characters, stable across calls, never the input', () => {
    for (const [type, value] of SAMPLES) {
      const first = hash(value, type, KEY);
      expect(first).toMatch(/^[0-9a-f]{32}$/);
      expect(hash(value, type, KEY)).toBe(first);
      expect(first).not.toBe(value);
    }
    expect(hash(null, 'text', KEY)).toBeNull();
  });

  it('differs between keys (products) and between values', () => {
    expect(hash('ada@example.com', 'text', testKey(1))).not.toBe(hash('ada@example.com', 'text', testKey(2)));
    expect(hash('ada@example.com', 'text', KEY)).not.toBe(hash('ada@example.org', 'text', KEY));
  });

  it('hashes the JSON form: the same value in any column gives the same hash', () => {
    expect(hash(42n, 'integer', KEY)).toBe(hash('42', 'text', KEY));
    expect(hash(1n, 'boolean', KEY)).toBe(hash('true', 'text', KEY));
    expect(hash(Buffer.from([0, 1, 250]), 'bytes', KEY)).toBe(hash('AAH6', 'text', KEY));
    expect(hash(-0, 'real', KEY)).toBe(hash(0, 'real', KEY));
  });

  it('refuses to run without a 32-byte key rather than showing anything', () => {
    const refused = (run: () => unknown) => {
      try {
        run();
      } catch (err) {
        return isCellarError(err, 'CELLAR_ERR_INTERNAL');
      }
      return false;
    };
    expect(refused(() => applyMask(mask('hash'), 'x', 'text'))).toBe(true);
    expect(refused(() => applyMask(mask('hash'), 'x', 'text', new Uint8Array(16)))).toBe(true);
  });
});

describe('null and clear', () => {
  it('null hides every value; clear shows it as stored', () => {
    for (const [type, value] of SAMPLES) {
      expect(applyMask(mask('null'), value, type)).toBeNull();
      expect(applyMask(mask('clear'), value, type)).toBe(value);
    }
  });
});

describe('year', () => {
  it('gives the year of dates and timestamps as an integer', () => {
    expect(year('1815-12-10', 'date')).toBe(1815n);
    expect(year('0001-01-01', 'date')).toBe(1n);
    expect(year('2015-08-06T19:30:10.183411', 'timestamp')).toBe(2015n);
    expect(year('2025-01-01T01:30:00.000000Z', 'timestamptz')).toBe(2025n);
  });

  it('gives null for other types, redacts text that is not a date, keeps null', () => {
    expect(year('1815-12-10', 'text')).toBeNull();
    expect(year(2015n, 'integer')).toBeNull();
    expect(year('yesterday', 'date')).toBe(REDACTED);
    expect(year(20n, 'date')).toBe(REDACTED);
    expect(year(null, 'date')).toBeNull();
  });
});

describe('round', () => {
  it('rounds decimal text exactly, half away from zero, staying text', () => {
    expect(round('12.345', 'decimal', 2)).toBe('12.35');
    expect(round('-12.345', 'decimal', 2)).toBe('-12.35');
    expect(round('12.344', 'decimal', 2)).toBe('12.34');
    expect(round('0.5', 'decimal', 0)).toBe('1');
    expect(round('-0.004', 'decimal', 2)).toBe('0.00');
    expect(round('99.95', 'decimal', 1)).toBe('100.0');
    expect(round('123456789012345678901234567890.55', 'decimal', 1)).toBe('123456789012345678901234567890.6');
  });

  it('leaves decimals with no more places than asked as stored', () => {
    expect(round('120.50', 'decimal', 2)).toBe('120.50');
    expect(round('120.50', 'decimal', 4)).toBe('120.50');
  });

  it('rounds to tens and hundreds with a negative argument', () => {
    expect(round('1250', 'decimal', -2)).toBe('1300');
    expect(round('-1249.9', 'decimal', -2)).toBe('-1200');
    expect(round(1250n, 'integer', -2)).toBe(1300n);
    expect(round(-45n, 'integer', -1)).toBe(-50n);
    expect(round(44n, 'integer', -1)).toBe(40n);
    expect(round(9223372036854775807n, 'integer', -1)).toBe(9223372036854775810n);
    expect(round(5n, 'integer', -1000000)).toBe(0n);
    expect(round('7.5', 'decimal', -400)).toBe('0');
  });

  it('leaves integers unchanged for places ≥ 0', () => {
    expect(round(42n, 'integer', 0)).toBe(42n);
    expect(round(-9223372036854775808n, 'integer', 3)).toBe(-9223372036854775808n);
  });

  it('rounds reals by their decimal digits, not their binary value', () => {
    expect(round(2.675, 'real', 2)).toBe(2.68); // 2.675 is 2.67499999… in binary
    expect(round(1.005, 'real', 2)).toBe(1.01);
    expect(round(-2.5, 'real', 0)).toBe(-3);
    expect(round(-0.001, 'real', 1)).toBe(0);
    expect(Object.is(round(-0.001, 'real', 1), -0)).toBe(false);
    expect(round(1e21, 'real', 2)).toBe(1e21);
    expect(round(1.5e-7, 'real', 7)).toBe(2e-7);
    expect(round(1234.5, 'real', -2)).toBe(1200);
  });

  it('redacts values of other types and text that is not a number, keeps null', () => {
    expect(round('12.5', 'text', 0)).toBe(REDACTED);
    expect(round(1n, 'boolean', 0)).toBe(REDACTED);
    expect(round('abc', 'decimal', 0)).toBe(REDACTED);
    expect(round(null, 'decimal', 0)).toBeNull();
  });
});

describe('applyMask', () => {
  it('never throws on odd input for any mask and type', () => {
    const odd: StoredValue[] = [
      '',
      ' ',
      '@',
      'NaN',
      '1e999',
      '-',
      '\u0000',
      0n,
      -1n,
      0,
      1e308,
      Buffer.alloc(0),
    ];
    const masks = [
      mask('redact'),
      mask('partial', 3, 3),
      mask('email'),
      mask('hash'),
      mask('null'),
      mask('year'),
      mask('round', 2),
      mask('round', -3),
      mask('clear'),
    ];
    for (const m of masks) {
      for (const [type] of SAMPLES) {
        for (const value of odd) expect(() => applyMask(m, value, type, KEY)).not.toThrow();
      }
    }
  });

  it('keeps null under every mask', () => {
    for (const fn of ['redact', 'partial', 'email', 'hash', 'null', 'year', 'round', 'clear'] as const) {
      expect(applyMask(mask(fn, 1, 1), null, 'text', KEY)).toBeNull();
    }
  });
});
