import type Database from 'better-sqlite3';
import { CellarError } from '../../errors.js';
import type { ColumnTransform } from '../../microdb/entity-reader.js';
import type { StoredValue } from '../../microdb/stored-value.js';
import {
  COLUMN_TYPES,
  type ColumnDef,
  type ColumnType,
  MASK_FUNCTIONS,
  type MaskFunction,
  type MaskPlan,
  type MaskSpec,
  type Product,
  type TableDef,
} from '../../product/types.js';
import { detokenizeTransform } from '../tokens/detokenize-transform.js';
import { applyMask, REDACTED } from './mask-functions.js';

/**
 * Masks as SQL: the SQLite functions that apply a mask inside a statement, and the expressions
 * that call them. Reads build an entity's JSON inside SQLite (see `ColumnTransform`), so masking
 * there costs one function call per masked value and no JSON re-parsing.
 */

/** A product's `hash` mask key, by product name: 32 bytes (see `loadMaskHashKeys`). */
export type HashKeyFor = (product: string) => Uint8Array;

/** `cellar_mask(product, type, fn, arg1, arg2, value)`: the masked value in its stored form. */
export const MASK_FUNCTION = 'cellar_mask';
/** Same, in its JSON form: integers outside ±(2^53−1) as text, as readers get integers. */
export const MASK_JSON_FUNCTION = 'cellar_mask_json';

/** Which of the two functions: the stored form (masked query copies) or the JSON form (reads). */
export type MaskForm = 'stored' | 'json';

const TYPES: ReadonlySet<string> = new Set(COLUMN_TYPES);
const FUNCTIONS: ReadonlySet<string> = new Set(MASK_FUNCTIONS);
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const SAFE = BigInt(Number.MAX_SAFE_INTEGER);

function wiringError(detail: string): CellarError {
  return new CellarError('CELLAR_ERR_INTERNAL', `${MASK_FUNCTION}: ${detail}`);
}

function numberArg(value: unknown): number {
  if (value === null || value === undefined) return 0;
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw wiringError('mask arguments must be integers');
  return n;
}

/** A masked value as SQLite can hold it in the given form (bigints beyond its range as text). */
function toSqlValue(value: StoredValue, form: MaskForm): StoredValue {
  if (typeof value !== 'bigint') return value;
  if (form === 'json') return value >= -SAFE && value <= SAFE ? value : value.toString();
  return value >= INT64_MIN && value <= INT64_MAX ? value : value.toString();
}

/**
 * Registers {@link MASK_FUNCTION} and {@link MASK_JSON_FUNCTION} on a connection. `hashKeyFor`
 * is asked for the product's key each time a `hash` mask runs (keep it a cheap lookup). The
 * functions are `directOnly`: views and triggers cannot call them.
 */
export function registerMaskFunctions(db: Database.Database, hashKeyFor: HashKeyFor): void {
  const make =
    (form: MaskForm) =>
    (
      product: unknown,
      type: unknown,
      fn: unknown,
      arg1: unknown,
      arg2: unknown,
      value: unknown,
    ): StoredValue => {
      if (typeof product !== 'string' || typeof type !== 'string' || !TYPES.has(type))
        throw wiringError('expected a product name and a column type');
      if (typeof fn !== 'string' || !FUNCTIONS.has(fn))
        throw wiringError(`unknown mask function ${String(fn)}`);
      const mask: MaskSpec = { fn: fn as MaskFunction, args: [numberArg(arg1), numberArg(arg2)] };
      const key = fn === 'hash' ? hashKeyFor(product) : undefined;
      return toSqlValue(applyMask(mask, value as StoredValue, type as ColumnType, key), form);
    };
  const options = { deterministic: true, directOnly: true, safeIntegers: true } as const;
  db.function(MASK_FUNCTION, options, make('stored'));
  db.function(MASK_JSON_FUNCTION, options, make('json'));
}

