/**
 * Role-based access decisions: may this principal do this action on this product (or, for the
 * audit trail, at all)? Pure functions over the product's compiled `access` rules; no I/O.
 *
 * The rights an action needs, in the product's `access` section:
 * - `read`: `read: true`.
 * - `query`: `read: true` and `query: true` (a query returns entity data, so a role that may not
 *   read may not query either).
 * - `detokenize`: `detokenize: true`.
 * - `erase`: `erase: true`.
 * A role the product does not list has no rights; roles are matched exactly (case-sensitive).
 */
import { CellarError } from '../../errors.js';
import type { AccessRule, Product } from '../../product/types.js';
import type { Principal } from './principal.js';

/** What a caller may ask of one product. */
export type ProductAction = 'read' | 'query' | 'detokenize' | 'erase';

/** What a caller may ask outside any product: `audit` reads and verifies the audit trail. */
export type GlobalAction = 'audit';

/** The roles that may read the audit trail when `auth.auditorRoles` is not configured. */
export const DEFAULT_AUDITOR_ROLES: readonly string[] = Object.freeze(['auditor']);

/** The outcome of an allowed product action. */
export interface AccessGrant {
  /**
   * The role the action is done as: the first role in the product's `access` order that the
   * principal holds and that allows the action. Its `mask` profile applies unless `clear`.
   */
  readonly role: string;
  /** Some role of the principal that allows the action has `clear: true`: show stored values. */
  readonly clear: boolean;
}

/** The outcome of an allowed global action. */
export interface GlobalGrant {
  /** The first of the configured roles (in their order) that the principal holds. */
  readonly role: string;
}

/** Longest role list and role name shown in a refusal; roles from a JWT are the caller's text. */
const SHOWN_ROLES = 10;
const SHOWN_ROLE_CHARS = 64;

const PHRASES: Readonly<Record<ProductAction | GlobalAction, string>> = {
  read: 'read',
  query: 'query',
  detokenize: 'detokenize values of',
  erase: 'erase entities of',
  audit: 'read',
};

function allows(rule: AccessRule, action: ProductAction): boolean {
  switch (action) {
    case 'read':
      return rule.read;
    case 'query':
      return rule.read && rule.query;
    case 'detokenize':
      return rule.detokenize;
    case 'erase':
      return rule.erase;
  }
}

/** `role(s) support, analyst` or `a caller with no roles`, cut short for long lists. */
function who(roles: readonly string[]): string {
  if (roles.length === 0) return 'a caller with no roles';
  const shown = roles
    .slice(0, SHOWN_ROLES)
    .map((r) => (r.length > SHOWN_ROLE_CHARS ? `${r.slice(0, SHOWN_ROLE_CHARS - 3)}...` : r));
  const more = roles.length > SHOWN_ROLES ? ` (and ${roles.length - SHOWN_ROLES} more)` : '';
  return `role(s) ${shown.join(', ')}${more}`;
}

/**
 * Decides whether `principal` may do `action` on `product`.
 *
 * Caveat: the refusal names the product and the roles, never an entity, so it says nothing about
 * whether an entity exists; call this before looking the entity up.
 *
 * @throws CellarError CELLAR_ERR_AUTH_FORBIDDEN when none of the principal's roles allows it.
 */
export function authorize(product: Product, principal: Principal, action: ProductAction): AccessGrant {
  const held = new Set(principal.roles);
  let role: string | undefined;
  let clear = false;
  // Object.entries: own keys only, so a role named `constructor` or `__proto__` matches nothing
  // inherited.
  for (const [name, rule] of Object.entries(product.access)) {
    if (!held.has(name) || !allows(rule, action)) continue;
    role ??= name;
    if (rule.clear) clear = true;
  }
  if (role === undefined) {
    const allowed = Object.entries(product.access)
      .filter(([, rule]) => allows(rule, action))
      .map(([name]) => name);
    throw new CellarError(
      'CELLAR_ERR_AUTH_FORBIDDEN',
      `${who(principal.roles)} may not ${PHRASES[action]} ${product.name}`,
      {
        hint:
          allowed.length === 0
            ? `no role may ${PHRASES[action]} ${product.name}`
            : `roles that may: ${allowed.join(', ')}`,
      },
    );
  }
  return Object.freeze({ role, clear });
}

/**
 * Decides whether `principal` may do a global `action`; `audit` needs one of `auditorRoles`
 * (the configuration's `auth.auditorRoles`).
 *
 * @throws CellarError CELLAR_ERR_AUTH_FORBIDDEN when the principal holds none of them.
 */
export function authorizeGlobal(
  principal: Principal,
  action: GlobalAction,
  auditorRoles: readonly string[] = DEFAULT_AUDITOR_ROLES,
): GlobalGrant {
  const held = new Set(principal.roles);
  const role = auditorRoles.find((r) => held.has(r));
  if (role === undefined) {
    throw new CellarError(
      'CELLAR_ERR_AUTH_FORBIDDEN',
      `${who(principal.roles)} may not ${PHRASES[action]} the audit trail`,
      {
        hint: `roles that may: ${auditorRoles.join(', ')} (auth.auditorRoles)`,
      },
    );
  }
  return Object.freeze({ role });
}
