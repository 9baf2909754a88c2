import sodium from 'sodium-native';
import type { EntityKey } from '../store/blob-store.js';
import { SecureKey } from './secure-buffer.js';

/** libsodium KDF context for keys derived from the `system:index` key (8 bytes). */
const INDEX_KDF_CONTEXT = Buffer.from('CLRindex', 'ascii');
const SUBKEY_ENTITY = 1;
const SUBKEY_ROW = 2;
const SUBKEY_AUDIT = 3;
const SUBKEY_TOKEN = 4;
const HASH_BYTES = 32;

/**
 * The keyed hashes that stand in for identifiers on disk: entity keys (blob store keys), routing
 * index rows, token-index entries, and audit-log entity hashes. Each uses its own subkey derived from the `system:index`
 * key, so a hash from one use reveals nothing about, and cannot be matched against, another.
 *
 * Hashes are keyed BLAKE2b-256, hex. The input is each field as a 4-byte big-endian byte length
 * followed by its UTF-8 bytes, so no choice of values (NUL bytes included) makes two different
 * field lists collide.
 *
 * Synchronous and allocation-light: it runs for every change event. The subkeys stay readable
 * between uses (`readonly` protection).
 */
export class IndexHasher {
  readonly #entity: SecureKey;
  readonly #row: SecureKey;
  readonly #audit: SecureKey;
  readonly #token: SecureKey;

  private constructor(entity: SecureKey, row: SecureKey, audit: SecureKey, token: SecureKey) {
    this.#entity = entity;
    this.#row = row;
    this.#audit = audit;
    this.#token = token;
  }

  /** Derives the four subkeys from the index key (which the caller may dispose afterwards). */
  static fromIndexKey(indexKey: SecureKey): IndexHasher {
    const derive = (id: number): SecureKey =>
      SecureKey.fill(
        (out) => indexKey.use((k) => sodium.crypto_kdf_derive_from_key(out, id, INDEX_KDF_CONTEXT, k)),
        'readonly',
      );
    return new IndexHasher(
      derive(SUBKEY_ENTITY),
      derive(SUBKEY_ROW),
      derive(SUBKEY_AUDIT),
      derive(SUBKEY_TOKEN),
    );
  }

  /** Key of an entity in the blob and key stores. */
  entityKey(product: string, entityId: string): EntityKey {
    return keyedHash(this.#entity, [product, entityId]);
  }

  /** Key of a routing-index row; the primary-key values are normalized by {@link normalizeKeyValue}. */
  rowKey(product: string, table: string, pk: readonly unknown[]): string {
    const fields = [product, table, String(pk.length)];
    for (const value of pk) fields.push(normalizeKeyValue(value));
    return keyedHash(this.#row, fields);
  }

  /** The entity hash written to the audit log. */
  auditHash(product: string, entityId: string): string {
    return keyedHash(this.#audit, [product, entityId]);
  }

  /** Key of a token in the token index. */
  tokenKey(token: string): string {
    return keyedHash(this.#token, [token]);
  }

  dispose(): void {
    this.#entity.dispose();
    this.#row.dispose();
    this.#audit.dispose();
    this.#token.dispose();
  }
}

/**
 * The text a primary-key value is hashed as, so that the same key reads the same whichever way a
 * source encodes it: `42`, `42n` and `'42'` all give `'42'`; bytes give lowercase hex; dates their
 * ISO-8601 form; anything else `String(value)`.
 */
export function normalizeKeyValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'bigint') return value.toString(10);
  if (typeof value === 'number') {
    // String(1e21) is '1e+21'; an integer must read as its digits to match the bigint form.
    return Number.isInteger(value) && !Number.isSafeInteger(value)
      ? BigInt(value).toString(10)
      : String(value);
  }
  if (value instanceof Uint8Array)
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex');
  if (value instanceof Date && !Number.isNaN(value.getTime())) return value.toISOString();
  return String(value);
}

/**
 * Where hash inputs are assembled: one buffer for every hash, grown when an input needs more, and
 * zeroed after each use (an input may hold an entity id in the clear). Not the shared Buffer pool:
 * a pooled slice costs an allocation per hash, and its neighbours are other code's data.
 */
let scratch = Buffer.alloc(256);
const digest = Buffer.alloc(HASH_BYTES);

function keyedHash(key: SecureKey, fields: readonly string[]): string {
  // A UTF-16 unit is at most 3 UTF-8 bytes: with this much room no write is cut short.
  let room = 0;
  for (const field of fields) room += 4 + field.length * 3;
  if (room > scratch.length) scratch = Buffer.alloc(Math.max(room, scratch.length * 2));
  let offset = 0;
  for (const field of fields) {
    const length = scratch.write(field, offset + 4, 'utf8');
    scratch.writeUInt32BE(length, offset);
    offset += 4 + length;
  }
  const input = scratch.subarray(0, offset);
  try {
    key.use((k) => sodium.crypto_generichash(digest, input, k));
    return digest.toString('hex');
  } finally {
    input.fill(0);
  }
}
