/**
 * Turns a request's `Authorization` header into a {@link Principal}: a JWT-shaped bearer token is
 * verified as a JWT, anything else is looked up as an API key.
 */
import { makePrincipal, type Principal } from '../../governance/access/principal.js';
import { oneByte } from '../one-byte.js';
import { createApiKeyVerifier } from './api-keys.js';
import type { ApiKeyConfig, AuthConfig } from './auth-config.js';
import { bearerToken, looksLikeJwt, unauthenticated } from './bearer.js';
import { createJwtVerifier } from './jwt-verifier.js';

/** Authenticates requests against one `auth` configuration. Safe to share across requests. */
export interface Authenticator {
  /**
   * The principal the header proves, with the roles its credential grants (possibly none: a JWT
   * with an empty roles list; access checks then refuse it with 403).
   *
   * @throws CellarError CELLAR_ERR_AUTH_UNAUTHENTICATED (401) for a missing or non-Bearer header
   *   or an invalid credential, saying why without repeating the credential. Never another error
   *   for anything the caller sent.
   */
  authenticate(authorization: string | undefined): Promise<Principal>;
}

/**
 * Builds an authenticator from a configuration made by `loadAuthConfig` (its key files are
 * already checked, so this does not fail).
 */
export function createAuthenticator(cfg: AuthConfig): Authenticator {
  const apiKeys = createApiKeyVerifier(cfg.apiKeys);
  // One frozen principal per configured key, made once: a key's name and roles never change.
  // Names in one-byte form: they go into every log line and audit record (see one-byte.ts).
  const keyPrincipals = new Map<ApiKeyConfig, Principal>(
    cfg.apiKeys.map((key) => [key, makePrincipal(oneByte(key.name), key.roles.map(oneByte), 'api-key')]),
  );
  const jwt = cfg.jwt === undefined ? undefined : createJwtVerifier(cfg.jwt);
  return Object.freeze({
    async authenticate(authorization: string | undefined): Promise<Principal> {
      const token = bearerToken(authorization);
      if (looksLikeJwt(token)) {
        if (jwt === undefined) {
          throw unauthenticated(
            'the bearer token is a JWT, but this server accepts none (auth.jwt is not set)',
          );
        }
        const { subject, roles } = await jwt.verify(token);
        return makePrincipal(subject, roles, 'jwt');
      }
      const key = apiKeys.find(token);
      if (key === undefined) throw unauthenticated('unknown API key');
      return keyPrincipals.get(key) ?? makePrincipal(key.name, key.roles, 'api-key');
    },
  });
}
