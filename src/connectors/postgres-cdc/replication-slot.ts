import type { Client } from 'pg';
import { CellarError } from '../../errors.js';
import { quoteIdent } from './cdc-options.js';
import { parseLsn } from './lsn.js';
import { connectClient, errorCode, sourceError } from './pg-session.js';

/** How long dropping a slot waits for a WAL sender to let go of it, ms. */
export const SLOT_RELEASE_WAIT_MS = 15_000;
const SLOT_RETRY_MS = 100;

export interface SlotInfo {
  readonly activePid: number | null;
  /** Where a restarted stream begins: everything before was confirmed as durable. */
  readonly confirmedFlush: bigint | undefined;
}

/**
 * The slot of that name in the connected database, or undefined. Throws CELLAR_ERR_SOURCE_CONFIG
 * when a slot of that name exists but cannot be this source's (physical, another plugin, another
 * database).
 */
export async function findSlot(client: Client, name: string, where: string): Promise<SlotInfo | undefined> {
  const { rows } = await client.query<Record<string, string | null>>(
    `select slot_type, plugin, database = current_database() as same_db, active_pid::text as pid,
            confirmed_flush_lsn::text as confirmed
       from pg_replication_slots where slot_name = $1`,
    [name],
  );
  const row = rows[0];
  if (row === undefined) return undefined;
  if (row.slot_type !== 'logical' || row.plugin !== 'pgoutput' || row.same_db !== 't') {
    throw new CellarError(
      'CELLAR_ERR_SOURCE_CONFIG',
      `${where}: replication slot ${name} exists but is not a pgoutput slot of this database`,
      { hint: 'name another slot with the source option slot' },
    );
  }
  return {
    activePid: row.pid === null || row.pid === undefined ? null : Number(row.pid),
    confirmedFlush: row.confirmed ? parseLsn(row.confirmed) : undefined,
  };
}

/** A new slot and the snapshot it exported, valid while its connection stays open and idle. */
export interface ExportedSlot {
  /** The first LSN the slot will stream; everything committed before is in the snapshot. */
  readonly consistentPoint: bigint;
  readonly snapshotName: string;
  /** Closes the exporting connection (after the snapshot was imported, or to give up). */
  release(): Promise<void>;
}

/**
 * Creates a logical pgoutput slot on a replication connection and keeps the snapshot it exports
 * alive until `release`. Import it with `SET TRANSACTION SNAPSHOT` before releasing.
 */
export async function createSlotWithSnapshot(
  url: string,
  name: string,
  versionNum: number,
  where: string,
): Promise<ExportedSlot> {
  const conn = await connectClient(url, where, true);
  try {
    // PostgreSQL 15 replaced EXPORT_SNAPSHOT by an option list; both export the snapshot.
    const command =
      versionNum >= 150_000
        ? `CREATE_REPLICATION_SLOT ${quoteIdent(name)} LOGICAL pgoutput (SNAPSHOT 'export')`
        : `CREATE_REPLICATION_SLOT ${quoteIdent(name)} LOGICAL pgoutput EXPORT_SNAPSHOT`;
    const { rows } = await conn.query<{ consistent_point: string; snapshot_name: string }>(command);
    const row = rows[0];
    if (row === undefined) throw new Error('CREATE_REPLICATION_SLOT returned no row');
    return {
      consistentPoint: parseLsn(row.consistent_point, 'consistent point'),
      snapshotName: row.snapshot_name,
      release: () => conn.end().catch(() => undefined),
    };
  } catch (err) {
    await conn.end().catch(() => undefined);
    throw sourceError(err, where, `cannot create replication slot ${name}`);
  }
}

/**
 * Drops the slot if it exists, waiting up to {@link SLOT_RELEASE_WAIT_MS} for a WAL sender still
 * holding it (one whose client was killed lets go within moments). Returns false when there was
 * no slot. Throws CELLAR_ERR_SOURCE_UNAVAILABLE when the slot stays in use.
 */
export async function dropSlot(
  client: Client,
  name: string,
  where: string,
  waitMs = SLOT_RELEASE_WAIT_MS,
): Promise<boolean> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      const { rows } = await client.query(
        'select pg_drop_replication_slot(slot_name) from pg_replication_slots where slot_name = $1',
        [name],
      );
      return rows.length > 0;
    } catch (err) {
      if (errorCode(err) !== '55006' || Date.now() >= deadline) {
        const error = sourceError(err, where, `cannot drop replication slot ${name}`);
        if (errorCode(err) === '55006') {
          throw new CellarError('CELLAR_ERR_SOURCE_UNAVAILABLE', error.message, {
            cause: err,
            hint: 'another process streams from this slot: stop it (another `cellar sync`?) and try again',
          });
        }
        throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, SLOT_RETRY_MS));
    }
  }
}
