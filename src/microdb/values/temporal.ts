import type { FieldHint } from '../../sync/change-event.js';
import { civilFromDays, daysFromCivil, formatDate, isValidDate } from './civil-date.js';
import { SEMANTIC } from './semantics.js';
import { reject } from './value-rejection.js';

const MICROS_PER_DAY = 86_400_000_000;
const MICROS_PER_DAY_BIG = 86_400_000_000n;

/** An instant (or a wall-clock time, for `timestamp`) as whole days since 1970-01-01 plus µs of that day. */
interface Instant {
  readonly days: number;
  /** 0 ≤ micros < one day. */
  readonly micros: number;
}

const DATE_TEXT = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/;
const DATE_TIME_TEXT =
  /^([0-9]{4})-([0-9]{2})-([0-9]{2})(?:[Tt ]([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:[.,]([0-9]+))?)?)? ?(Z|z|[+-][0-9]{2}(?::?[0-9]{2}(?::?[0-9]{2})?)?)?$/;
const EPOCH_DIGITS = /^-?[0-9]+$/;

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return (a % b !== 0n && a < 0n) !== b < 0n ? q - 1n : q;
}

function instantFromMicros(micros: bigint): Instant {
  const days = floorDiv(micros, MICROS_PER_DAY_BIG);
  return { days: Number(days), micros: Number(micros - days * MICROS_PER_DAY_BIG) };
}

/** Offset text (`Z`, `+05`, `+05:30`, `-0330`, `+00:53:28`) → seconds east of UTC. */
function offsetSeconds(text: string): number {
  if (text === 'Z' || text === 'z') return 0;
  const digits = text.slice(1).replaceAll(':', '');
  const h = Number(digits.slice(0, 2));
  const m = Number(digits.slice(2, 4) || '0');
  const s = Number(digits.slice(4, 6) || '0');
  if (h > 18 || m > 59 || s > 59) reject('a valid UTC offset (±HH[:MM[:SS]], at most ±18:00)');
  return (text.startsWith('-') ? -1 : 1) * (h * 3600 + m * 60 + s);
}

/**
 * Parses ISO-8601 or PostgreSQL date-time text. Fractions beyond microseconds are truncated.
 * `zone` says whether an offset was present; the instant is then already shifted to UTC.
 */
function parseDateTime(text: string): { readonly instant: Instant; readonly zoned: boolean } | undefined {
  const m = DATE_TIME_TEXT.exec(text);
  if (m === null) return undefined;
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i] ?? '0')) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (!isValidDate(year, month, day) || hour > 23 || minute > 59 || second > 59) return undefined;
  const fraction = Number((m[7] ?? '').slice(0, 6).padEnd(6, '0'));
  const zone = m[8];
  const offset = zone === undefined ? 0 : offsetSeconds(zone);
  const micros = ((hour * 60 + minute) * 60 + second - offset) * 1_000_000 + fraction;
  // An offset can push the time into the previous or next day.
  const carry = Math.floor(micros / MICROS_PER_DAY);
  return {
    instant: { days: daysFromCivil(year, month, day) + carry, micros: micros - carry * MICROS_PER_DAY },
    zoned: zone !== undefined,
  };
}

const EPOCH_SEMANTICS: ReadonlySet<string | undefined> = new Set([
  SEMANTIC.timestamp,
  SEMANTIC.connectTimestamp,
  SEMANTIC.microTimestamp,
  SEMANTIC.nanoTimestamp,
]);

/**
 * Epoch number → instant, in the unit the hint names (milliseconds when there is no hint; days for
 * a `Date` hint).
 * Digit strings count only with an epoch hint; without one, text is read as a date-time.
 */
function parseEpoch(value: unknown, hint: FieldHint | undefined): Instant | undefined {
  const semantic = hint?.semantic;
  let n: bigint;
  if (typeof value === 'bigint') n = value;
  else if (typeof value === 'number' && Number.isSafeInteger(value)) n = BigInt(value);
  else if (typeof value === 'string' && EPOCH_SEMANTICS.has(semantic) && EPOCH_DIGITS.test(value))
    n = BigInt(value);
  else return undefined;
  // A source `date` column mapped to a timestamp column: Debezium sends days; midnight (UTC) of that day.
  if (semantic === SEMANTIC.date || semantic === SEMANTIC.connectDate)
    return instantFromMicros(n * MICROS_PER_DAY_BIG);
  if (semantic === SEMANTIC.microTimestamp) return instantFromMicros(n);
  if (semantic === SEMANTIC.nanoTimestamp) return instantFromMicros(floorDiv(n, 1000n));
  return instantFromMicros(n * 1000n);
}

/** True when `value` is date-time text (not an epoch number sent as digits). */
function isText(value: unknown, hint: FieldHint | undefined): value is string {
  return typeof value === 'string' && !EPOCH_SEMANTICS.has(hint?.semantic);
}

