/**
 * A deterministic JSON serialization: object keys sorted by UTF-16 code units, no whitespace,
 * strings escaped as `JSON.stringify` escapes them, numbers limited to safe integers, `undefined`
 * object members left out. The output is valid JSON, and `canonicalJson(JSON.parse(text))` gives
 * back `text` for any text it produced — the property the audit chain relies on, since the verifier
 * recomputes hashes from parsed lines.
 *
 * Caveat: floats are refused rather than normalized, because their shortest decimal form is the
 * one part of JSON that other languages do not agree on.
 */
import { CellarError } from '../../errors.js';

export type CanonicalValue =
  | string
  | number
  | boolean
  | null
  | readonly CanonicalValue[]
  | { readonly [key: string]: CanonicalValue | undefined };

/** Serializes `value` canonically. Throws CELLAR_ERR_AUDIT_RECORD_INVALID on anything else. */
export function canonicalJson(value: unknown): string {
  const parts: string[] = [];
  write(value, parts, '$');
  return parts.join('');
}

function write(value: unknown, out: string[], path: string): void {
  switch (typeof value) {
    case 'string':
      out.push(JSON.stringify(value));
      return;
    case 'number':
      if (!Number.isSafeInteger(value)) {
        throw invalid(path, `a number must be a safe integer, got ${String(value)}`);
      }
      // String(-0) is "0", as JSON.stringify gives.
      out.push(String(value));
      return;
    case 'boolean':
      out.push(value ? 'true' : 'false');
      return;
    case 'object':
      if (value === null) {
        out.push('null');
      } else if (Array.isArray(value)) {
        writeArray(value, out, path);
      } else if (Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null) {
        writeObject(value as Readonly<Record<string, unknown>>, out, path);
      } else {
        throw invalid(path, 'only plain objects, arrays, strings, integers, booleans and null are allowed');
      }
      return;
    default:
      throw invalid(path, `${typeof value} cannot be serialized`);
  }
}

function writeArray(value: readonly unknown[], out: string[], path: string): void {
  out.push('[');
  for (let i = 0; i < value.length; i++) {
    if (i > 0) out.push(',');
    const item = value[i];
    if (item === undefined) throw invalid(`${path}[${i}]`, 'arrays may not hold undefined');
    write(item, out, `${path}[${i}]`);
  }
  out.push(']');
}

function writeObject(value: Readonly<Record<string, unknown>>, out: string[], path: string): void {
  // Default sort compares UTF-16 code units: the same in every JS engine.
  const keys = Object.keys(value).sort();
  out.push('{');
  let first = true;
  for (const key of keys) {
    const member = value[key];
    if (member === undefined) continue;
    if (!first) out.push(',');
    first = false;
    out.push(JSON.stringify(key), ':');
    write(member, out, `${path}.${key}`);
  }
  out.push('}');
}

function invalid(path: string, what: string): CellarError {
  return new CellarError('CELLAR_ERR_AUDIT_RECORD_INVALID', `cannot serialize audit field ${path}: ${what}`);
}
