import type { StoredValue } from '../../microdb/stored-value.js';
import type { Product, TableDef } from '../../product/types.js';
import type { EntityHandle } from '../../runtime/entity-handle.js';
import { tableTokenColumns } from './token-columns.js';
import type { PriorToken, Tokenizer, TokenPlan } from './tokenizer.js';

type Row = Readonly<Record<string, StoredValue>>;
type ReadyPlan = Extract<TokenPlan, { kind: 'ready' }>;

/** Tokenize-on-write plans for one row, or the token-index hashes to fetch first. */
export type RowTokenPlan =
  | { readonly kind: 'ready'; readonly plans: readonly ReadyPlan[] }
  | { readonly kind: 'need'; readonly hashes: readonly string[] };

/** Where the row was before this change: its stored version in some entity (tokens to reuse). */
export interface PriorRow {
  readonly handle: EntityHandle;
  readonly row: Row | undefined;
}

/** The tokenized columns of `table` that `row` carries a (non-null) value for. */
function present(product: Product, table: TableDef, row: Row) {
  const columns = tableTokenColumns(product, table);
  return columns.length === 0 ? columns : columns.filter((c) => typeof row[c.column.name] === 'string');
}

/** Token-index hashes to fetch ahead for an event's row (the sync engine's batch prefetch). */
export function prefetchRowTokens(
  tokenizer: Tokenizer,
  slot: object,
  product: Product,
  table: TableDef,
  row: Row,
): string[] {
  return present(product, table, row).flatMap((c) =>
    tokenizer.prefetch(slot, product, c, [row[c.column.name] as string]),
  );
}

/**
 * Decides the token of every tokenized value the event's `row` carries, for entity `dest`. A value
 * a prior version of the row already held a token for keeps it (moving with the row when it
 * changes entity). Changes nothing.
 */
export function planRowTokens(
  tokenizer: Tokenizer,
  slot: object,
  dest: EntityHandle,
  table: TableDef,
  row: Row,
  priorRows: () => readonly PriorRow[],
): RowTokenPlan {
  const plans: ReadyPlan[] = [];
  const need: string[] = [];
  const columns = present(dest.product, table, row);
  // The row's earlier versions are read only when it carries a tokenized value.
  const earlier = columns.length === 0 ? [] : priorRows();
  for (const column of columns) {
    const prior: PriorToken[] = [];
    for (const { handle, row: before } of earlier) {
      const token = before?.[column.column.name];
      if (typeof token === 'string') prior.push({ token, vault: handle.db.vault });
    }
    const plan = tokenizer.plan({
      slot,
      product: dest.product,
      column,
      values: [row[column.column.name] as string],
      vault: dest.db.vault,
      prior,
    });
    if (plan.kind === 'need') need.push(...plan.hashes);
    else plans.push(plan);
  }
  return need.length > 0 ? { kind: 'need', hashes: need } : { kind: 'ready', plans };
}

/** `row` with its tokenized values replaced by their planned tokens, written into `dest`'s vault. */
export function applyRowTokens(
  tokenizer: Tokenizer,
  plan: Extract<RowTokenPlan, { kind: 'ready' }>,
  dest: EntityHandle,
  row: Row,
): Row {
  if (plan.plans.length === 0) return row;
  const out: Record<string, StoredValue> = { ...row };
  const owner = { product: dest.product.name, entity: dest.key };
  for (const columnPlan of plan.plans) {
    const [token] = tokenizer.apply(columnPlan, dest.db.vault, owner);
    if (token !== undefined) out[columnPlan.column.column.name] = token;
  }
  return out;
}

/**
 * Carries the tokens of a row that moved from `from` to `to` (a child re-parented to another
 * entity): their vault entries are copied and the token index points at `to`. Only the columns
 * named in `columns` (default: every tokenized column) are carried.
 */
export function adoptRowTokens(
  tokenizer: Tokenizer,
  table: TableDef,
  from: EntityHandle,
  to: EntityHandle,
  row: Row,
  columns?: ReadonlySet<string>,
): void {
  const owner = { product: to.product.name, entity: to.key };
  for (const column of present(to.product, table, row)) {
    if (columns !== undefined && !columns.has(column.column.name)) continue;
    const entry = from.db.vault.get(row[column.column.name] as string);
    if (entry !== undefined) tokenizer.adopt(entry, to.db.vault, owner);
  }
}

/**
 * Tokenize on write as the sync applier uses it: the functions above bound to one tokenizer, so
 * that the applier stays about routing and rows.
 */
export class RowTokenizer {
  constructor(readonly tokenizer: Tokenizer) {}

  /** Token-index hashes to fetch ahead for an event's row. */
  prefetch(slot: object, product: Product, table: TableDef, row: Row): string[] {
    return prefetchRowTokens(this.tokenizer, slot, product, table, row);
  }

  /**
   * {@link planRowTokens} for a row about to be written at `pk` in `dest`: what it held before is
   * looked for there, at its old key `oldPk` (a key change), and in `moving` (the entity it
   * leaves, at `oldPk`).
   */
  planRow(
    slot: object,
    table: TableDef,
    row: Row,
    at: {
      readonly dest: EntityHandle;
      readonly pk: readonly StoredValue[];
      readonly oldPk: readonly StoredValue[];
      readonly moving: EntityHandle | undefined;
    },
  ): RowTokenPlan {
    const { dest, pk, oldPk, moving } = at;
    return planRowTokens(this.tokenizer, slot, dest, table, row, () => [
      { handle: dest, row: dest.db.getRow(table.name, pk) },
      ...(oldPk === pk ? [] : [{ handle: dest, row: dest.db.getRow(table.name, oldPk) }]),
      ...(moving ? [{ handle: moving, row: moving.db.getRow(table.name, oldPk) }] : []),
    ]);
  }

  /** See {@link applyRowTokens}. */
  apply(plan: Extract<RowTokenPlan, { kind: 'ready' }>, dest: EntityHandle, row: Row): Row {
    return applyRowTokens(this.tokenizer, plan, dest, row);
  }

  /** A hook carrying the tokens of every descendant row that moves from `from` to `to`. */
  carry(from: EntityHandle, to: EntityHandle): (table: TableDef, row: Row) => void {
    return (table, row) => adoptRowTokens(this.tokenizer, table, from, to, row);
  }

  /** Carries the tokens of the columns of a moved row that the event does not set itself. */
  carryUnchanged(table: TableDef, from: EntityHandle, to: EntityHandle, moved: Row, event: Row): void {
    const kept = new Set(Object.keys(moved).filter((c) => !(c in event)));
    adoptRowTokens(this.tokenizer, table, from, to, moved, kept);
  }
}
