/**
 * API keys: generation, hashing, and lookup of a presented key among the configured hashes.
 *
 * The server stores only `sha256:<hex>` of each key. A fast, unsalted hash is the right tool here
 * (unlike for passwords): keys are 32 random bytes, so there is nothing to guess and no table to
 * precompute; a slow KDF would only slow every request down.
 */
import * as crypto from 'node:crypto';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ApiKeyConfig } from './auth-config.js';

/** Every generated key starts with this, so leaked keys are easy to recognise and scan for. */
export const API_KEY_PREFIX = 'cellar_';
/** Prefix of a stored key hash. */
export const API_KEY_HASH_PREFIX = 'sha256:';
/** Random bytes in a generated key (256 bits). */
export const API_KEY_RANDOM_BYTES = 32;

/**
 * SHA-256 of `text`'s UTF-8 bytes. Runs once per authenticated request: the one-shot
 * `crypto.hash` (Node ≥ 20.12) skips the Hash object `createHash` builds; older Node falls back.
 */
const sha256: (text: string) => Buffer =
  typeof crypto.hash === 'function'
    ? (text) => crypto.hash('sha256', text, 'buffer')
    : (text) => createHash('sha256').update(text, 'utf8').digest();

/** `sha256:` and the lowercase hex SHA-256 of the key's UTF-8 bytes. */
export function hashApiKey(key: string): string {
  return `${API_KEY_HASH_PREFIX}${createHash('sha256').update(key, 'utf8').digest('hex')}`;
}

/** A new key: `cellar_` and 32 random bytes in base64url (43 characters). */
export function generateApiKey(): string {
  return `${API_KEY_PREFIX}${randomBytes(API_KEY_RANDOM_BYTES).toString('base64url')}`;
}

/** Finds the configured key a presented key belongs to. */
export interface ApiKeyVerifier {
  /** The matching entry, or undefined for an unknown key. */
  find(presented: string): ApiKeyConfig | undefined;
}

/**
 * Builds a verifier over configured keys (hashes lowercase, as `loadAuthConfig` leaves them).
 * The presented key is hashed and compared with every configured hash in constant time, without
 * stopping at a match, so timing tells nothing about which hash, or how much of one, matched.
 */
export function createApiKeyVerifier(keys: readonly ApiKeyConfig[]): ApiKeyVerifier {
  const digests = keys.map((key) => ({
    key,
    digest: Buffer.from(key.hash.slice(API_KEY_HASH_PREFIX.length), 'hex'),
  }));
  return Object.freeze({
    find(presented: string): ApiKeyConfig | undefined {
      const digest = sha256(presented);
      let found: ApiKeyConfig | undefined;
      for (const entry of digests) {
        if (timingSafeEqual(digest, entry.digest) && found === undefined) found = entry.key;
      }
      return found;
    },
  });
}
