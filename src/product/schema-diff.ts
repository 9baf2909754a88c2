import type { ProductSchema, SchemaColumn, SchemaTable } from './product-schema.js';

/** One change a stored image needs to match the current spec. */
export type SchemaStep =
  | { readonly kind: 'create-table'; readonly table: string }
  | { readonly kind: 'drop-table'; readonly table: string }
  | { readonly kind: 'add-column'; readonly table: string; readonly column: SchemaColumn }
  | { readonly kind: 'drop-column'; readonly table: string; readonly column: string };

/**
 * How images written under schema `from` become images of schema `to`: the steps, when every
 * change is one Cellar migrates, or the blockers — each naming a change it does not.
 */
export interface SchemaDiff {
  readonly steps: readonly SchemaStep[];
  readonly blockers: readonly string[];
}

function sameRoute(a: SchemaTable['route'], b: SchemaTable['route']): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function describeRoute(route: SchemaTable['route']): string {
  return route.kind === 'parent' ? `parent ${route.table} by ${route.key}` : `${route.kind} ${route.column}`;
}

/** What differs in a column kept by name, as blockers (its stored values keep their old form). */
function columnBlockers(table: string, from: SchemaColumn, to: SchemaColumn): string[] {
  const at = `column ${table}.${to.name}`;
  const out: string[] = [];
  if (from.type !== to.type) out.push(`${at} changed type from ${from.type} to ${to.type}`);
  else if (from.scale !== to.scale)
    out.push(`${at} changed scale from ${from.scale ?? 'none'} to ${to.scale ?? 'none'}`);
  if (from.tokenize !== to.tokenize)
    out.push(`${at} changed tokenize from ${from.tokenize ?? 'none'} to ${to.tokenize ?? 'none'}`);
  return out;
}

function tableDiff(from: SchemaTable, to: SchemaTable, steps: SchemaStep[], blockers: string[]): void {
  const at = `table ${to.name}`;
  if (from.primaryKey.join(',') !== to.primaryKey.join(','))
    blockers.push(`${at} changed its primary key from (${from.primaryKey}) to (${to.primaryKey})`);
  if (!sameRoute(from.route, to.route))
    blockers.push(
      `${at} changed how it reaches its entity: ${describeRoute(from.route)} → ${describeRoute(to.route)}`,
    );
  const before = new Map(from.columns.map((c) => [c.name, c]));
  const after = new Set(to.columns.map((c) => c.name));
  for (const column of to.columns) {
    const old = before.get(column.name);
    if (old === undefined) steps.push({ kind: 'add-column', table: to.name, column });
    else blockers.push(...columnBlockers(to.name, old, column));
  }
  for (const column of from.columns) {
    if (!after.has(column.name)) steps.push({ kind: 'drop-column', table: to.name, column: column.name });
  }
}

/**
 * The steps from `from` to `to`. Migrated: tables and columns added (new columns are NULL in
 * existing rows until their source sends them) or removed. Blocked: anything that changes what a
 * stored value or key means — a column's type, scale or tokenization, a table's primary key or
 * route — since the stored rows cannot be converted without their source.
 */
export function diffSchemas(from: ProductSchema, to: ProductSchema): SchemaDiff {
  const steps: SchemaStep[] = [];
  const blockers: string[] = [];
  const before = new Map(from.tables.map((t) => [t.name, t]));
  const after = new Set(to.tables.map((t) => t.name));
  for (const table of to.tables) {
    const old = before.get(table.name);
    if (old === undefined) steps.push({ kind: 'create-table', table: table.name });
    else tableDiff(old, table, steps, blockers);
  }
  for (const table of from.tables) {
    if (!after.has(table.name)) steps.push({ kind: 'drop-table', table: table.name });
  }
  return { steps, blockers };
}
