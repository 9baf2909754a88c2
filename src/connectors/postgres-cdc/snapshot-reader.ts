import type { Client } from 'pg';
import { CellarError } from '../../errors.js';
import type { FieldHint, Row } from '../../sync/change-event.js';
import type { CheckedTable } from './source-catalog.js';
import { selectList } from './source-catalog.js';

const SNAPSHOT_NAME = /^[0-9A-Za-z-]+$/;
const CURSOR = 'cellar_snapshot';

/** The hints of a table's values read in text form: each column's type name. */
export function tableHints(table: CheckedTable): Readonly<Record<string, FieldHint>> {
  const hints: Record<string, FieldHint> = {};
  for (const column of table.columns) hints[column.name] = Object.freeze({ pgType: column.typeName });
  return Object.freeze(hints);
}

/**
 * Reads source tables as of one snapshot: a REPEATABLE READ, read-only transaction that imports
 * the snapshot a replication slot exported, so the rows read are exactly those committed before
 * the slot's consistent point. Tables are read through a cursor, `fetchSize` rows at a time, so
 * memory stays bounded whatever their size. Only the product's columns are selected.
 */
export class SnapshotReader {
  #open = false;

  constructor(
    private readonly client: Client,
    private readonly where: string,
  ) {}

  /** Opens the transaction on the exported snapshot. Returns the snapshot's time, epoch ms. */
  async begin(snapshotName: string): Promise<number> {
    if (!SNAPSHOT_NAME.test(snapshotName)) {
      throw new CellarError(
        'CELLAR_ERR_SOURCE_UNAVAILABLE',
        `${this.where}: the server exported a snapshot named ${JSON.stringify(snapshotName)}`,
      );
    }
    await this.client.query('begin isolation level repeatable read read only');
    this.#open = true;
    await this.client.query(`set transaction snapshot '${snapshotName}'`);
    const { rows } = await this.client.query<{ ms: string }>(
      'select (extract(epoch from now()) * 1000)::bigint::text as ms',
    );
    return Number(rows[0]?.ms ?? Date.now());
  }

  /** The rows of one table, `fetchSize` at a time, keyed by column name, values as text or null. */
  async *rows(table: CheckedTable, fetchSize: number): AsyncGenerator<Row[]> {
    const names = table.columns.map((c) => c.name);
    await this.client.query(
      `declare ${CURSOR} no scroll cursor for select ${selectList(table.columns)} from ${table.table.sql}`,
    );
    let failed = false;
    try {
      for (;;) {
        const result = await this.client
          .query<unknown[]>({ text: `fetch forward ${fetchSize} from ${CURSOR}`, rowMode: 'array' })
          .catch((err: unknown) => {
            failed = true;
            throw err;
          });
        if (result.rows.length === 0) return;
        yield result.rows.map((values) => {
          const row: Record<string, unknown> = {};
          names.forEach((name, i) => {
            row[name] = values[i] ?? null;
          });
          return row;
        });
      }
    } finally {
      // After a failed fetch the transaction is aborted and the cursor gone with it.
      if (!failed) await this.client.query(`close ${CURSOR}`);
    }
  }

  /** Ends the transaction (it only read). */
  async end(): Promise<void> {
    if (!this.#open) return;
    this.#open = false;
    await this.client.query('commit');
  }
}
