import { CellarError } from '../../errors.js';
import type { MaskPlan, MaskSpec, Product } from '../../product/types.js';

/** Longest role list and role name shown in a refusal (roles may come from a caller's JWT). */
const SHOWN_ROLES = 10;
const SHOWN_ROLE_CHARS = 64;

/**
 * The mask plan that applies when a caller holding `roles` reads `product`:
 * - `null` (values as stored) when any of the roles may read and has `clear: true`;
 * - else the plan of the first role, in the order of the product's `access` section, that the
 *   caller holds and that may read (`read: true`) — the same role `authorize()` picks.
 *
 * A `clear` role that may not read grants nothing: clear sight is a way of reading, not a right
 * of its own.
 *
 * @throws CellarError `CELLAR_ERR_AUTH_FORBIDDEN` when no role may read; the message names the
 *   roles and the product, never an entity.
 */
export function maskPlanFor(product: Product, roles: readonly string[]): MaskPlan | null {
  // Walking the access section (not indexing it by role) keeps a role named "__proto__" inert.
  const held = new Set(roles);
  let first: string | undefined;
  for (const [role, rule] of Object.entries(product.access)) {
    if (!held.has(role) || !rule.read) continue;
    if (rule.clear) return null;
    first ??= role;
  }
  if (first !== undefined) {
    const plan = Object.hasOwn(product.maskPlans, first) ? product.maskPlans[first] : undefined;
    if (plan === undefined) {
      throw new CellarError(
        'CELLAR_ERR_INTERNAL',
        `product ${product.name} has no mask plan for role ${first}`,
      );
    }
    return plan;
  }
  const shown =
    roles
      .slice(0, SHOWN_ROLES)
      .map((r) => (r.length > SHOWN_ROLE_CHARS ? `${r.slice(0, SHOWN_ROLE_CHARS - 3)}...` : r))
      .join(', ') + (roles.length > SHOWN_ROLES ? ', ...' : '');
  throw new CellarError(
    'CELLAR_ERR_AUTH_FORBIDDEN',
    roles.length === 0
      ? `a caller without roles may not read ${product.name}`
      : `role(s) ${shown} may not read ${product.name}`,
    { hint: "ask for a role that the product's access section allows to read" },
  );
}

/**
 * The columns of `table` that `plan` masks, in the plan's (spec) order; none for `null` (clear)
 * or a table the plan does not know. The audit records these beside the columns returned.
 */
export function maskedColumns(plan: MaskPlan | null, table: string): readonly string[] {
  if (plan === null || !Object.hasOwn(plan.tables, table)) return [];
  const columns = plan.tables[table] ?? {};
  return Object.entries(columns)
    .filter(([, mask]) => mask !== null && mask.fn !== 'clear')
    .map(([name]) => name);
}

/** True when `plan` uses the mask function `fn` on some column (e.g. `hash`, which needs keys). */
export function planUses(plan: MaskPlan | null, fn: MaskSpec['fn']): boolean {
  if (plan === null) return false;
  return Object.values(plan.tables).some((columns) => Object.values(columns).some((mask) => mask?.fn === fn));
}