/** `'text'` as a SQL string literal. */
export function sqlLiteral(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/**
 * The SQL giving `column`'s value under `mask`, from the bare column reference `ref`. `redact`
 * and `null` are plain SQL; the others call the mask function of `form`. Undefined for `clear`
 * (the caller shows the column as stored).
 */
export function maskColumnSql(
  product: Product,
  column: ColumnDef,
  mask: MaskSpec,
  ref: string,
  form: MaskForm,
): string | undefined {
  switch (mask.fn) {
    case 'clear':
      return undefined;
    case 'null':
      return 'NULL';
    case 'redact':
      return `CASE WHEN ${ref} IS NULL THEN NULL ELSE ${sqlLiteral(REDACTED)} END`;
    default: {
      const fn = form === 'json' ? MASK_JSON_FUNCTION : MASK_FUNCTION;
      const [a1, a2] = [mask.args[0], mask.args[1]].map((a) =>
        a === undefined ? 'NULL' : String(Math.trunc(a)),
      );
      return `${fn}(${sqlLiteral(product.name)}, ${sqlLiteral(column.type)}, ${sqlLiteral(mask.fn)}, ${a1}, ${a2}, ${ref})`;
    }
  }
}

/**
 * The mask `plan` sets for a column. A plan without an entry for the column (built for another
 * version of the product) is a wiring error: failing is safer than guessing.
 */
export function planMask(plan: MaskPlan, table: TableDef, column: ColumnDef): MaskSpec | null {
  const columns = Object.hasOwn(plan.tables, table.name) ? plan.tables[table.name] : undefined;
  if (columns === undefined || !Object.hasOwn(columns, column.name)) {
    throw new CellarError(
      'CELLAR_ERR_INTERNAL',
      `the mask plan of role ${plan.role} has no entry for ${table.name}.${column.name}`,
      { hint: 'mask plans must come from the same compiled product as the entity' },
    );
  }
  return columns[column.name] ?? null;
}

const transforms = new WeakMap<MaskPlan, ColumnTransform>();

/**
 * The read transform of a role's mask plan, id `mask:<product>:<role>`: masked columns become
 * their masked JSON value, the others keep the default JSON expression. Cached per plan object.
 *
 * Caveat: micro-DBs cache statements by transform id, so one (product, role) must always map to
 * the same plan — true for plans from `product.maskPlans`.
 */
export function maskTransform(product: Product, plan: MaskPlan): ColumnTransform {
  const cached = transforms.get(plan);
  if (cached !== undefined) return cached;
  const transform: ColumnTransform = Object.freeze({
    id: `mask:${product.name}:${plan.role}`,
    expr(table: TableDef, column: ColumnDef, jsonExpr: string, columnRef: string): string {
      const mask = planMask(plan, table, column);
      if (mask === null) return jsonExpr;
      return maskColumnSql(product, column, mask, columnRef, 'json') ?? jsonExpr;
    },
  });
  transforms.set(plan, transform);
  return transform;
}

const masking = new WeakMap<MaskPlan, boolean>();

/** True when the plan masks at least one column. Cached per plan object. */
export function hasMasks(plan: MaskPlan): boolean {
  let result = masking.get(plan);
  if (result === undefined) {
    result = Object.values(plan.tables).some((columns) =>
      Object.values(columns).some((mask) => mask !== null && mask.fn !== 'clear'),
    );
    masking.set(plan, result);
  }
  return result;
}

/**
 * The transform to read with for a plan from `maskPlanFor`. `null` (clear roles) sees stored
 * values, with tokenized columns detokenized (none when the product tokenizes nothing); a plan
 * that masks nothing reads the plain, fastest statement (tokens as stored).
 */
export function maskTransformFor(product: Product, plan: MaskPlan | null): ColumnTransform | undefined {
  if (plan === null) return detokenizeTransform(product);
  return hasMasks(plan) ? maskTransform(product, plan) : undefined;
}
