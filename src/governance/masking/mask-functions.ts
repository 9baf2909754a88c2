import { CellarError } from '../../errors.js';
import type { StoredValue } from '../../microdb/stored-value.js';
import type { ColumnType, MaskSpec } from '../../product/types.js';
import { canonicalText, keyedHashHex } from './mask-hash.js';
import { roundDecimalText, roundInteger, roundReal } from './mask-round.js';

/**
 * The mask functions, on stored values (docs/masking.md lists each one's output per type). Pure
 * and total: on input a mask does not fit (a number given to `email`, text that is not a date
 * given to `year`…) the value is redacted, never shown and never an error. Null stays null under
 * every mask.
 */

/** What `redact` shows, and what every mask falls back to. */
export const REDACTED = '****';

/** `"****"` for any value. */
export function redact(value: StoredValue): string | null {
  return value === null ? null : REDACTED;
}

/**
 * Keeps the first `keep` and last `keepEnd` characters (Unicode code points) and writes `*` for
 * every other one. When nothing would be hidden (`keep + keepEnd ≥ length`), every character is
 * hidden instead. Text only.
 */
export function partial(value: StoredValue, keep: number, keepEnd: number): string | null {
  if (value === null) return null;
  if (typeof value !== 'string') return REDACTED;
  const chars = Array.from(value);
  if (keep + keepEnd >= chars.length) return '*'.repeat(chars.length);
  const hidden = chars.length - keep - keepEnd;
  return chars.slice(0, keep).join('') + '*'.repeat(hidden) + chars.slice(chars.length - keepEnd).join('');
}

/**
 * `alice@example.com` → `a***@example.com`: the first character of the local part, three stars
 * (whatever its length), the domain as stored. Text that is not `local@domain` is redacted.
 */
export function email(value: StoredValue): string | null {
  if (value === null) return null;
  if (typeof value !== 'string') return REDACTED;
  const at = value.lastIndexOf('@');
  const domain = value.slice(at + 1);
  if (at <= 0 || domain === '') return REDACTED;
  const first = String.fromCodePoint(value.codePointAt(0) ?? 0x2a);
  return `${first}***@${domain}`;
}

/** Keyed hash of the value's canonical text (see {@link keyedHashHex}). */
export function hash(value: StoredValue, type: ColumnType, key: Uint8Array): string | null {
  const text = canonicalText(value, type);
  return text === null ? null : keyedHashHex(text, key);
}

const DATE_PREFIX = /^([0-9]{4})-[0-9]{2}-[0-9]{2}(?:$|[T ])/;
const DATED: ReadonlySet<ColumnType> = new Set(['date', 'timestamp', 'timestamptz']);

/** The year of a `date`/`timestamp`/`timestamptz` value (timestamptz in UTC) as an integer; null for other types. */
export function year(value: StoredValue, type: ColumnType): bigint | string | null {
  if (value === null || !DATED.has(type)) return null;
  const match = typeof value === 'string' ? DATE_PREFIX.exec(value) : null;
  return match === null ? REDACTED : BigInt(match[1] ?? '0');
}

const NUMERIC: ReadonlySet<ColumnType> = new Set(['integer', 'decimal', 'real']);

/**
 * Rounds to `places` digits after the point, half away from zero: reals as numbers, decimals as
 * exact text (never through a float), integers unchanged unless `places` is negative (tens,
 * hundreds…). Other types are redacted.
 */
export function round(value: StoredValue, type: ColumnType, places: number): StoredValue {
  if (value === null) return null;
  if (!NUMERIC.has(type)) return REDACTED;
  if (typeof value === 'bigint') return roundInteger(value, places);
  if (typeof value === 'number') return roundReal(value, places) ?? REDACTED;
  if (typeof value === 'string' && type === 'decimal') return roundDecimalText(value, places) ?? REDACTED;
  return REDACTED;
}

/** A non-negative whole argument, or undefined (an argument that makes no sense redacts). */
function countArg(args: readonly number[], index: number): number | undefined {
  const n = args[index];
  return n !== undefined && Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

/**
 * Applies one mask to one stored value of a column of `type`. `hashKey` is the product's key,
 * needed by `hash` only. The result is a stored value again (`clear` may return bytes; no other
 * mask does).
 *
 * @throws CellarError `CELLAR_ERR_INTERNAL` only for wiring errors: `hash` without a key of the
 *   right size. Odd values never throw; they are redacted.
 */
export function applyMask(
  mask: MaskSpec,
  value: StoredValue,
  type: ColumnType,
  hashKey?: Uint8Array,
): StoredValue {
  if (mask.fn === 'hash' && hashKey === undefined) {
    throw new CellarError('CELLAR_ERR_INTERNAL', 'the hash mask needs the product key; none was given', {
      hint: 'call installMasking() with the keys from loadMaskHashKeys() at start-up',
    });
  }
  if (value === null) return null;
  try {
    return maskValue(mask, value, type, hashKey);
  } catch (err) {
    if (err instanceof CellarError) throw err;
    return REDACTED; // an unforeseen odd value: hide it rather than fail the whole read
  }
}

function maskValue(
  mask: MaskSpec,
  value: StoredValue,
  type: ColumnType,
  hashKey: Uint8Array | undefined,
): StoredValue {
  switch (mask.fn) {
    case 'clear':
      return value;
    case 'redact':
      return redact(value);
    case 'null':
      return null;
    case 'partial': {
      const keep = countArg(mask.args, 0);
      const keepEnd = countArg(mask.args, 1);
      return keep === undefined || keepEnd === undefined ? REDACTED : partial(value, keep, keepEnd);
    }
    case 'email':
      return email(value);
    case 'hash':
      return hashKey === undefined ? REDACTED : hash(value, type, hashKey);
    case 'year':
      return year(value, type);
    case 'round': {
      const places = mask.args[0];
      return places === undefined || !Number.isSafeInteger(places) ? REDACTED : round(value, type, places);
    }
    default:
      return REDACTED;
  }
}
