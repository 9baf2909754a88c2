/**
 * Reading `Authorization: Bearer <token>` (RFC 6750) and telling JWTs from API keys by shape.
 */
import { CellarError } from '../../errors.js';

/** Longest bearer token read; anything longer is refused before it is hashed or parsed. */
export const MAX_BEARER_CHARS = 16 * 1024;

/** A compact JWS: three base64url parts; the signature may be empty (as in `alg: none`). */
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/** True when `token` has the shape of a compact JWT, so it is verified as one, never as a key. */
export function looksLikeJwt(token: string): boolean {
  return JWT_SHAPE.test(token);
}

/** A 401 with a hint on how to authenticate. The message must never contain the credential. */
export function unauthenticated(message: string): CellarError {
  return new CellarError('CELLAR_ERR_AUTH_UNAUTHENTICATED', message, {
    hint: 'send Authorization: Bearer <API key or JWT>; docs/auth.md',
  });
}

/**
 * The token of a Bearer `Authorization` header (scheme case-insensitive, surrounding spaces
 * ignored).
 *
 * @throws CellarError CELLAR_ERR_AUTH_UNAUTHENTICATED when the header is missing, uses another
 *   scheme, or holds no single token.
 */
export function bearerToken(authorization: string | undefined): string {
  const header = authorization?.trim() ?? '';
  if (header === '') throw unauthenticated('missing Authorization header');
  const space = header.search(/\s/);
  const scheme = space === -1 ? header : header.slice(0, space);
  if (scheme.toLowerCase() !== 'bearer') {
    throw unauthenticated('the Authorization header must use the Bearer scheme');
  }
  const token = space === -1 ? '' : header.slice(space).trim();
  if (token === '') throw unauthenticated('the Authorization header has no bearer token');
  if (/\s/.test(token)) throw unauthenticated('the bearer token must be one word, without spaces');
  if (token.length > MAX_BEARER_CHARS) {
    throw unauthenticated(`the bearer token is longer than ${MAX_BEARER_CHARS} characters`);
  }
  return token;
}
