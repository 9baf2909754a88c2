/**
 * Reading and checking the RS256 verification keys named by `auth.jwt`: a PEM public key file and
 * a JWKS file. Checked once, when the configuration loads, so that a bad key stops the server at
 * startup instead of failing every request.
 */
import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { JSONWebKeySet } from 'jose';

/** RFC 7518 §3.3 requires RS256 keys of at least 2048 bits (jose refuses smaller ones too). */
export const MIN_RSA_BITS = 2048;

/** A checked PEM public key. */
export interface PublicKeyFile {
  /** Absolute path. */
  readonly file: string;
  /** The file's text: an RSA public key, SPKI (`BEGIN PUBLIC KEY`) or PKCS#1 PEM. */
  readonly pem: string;
}

/** A checked JSON Web Key Set of RSA public keys. */
export interface JwksFile {
  /** Absolute path. */
  readonly file: string;
  readonly jwks: JSONWebKeySet;
}

/** A value, or what is wrong with the file (a sentence naming the file, never key material). */
export type KeyFileResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly message: string };

function readText(file: string): string | { readonly message: string } {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { message: `cannot read ${file} (${code === 'ENOENT' ? 'no such file' : (code ?? 'error')})` };
  }
}

/** What is wrong with a key for RS256, or undefined when it fits. */
function rsaProblem(key: KeyObject): string | undefined {
  if (key.asymmetricKeyType !== 'rsa') {
    return `holds a ${key.asymmetricKeyType ?? 'non-RSA'} key; RS256 needs an RSA key`;
  }
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < MIN_RSA_BITS) return `holds a ${bits}-bit RSA key; RS256 needs at least ${MIN_RSA_BITS} bits`;
  return undefined;
}

/** Reads and checks `publicKeyFile`. */
export function readPublicKeyFile(file: string): KeyFileResult<PublicKeyFile> {
  const text = readText(file);
  if (typeof text !== 'string') return { ok: false, message: text.message };
  // A private key would still yield a public key, but it must not sit on the server at all.
  if (text.includes('PRIVATE KEY')) {
    return { ok: false, message: `${file} holds a private key; give the server only the public key` };
  }
  let key: KeyObject;
  try {
    key = createPublicKey(text);
  } catch {
    return { ok: false, message: `${file} is not a PEM public key (expected -----BEGIN PUBLIC KEY-----)` };
  }
  const problem = rsaProblem(key);
  if (problem !== undefined) return { ok: false, message: `${file} ${problem}` };
  return { ok: true, value: Object.freeze({ file, pem: text }) };
}

function jwkProblem(value: unknown, seenKids: Set<string>): string | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'expected a JSON object';
  const jwk = value as Record<string, unknown>;
  if (jwk.kty !== 'RSA') return 'expected an RSA key ("kty": "RSA")';
  if (jwk.d !== undefined) return 'holds a private key; give the server only public keys';
  if (jwk.alg !== undefined && jwk.alg !== 'RS256') return 'expected "alg" to be RS256 or absent';
  if (jwk.use !== undefined && jwk.use !== 'sig') return 'expected "use" to be sig or absent';
  if (jwk.kid !== undefined) {
    if (typeof jwk.kid !== 'string') return 'expected "kid" to be text';
    if (seenKids.has(jwk.kid))
      return `expected a "kid" no other key uses; ${JSON.stringify(jwk.kid)} is repeated`;
    seenKids.add(jwk.kid);
  }
  let key: KeyObject;
  try {
    key = createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' });
  } catch {
    return 'is not a valid RSA public key';
  }
  return rsaProblem(key);
}

/** Reads and checks `jwksFile`: `{"keys": [...]}`, RSA public keys, unique `kid`s. */
export function readJwksFile(file: string): KeyFileResult<JwksFile> {
  const text = readText(file);
  if (typeof text !== 'string') return { ok: false, message: text.message };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, message: `${file} is not JSON (expected a JWKS: {"keys": [...]})` };
  }
  const keys = (parsed as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys) || keys.length === 0) {
    return { ok: false, message: `${file} is not a JWKS: expected {"keys": [...]} with at least one key` };
  }
  const seenKids = new Set<string>();
  for (const [index, jwk] of keys.entries()) {
    const problem = jwkProblem(jwk, seenKids);
    if (problem !== undefined) return { ok: false, message: `${file}: keys[${index}]: ${problem}` };
  }
  return { ok: true, value: Object.freeze({ file, jwks: parsed as JSONWebKeySet }) };
}
