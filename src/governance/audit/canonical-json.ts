/**
 * A deterministic JSON serialization: object keys sorted by UTF-16 code units, no whitespace,
 * strings escaped as `JSON.stringify` escapes them, numbers limited to safe integers, `undefined`
 * object members left out. The output is valid JSON, and `canonicalJson(JSON.parse(text))` gives
 * back `text` for any text it produced — the property the audit chain relies on, since the verifier
 * recomputes hashes from parsed lines.
 *
 * Caveat: floats are refused rather than normalized, because their shortest decimal form is the
 * one part of JSON that other languages do not agree on.
 *
 * Speed matters here: every audited request serializes one record. So the path named in an error
 * is kept as a stack of segments and joined only when something is refused, and a frozen array of
 * strings (the column lists a route reuses for every request) is serialized once and remembered.
 */
import { CellarError } from '../../errors.js';

export type CanonicalValue =
  | string
  | number
  | boolean
  | null
  | readonly CanonicalValue[]
  | { readonly [key: string]: CanonicalValue | undefined };

/** One member of an object in canonical form: its key and its value's canonical text. */
export interface CanonicalMember {
  readonly key: string;
  readonly text: string;
}

/** Canonical text of frozen all-string arrays: frozen, so the text can never go stale. */
const frozenStringArrays = new WeakMap<readonly unknown[], string>();

/** Serializes `value` canonically. Throws CELLAR_ERR_AUDIT_RECORD_INVALID on anything else. */
export function canonicalJson(value: unknown): string {
  return write(value, []);
}

/**
 * The members of the plain object `value`, keys sorted, each value serialized canonically,
 * `undefined` members left out — so that callers can splice the members of one object into more
 * than one text (the audit record's hash input and its line) while serializing each value once.
 * `canonicalJson(value)` is `{` + `"key":text` joined by commas + `}`.
 */
export function canonicalMembers(value: unknown): CanonicalMember[] {
  const path: Path = [];
  if (!isPlainObject(value)) {
    throw invalid(path, 'only plain objects, arrays, strings, integers, booleans and null are allowed');
  }
  return members(value, path);
}

/** `{"key":text,…}` of members already in canonical order. */
export function joinMembers(list: readonly CanonicalMember[]): string {
  let out = '{';
  for (let i = 0; i < list.length; i++) {
    const member = list[i] as CanonicalMember;
    out += `${i > 0 ? ',' : ''}${JSON.stringify(member.key)}:${member.text}`;
  }
  return `${out}}`;
}

function isPlainObject(value: unknown): value is Readonly<Record<string, unknown>> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Where the walk is: keys and array indexes from the root, pushed and popped as it goes, and
 * formatted (`$.a[2].b`) only when something is refused.
 */
type Path = Array<string | number>;

function write(value: unknown, path: Path): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isSafeInteger(value)) {
        throw invalid(path, `a number must be a safe integer, got ${String(value)}`);
      }
      // String(-0) is "0", as JSON.stringify gives.
      return String(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      if (value === null) return 'null';
      if (Array.isArray(value)) return writeArray(value, path);
      if (isPlainObject(value)) return joinMembers(members(value, path));
      throw invalid(path, 'only plain objects, arrays, strings, integers, booleans and null are allowed');
    default:
      throw invalid(path, `${typeof value} cannot be serialized`);
  }
}

function writeArray(value: readonly unknown[], path: Path): string {
  const frozen = Object.isFrozen(value);
  if (frozen) {
    const known = frozenStringArrays.get(value);
    if (known !== undefined) return known;
  }
  let out = '[';
  let allStrings = true;
  for (let i = 0; i < value.length; i++) {
    const item = value[i];
    path.push(i);
    if (item === undefined) throw invalid(path, 'arrays may not hold undefined');
    if (typeof item !== 'string') allStrings = false;
    out += `${i > 0 ? ',' : ''}${write(item, path)}`;
    path.pop();
  }
  out += ']';
  if (frozen && allStrings) frozenStringArrays.set(value, out);
  return out;
}

function members(value: Readonly<Record<string, unknown>>, path: Path): CanonicalMember[] {
  // Default sort compares UTF-16 code units: the same in every JS engine.
  const keys = Object.keys(value).sort();
  const list: CanonicalMember[] = [];
  for (const key of keys) {
    const member = value[key];
    if (member === undefined) continue;
    path.push(key);
    list.push({ key, text: write(member, path) });
    path.pop();
  }
  return list;
}

function invalid(path: Path, what: string): CellarError {
  const where = path.map((s) => (typeof s === 'number' ? `[${s}]` : `.${s}`)).join('');
  return new CellarError(
    'CELLAR_ERR_AUDIT_RECORD_INVALID',
    `cannot serialize audit field $${where}: ${what}`,
  );
}
