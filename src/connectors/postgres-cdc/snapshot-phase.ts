import { CellarError } from '../../errors.js';
import type { Product } from '../../product/types.js';
import type { ChangeEvent } from '../../sync/change-event.js';
import type { CdcMetrics } from './cdc-metrics.js';
import type { PgSourceOptions } from './cdc-options.js';
import { firstOrderAt, snapshotPosition } from './cdc-position.js';
import { formatLsn } from './lsn.js';
import { connectClient, sourceError } from './pg-session.js';
import { createSlotWithSnapshot } from './replication-slot.js';
import { SnapshotReader, tableHints } from './snapshot-reader.js';
import type { CheckedTable } from './source-catalog.js';

export interface SnapshotPhaseOptions {
  readonly product: Product;
  readonly options: PgSourceOptions;
  readonly stream: string;
  readonly tables: readonly CheckedTable[];
  readonly versionNum: number;
  /** Truncate the mapped tables first: data of an earlier pass is stored and may be stale. */
  readonly resync: boolean;
  /** Order of the first event. */
  readonly firstOrder: bigint;
  readonly signal: AbortSignal;
  readonly metrics: CdcMetrics;
  readonly deliver: (events: readonly ChangeEvent[]) => Promise<void>;
}

export interface SnapshotResult {
  /** Where streaming starts: the first LSN not in the snapshot. */
  readonly consistentPoint: bigint;
  /** Order of the last event delivered (firstOrder − 1 when none was). */
  readonly lastOrder: bigint;
}

/** The truncates that open a resync: the root table alone when mapped (it empties every entity). */
function truncates(product: Product, tables: readonly CheckedTable[]): string[] {
  const mapped = new Set(tables.map((t) => t.table.productTable));
  if (mapped.has(product.root.name)) return [product.root.name];
  return product.tables.filter((t) => mapped.has(t.name)).map((t) => t.name);
}

/**
 * Creates the source's slot with an exported snapshot and delivers every row of the source tables
 * as of that snapshot, as `r` events, tables in the product's order (parents before children).
 * Batches are held back by one so that the very last event can carry the `snapshot-done` token.
 * Resolves undefined when aborted (the next start redoes the snapshot in a new slot).
 */
export async function takeSnapshot(o: SnapshotPhaseOptions): Promise<SnapshotResult | undefined> {
  const { options, stream, signal } = o;
  const exported = await createSlotWithSnapshot(options.url, options.slot, o.versionNum, options.where);
  let client: Awaited<ReturnType<typeof connectClient>> | undefined;
  let delivering = false;
  const deliver = async (events: readonly ChangeEvent[]): Promise<void> => {
    delivering = true;
    await o.deliver(events);
    delivering = false;
  };
  try {
    client = await connectClient(options.url, options.where);
    const reader = new SnapshotReader(client, options.where);
    let ts: number;
    try {
      ts = await reader.begin(exported.snapshotName);
    } finally {
      await exported.release();
    }
    const limit = firstOrderAt(exported.consistentPoint);
    let order = o.firstOrder - 1n;
    const next = (): bigint => {
      order += 1n;
      if (order >= limit) {
        throw new CellarError(
          'CELLAR_ERR_SOURCE_UNAVAILABLE',
          `${options.where}: snapshot orders reached the slot's consistent point ${formatLsn(exported.consistentPoint)}`,
        );
      }
      return order;
    };
    let held: ChangeEvent[] | undefined;
    const push = async (events: ChangeEvent[]): Promise<void> => {
      if (held !== undefined) await deliver(held);
      held = events;
    };

    if (o.resync) {
      await push(
        truncates(o.product, o.tables).map((table) => ({
          op: 't',
          table,
          before: null,
          after: null,
          ts,
          position: snapshotPosition(stream, next(), false),
        })),
      );
    }
    for (const table of o.tables) {
      const hints = tableHints(table);
      for await (const rows of reader.rows(table, options.batchSize)) {
        if (signal.aborted) return undefined;
        await push(
          rows.map((after) => ({
            op: 'r',
            table: table.table.productTable,
            before: null,
            after,
            hints,
            ts,
            position: snapshotPosition(stream, next(), false),
          })),
        );
        o.metrics.snapshotRows += rows.length;
      }
    }
    await reader.end();
    if (signal.aborted) return undefined;
    if (held !== undefined && held.length > 0) {
      const last = held[held.length - 1] as ChangeEvent;
      held[held.length - 1] = { ...last, position: snapshotPosition(stream, last.position.order, true) };
      await deliver(held);
    }
    return { consistentPoint: exported.consistentPoint, lastOrder: order };
  } catch (err) {
    // The engine's own failures pass through as they are; only reading failures are wrapped.
    if (delivering) throw err;
    throw sourceError(err, options.where, 'snapshot failed');
  } finally {
    await exported.release();
    await client?.end().catch(() => undefined);
  }
}
