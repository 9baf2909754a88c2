/**
 * Reading the subject and roles out of a verified JWT's claims. Identity providers put roles in
 * different places (`roles`, `groups`, Keycloak's `realm_access.roles`, Auth0's namespaced
 * `https://example.com/roles`), so the claim is configured as a name or a dotted path.
 */

/** A verified token's claims: parsed JSON, so any shape. */
export type Claims = Readonly<Record<string, unknown>>;

/**
 * The value at `path`: first the claim named exactly `path` (claim names may contain dots, as
 * namespaced URLs do), else the dotted path walked through nested objects. Only own properties
 * are followed, so `constructor` or `__proto__` find nothing. Undefined when absent.
 */
export function claimAt(claims: Claims, path: string): unknown {
  if (Object.hasOwn(claims, path)) return claims[path];
  let value: unknown = claims;
  for (const segment of path.split('.')) {
    if (
      value === null ||
      typeof value !== 'object' ||
      Array.isArray(value) ||
      !Object.hasOwn(value, segment)
    ) {
      return undefined;
    }
    value = (value as Record<string, unknown>)[segment];
  }
  return value;
}

/**
 * Roles from a claim value: a list of strings, or one string of space-separated roles (as OAuth
 * `scope` is written). Empty entries are dropped. Undefined when the value is neither.
 */
export function rolesFrom(value: unknown): readonly string[] | undefined {
  if (typeof value === 'string') return value.split(/\s+/).filter((role) => role !== '');
  if (Array.isArray(value) && value.every((role): role is string => typeof role === 'string')) {
    return value.filter((role) => role !== '');
  }
  return undefined;
}
