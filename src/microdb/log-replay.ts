import type { TableDef } from '../product/types.js';
import { changeInsertSql, metaSetSql } from './internal-store.js';
import { upsertSql } from './row-sql.js';
import type { StatementCache } from './statement-cache.js';
import type { StoredValue } from './stored-value.js';
import type { UpsertShape } from './upsert-shape.js';
import type { PendingWrite, WriteLog, WriteTarget } from './write-log.js';

/**
 * Rows one multi-row statement writes, largest first: a run is cut greedily into these (3: the
 * meta values of a new entity, its id, watermark and sync time).
 */
const CHUNK_ROWS: readonly number[] = [16, 8, 4, 3, 2, 1];
const ONE_ROW: readonly number[] = [1];

type Of<K extends PendingWrite['kind']> = Extract<PendingWrite, { kind: K }>;

/**
 * Replays `log` into `target`, grouped by table: meta values, then each table's upserts (tables in
 * the order the log first wrote them), then change history, then vault entries; within a table,
 * in log order. The caller wraps it in a transaction.
 *
 * Why grouped: writes to different tables are independent, so the order across tables changes no
 * row, and grouping lets `multiRow` write a run of like writes (same table, same columns) with one
 * multi-row statement, which SQLite applies row by row exactly as separate statements — the same
 * pages, in the same order — for a fraction of the per-statement cost. Both the image builder
 * (`multiRow`) and a micro-DB opening its own connection (one row a statement: a connection that
 * replays once should not prepare statements for it) replay in this order, so they make the same
 * image.
 */
export function replayWrites(target: WriteTarget, log: WriteLog, multiRow = false): void {
  const writes = log.writes;
  const { statements, internal } = target;
  const sizes = multiRow ? CHUNK_ROWS : ONE_ROW;
  // One array for every run, refilled: a replay runs once per flushed entity.
  const run: PendingWrite[] = [];
  const tables: TableDef[] = [];
  for (const write of writes) {
    if (write.kind === 'meta') run.push(write);
    else if (write.kind === 'upsert' && !tables.includes(write.table)) tables.push(write.table);
  }
  inChunks(run as Of<'meta'>[], sizes, (rows, at, n) => {
    if (n === 1) return internal.setMeta(rows[at]!.key, rows[at]!.value);
    const params: StoredValue[] = [];
    for (let i = at; i < at + n; i++) params.push(rows[i]!.key, rows[i]!.value);
    statements.get(`meta:set×${n}`, () => metaSetSql(n)).run(params);
  });
  for (const table of tables) {
    // Runs of upserts writing the same columns, in log order.
    run.length = 0;
    for (const write of writes) {
      if (write.kind !== 'upsert' || write.table !== table) continue;
      if (run.length > 0 && (run[0] as Of<'upsert'>).shape !== write.shape) upserts(statements, run, sizes);
      run.push(write);
    }
    upserts(statements, run, sizes);
  }
  run.length = 0;
  for (const write of writes) if (write.kind === 'change') run.push(write);
  inChunks(run as Of<'change'>[], sizes, (rows, at, n) => {
    if (n === 1) return internal.insertChange(rows[at]!.params, rows[at]!.limit);
    const params: StoredValue[] = [];
    for (let i = at; i < at + n; i++) params.push(...rows[i]!.params);
    const statement = statements.get(`changes:insert×${n}`, () => changeInsertSql(n));
    const last = BigInt(statement.run(params).lastInsertRowid);
    // As after each row, one at a time: keep at most `limit` changes (rows were numbered in turn).
    let oldestKept = 0n;
    for (let i = at; i < at + n; i++) {
      const kept = last - BigInt(at + n - 1 - i) - BigInt(rows[i]!.limit);
      if (kept > oldestKept) oldestKept = kept;
    }
    if (oldestKept > 0n) internal.trimChanges(oldestKept);
  });
  for (const write of writes) if (write.kind === 'vault') target.vault.put(write.entry);
}

/** Writes a run of upserts of one shape (emptying `run`). */
function upserts(statements: StatementCache, run: PendingWrite[], sizes: readonly number[]): void {
  inChunks(run as Of<'upsert'>[], sizes, (rows, at, n) => {
    const { table, shape, values } = rows[at]!;
    if (n === 1) return upsertStatement(statements, table, shape).run(values);
    const params: StoredValue[] = [];
    for (let i = at; i < at + n; i++) params.push(...rows[i]!.values);
    upsertStatement(statements, table, shape, n).run(params);
  });
  run.length = 0;
}

/**
 * The cached upsert statement of `shape` (the columns of `table` it writes), for `rows` rows at
 * once (the values of each row in turn).
 */
export function upsertStatement(statements: StatementCache, table: TableDef, shape: UpsertShape, rows = 1) {
  const key = rows === 1 ? shape.cacheKey : `${shape.cacheKey}\0×${rows}`;
  return statements.get(key, () => upsertSql(table, shape.columns, rows));
}

/** Calls `write` for `rows` cut greedily into chunks of the given sizes (largest first, ending at 1). */
function inChunks<T>(
  rows: readonly T[],
  sizes: readonly number[],
  write: (rows: readonly T[], at: number, count: number) => void,
): void {
  let at = 0;
  for (const size of sizes) {
    while (rows.length - at >= size) {
      write(rows, at, size);
      at += size;
    }
  }
}
