import { reject } from './value-rejection.js';

const REAL_TEXT = /^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/**
 * A `real` column value: a finite number, a bigint, or numeric text. NaN and infinities are
 * refused because JSON cannot carry them.
 */
export function toStoredReal(value: unknown): number {
  let n: number | undefined;
  if (typeof value === 'number') n = value;
  else if (typeof value === 'bigint') n = Number(value);
  else if (typeof value === 'string' && REAL_TEXT.test(value)) n = Number(value);
  if (n === undefined || !Number.isFinite(n)) reject('a finite number (a number or numeric text)');
  return n;
}

const TRUE_TEXT = new Set(['t', 'true', '1']);
const FALSE_TEXT = new Set(['f', 'false', '0']);

/** A `boolean` column value as `1n`/`0n`: true/false, 0/1, or the text t/f, true/false, 1/0. */
export function toStoredBoolean(value: unknown): bigint {
  if (value === true || value === 1 || value === 1n) return 1n;
  if (value === false || value === 0 || value === 0n) return 0n;
  if (typeof value === 'string') {
    const lower = value.toLowerCase();
    if (TRUE_TEXT.has(lower)) return 1n;
    if (FALSE_TEXT.has(lower)) return 0n;
  }
  reject('a boolean (true/false, 0/1, or the text t/f, true/false)');
}

/** A `text` column value: a string as given; numbers and bigints as their decimal text. */
export function toStoredText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  reject('text (a string, or a finite number)');
}

/** A `uuid` column value: the 8-4-4-4-12 hex form, lowercased. */
export function toStoredUuid(value: unknown): string {
  if (typeof value === 'string' && UUID.test(value)) return value.toLowerCase();
  reject('a UUID in 8-4-4-4-12 hex form');
}
