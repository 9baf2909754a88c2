/**
 * The authenticated caller of a request, as the serving layer hands it to access checks and the
 * audit log. Made by the authenticator (src/api/auth/) from an API key or a JWT; frozen.
 */
export interface Principal {
  /** The API key's configured name, or the JWT's subject. Recorded in the audit log. */
  readonly name: string;
  /**
   * Roles as the credential states them, in that order, duplicates removed. May be empty (a JWT
   * whose roles claim is an empty list): such a caller is authenticated but may do nothing.
   */
  readonly roles: readonly string[];
  /** Which kind of credential proved the identity. */
  readonly via: 'api-key' | 'jwt';
}

/** Builds a frozen principal; duplicate roles are dropped, first occurrence kept. */
export function makePrincipal(name: string, roles: readonly string[], via: Principal['via']): Principal {
  return Object.freeze({ name, roles: Object.freeze([...new Set(roles)]), via });
}