function formatInstant(instant: Instant, suffix: string): string {
  const date = civilFromDays(instant.days);
  if (date.year < 0 || date.year > 9999) reject('a timestamp between the years 0000 and 9999');
  const seconds = Math.floor(instant.micros / 1_000_000);
  const hh = String(Math.floor(seconds / 3600)).padStart(2, '0');
  const mm = String(Math.floor(seconds / 60) % 60).padStart(2, '0');
  const ss = String(seconds % 60).padStart(2, '0');
  const frac = String(instant.micros % 1_000_000).padStart(6, '0');
  return `${formatDate(date)}T${hh}:${mm}:${ss}.${frac}${suffix}`;
}

const DAY_SEMANTICS: ReadonlySet<string | undefined> = new Set([
  undefined,
  SEMANTIC.date,
  SEMANTIC.connectDate,
]);

/**
 * A `date` column value as `YYYY-MM-DD`: that text, or days since 1970-01-01 (Debezium `Date`).
 * A number with another semantic hint (an epoch timestamp) is refused rather than misread as days.
 */
export function toStoredDate(value: unknown, hint: FieldHint | undefined): string {
  if (typeof value === 'string') {
    const m = DATE_TEXT.exec(value);
    if (m !== null && isValidDate(Number(m[1]), Number(m[2]), Number(m[3]))) return value;
  } else if (
    ((typeof value === 'number' && Number.isSafeInteger(value)) || typeof value === 'bigint') &&
    DAY_SEMANTICS.has(hint?.semantic)
  ) {
    const days = Number(value);
    if (Math.abs(days) < 3_000_000) {
      const date = civilFromDays(days);
      if (date.year >= 0 && date.year <= 9999) return formatDate(date);
    }
  }
  reject('a date (YYYY-MM-DD text in the years 0000–9999, or days since 1970-01-01)');
}

/** Character codes of the stored form `YYYY-MM-DDTHH:MM:SS.ffffff` (0: a digit). */
const STORED_FORM = [...'0000-00-00T00:00:00.000000'].map((c) => (c === '0' ? 0 : c.charCodeAt(0)));

function digits(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) n = n * 10 + text.charCodeAt(i) - 48;
  return n;
}

/**
 * True when `text` is a valid timestamp already in the stored form (`Z`-suffixed when `zoned`),
 * which parsing and formatting would return unchanged. Checked character by character: sources
 * such as Debezium send this form, and the full parse costs a regular expression and a dozen
 * allocations per value.
 */
function isStoredForm(text: string, zoned: boolean): boolean {
  if (text.length !== STORED_FORM.length + (zoned ? 1 : 0)) return false;
  if (zoned && text.charCodeAt(STORED_FORM.length) !== 90) return false; // 'Z'
  for (let i = 0; i < STORED_FORM.length; i++) {
    const c = text.charCodeAt(i);
    const expected = STORED_FORM[i];
    if (expected === 0 ? c < 48 || c > 57 : c !== expected) return false;
  }
  return (
    isValidDate(digits(text, 0, 4), digits(text, 5, 7), digits(text, 8, 10)) &&
    digits(text, 11, 13) <= 23 &&
    digits(text, 14, 16) <= 59 &&
    digits(text, 17, 19) <= 59
  );
}

const TIMESTAMP_EXPECTED =
  'a timestamp (ISO-8601 or PostgreSQL text, or epoch milliseconds; µs/ns with a Debezium hint)';

/**
 * A `timestamp` column value as `YYYY-MM-DDTHH:MM:SS.ffffff`. Text with an offset is shifted to
 * UTC, matching Debezium, which encodes wall-clock timestamps as if they were UTC instants.
 */
export function toStoredTimestamp(value: unknown, hint: FieldHint | undefined): string {
  if (isText(value, hint) && isStoredForm(value, false)) return value;
  const instant = isText(value, hint) ? parseDateTime(value)?.instant : parseEpoch(value, hint);
  if (instant === undefined) reject(TIMESTAMP_EXPECTED);
  return formatInstant(instant, '');
}

/**
 * A `timestamptz` column value in UTC as `YYYY-MM-DDTHH:MM:SS.ffffffZ`. Text must carry an offset
 * (`Z`, `+05:30`, PostgreSQL's `+00`); an instant without one would be a guess.
 */
export function toStoredTimestamptz(value: unknown, hint: FieldHint | undefined): string {
  if (isText(value, hint)) {
    if (isStoredForm(value, true)) return value;
    const parsed = parseDateTime(value);
    if (parsed === undefined) reject(`${TIMESTAMP_EXPECTED} with a UTC offset`);
    if (!parsed.zoned) reject('a timestamp with a UTC offset (Z, +05:30, +00); the text has none');
    return formatInstant(parsed.instant, 'Z');
  }
  const instant = parseEpoch(value, hint);
  if (instant === undefined) reject(`${TIMESTAMP_EXPECTED} with a UTC offset`);
  return formatInstant(instant, 'Z');
}
