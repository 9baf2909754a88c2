import type { FieldHint } from '../../sync/change-event.js';
import { reject } from './value-rejection.js';

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const PG_HEX = /^\\x((?:[0-9a-fA-F]{2})*)$/;

/** Decodes standard, padded base64; undefined when `text` is anything else. */
export function decodeBase64(text: string): Buffer | undefined {
  return BASE64.test(text) ? Buffer.from(text, 'base64') : undefined;
}

/**
 * A `bytes` column value. Accepts a Uint8Array (or Buffer), PostgreSQL's bytea hex text `\x0a1b…`
 * (always when `hint.pgType` is `bytea`; recognized without a hint too, since `\` is not base64),
 * and standard base64 text (Debezium's default `binary.handling.mode`).
 */
export function toStoredBytes(value: unknown, hint: FieldHint | undefined): Uint8Array {
  if (value instanceof Uint8Array) return value;
  if (typeof value !== 'string') reject('bytes (a Uint8Array, base64 text or PostgreSQL \\x hex text)');
  const hex = PG_HEX.exec(value);
  if (hex !== null) return Buffer.from(hex[1] ?? '', 'hex');
  if (hint?.pgType === 'bytea') reject('PostgreSQL bytea hex text (\\x followed by pairs of hex digits)');
  const decoded = decodeBase64(value);
  if (decoded === undefined) reject('bytes as standard padded base64 text, or PostgreSQL \\x hex text');
  return decoded;
}

/** Base64 text of stored bytes: the JSON form of a `bytes` column. */
export function bytesToBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}
