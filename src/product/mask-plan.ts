import type { AccessRule, MaskPlan, MaskSpec, TableDef } from './types.js';

/**
 * The mask a role sees for one column: the column's mask for the role's profile, else its
 * `default` mask, else none. `clear` (an explicit "shown as stored") becomes `null` so that the
 * serving layer only ever sees masks it must apply.
 */
function columnMask(masks: Readonly<Record<string, MaskSpec>>, profile: string): MaskSpec | null {
  const mask = (Object.hasOwn(masks, profile) ? masks[profile] : undefined) ?? masks.default ?? null;
  return mask === null || mask.fn === 'clear' ? null : mask;
}

/** The mask plan of one role: every table and column of the product, mask or `null`. */
export function buildMaskPlan(role: string, rule: AccessRule, tables: readonly TableDef[]): MaskPlan {
  const planned: Record<string, Readonly<Record<string, MaskSpec | null>>> = {};
  for (const table of tables) {
    const columns: Record<string, MaskSpec | null> = {};
    for (const column of table.columns)
      columns[column.name] = rule.clear ? null : columnMask(column.masks, rule.mask);
    planned[table.name] = Object.freeze(columns);
  }
  return Object.freeze({ role, tables: Object.freeze(planned) });
}

/** Mask plans for every role of `access`. Roles with `clear` see every column as stored. */
export function buildMaskPlans(
  access: Readonly<Record<string, AccessRule>>,
  tables: readonly TableDef[],
): Readonly<Record<string, MaskPlan>> {
  const plans: Record<string, MaskPlan> = {};
  for (const [role, rule] of Object.entries(access)) plans[role] = buildMaskPlan(role, rule, tables);
  return Object.freeze(plans);
}
