import { reject } from './value-rejection.js';

const MAX_DEPTH = 512;

/**
 * Removes the whitespace between JSON tokens, leaving every token byte for byte: numbers keep all
 * their digits (a 20-digit integer stays exact), strings keep their escapes. `text` must already
 * be valid JSON.
 */
export function minifyJson(text: string): string {
  let out = '';
  let start = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) {
      out += text.slice(start, i);
      start = i + 1;
    }
  }
  return out + text.slice(start);
}

/** Valid JSON text, minified; rejects anything `JSON.parse` refuses. */
export function canonicalJsonText(text: string): string {
  try {
    JSON.parse(text);
  } catch {
    reject('JSON text (or a JSON value)');
  }
  return minifyJson(text);
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * JSON text of a JS value, like `JSON.stringify` but exact for bigints (written as their digits)
 * and strict: only plain objects, arrays, strings, finite numbers, bigints, booleans and null.
 * Object members whose value is `undefined` are left out, as `JSON.stringify` does.
 */
export function stringifyJson(value: unknown, depth = 0): string {
  if (depth > MAX_DEPTH) reject(`a JSON value nested at most ${MAX_DEPTH} deep`);
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      return value.toString();
    case 'number':
      if (!Number.isFinite(value)) reject('a JSON value (NaN and infinities are not JSON)');
      return JSON.stringify(value);
    case 'object':
      break;
    default:
      reject(`a JSON value (not a ${typeof value})`);
  }
  if (Array.isArray(value)) {
    return `[${value.map((item: unknown) => stringifyJson(item === undefined ? null : item, depth + 1)).join(',')}]`;
  }
  if (!isPlainObject(value)) reject('a JSON value (plain objects and arrays only)');
  const members: string[] = [];
  for (const [key, item] of Object.entries(value)) {
    if (item !== undefined) members.push(`${JSON.stringify(key)}:${stringifyJson(item, depth + 1)}`);
  }
  return `{${members.join(',')}}`;
}
