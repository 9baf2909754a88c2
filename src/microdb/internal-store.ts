import type { Op } from '../sync/change-event.js';
import type { StatementCache } from './statement-cache.js';
import type { StoredValue } from './stored-value.js';
import { bytesToBase64 } from './values/bytes.js';
import { stringifyJson } from './values/json-text.js';

/** One change to record in `_cellar_changes`. */
export interface ChangeRecord {
  readonly op: Op;
  readonly table: string;
  /** The changed row's primary key, in key order. */
  readonly pk: readonly StoredValue[];
  readonly stream: string;
  /** The source position's resume token. */
  readonly token: string;
  /** Source commit time, epoch ms. */
  readonly at: number;
}

/** A change as read back from `_cellar_changes`. */
export interface RecordedChange extends Omit<ChangeRecord, 'pk'> {
  /** Increasing sequence number within the entity. */
  readonly seq: number;
  /** The primary key as JSON array text (bytes as base64, big integers as digits). */
  readonly pk: string;
}

function pkJson(pk: readonly StoredValue[]): string {
  return `[${pk.map((v) => (v instanceof Uint8Array ? JSON.stringify(bytesToBase64(v)) : stringifyJson(v))).join(',')}]`;
}

/** `INSERT OR REPLACE` of `rows` meta values at once (key, value for each in turn). */
export function metaSetSql(rows = 1): string {
  return `INSERT OR REPLACE INTO "_cellar_meta" ("key", "value") VALUES ${tuples(2, rows)}`;
}

/** `INSERT` of `rows` changes at once (the {@link InternalStore.changeParams} of each in turn). */
export function changeInsertSql(rows = 1): string {
  return `INSERT INTO "_cellar_changes" ("at", "op", "tbl", "pk", "stream", "token") VALUES ${tuples(6, rows)}`;
}

function tuples(width: number, rows: number): string {
  const tuple = `(${Array(width).fill('?').join(', ')})`;
  return Array(rows).fill(tuple).join(', ');
}

/** Reads and writes the internal tables `_cellar_meta` and `_cellar_changes` of one connection. */
export class InternalStore {
  constructor(private readonly statements: StatementCache) {}

  /** A meta value (integers come back as bigint), or undefined when the key is absent. */
  getMeta(key: string): unknown {
    return this.statements
      .get('meta:get', () => 'SELECT "value" FROM "_cellar_meta" WHERE "key" = ?', true)
      .get(key);
  }

  setMeta(key: string, value: StoredValue): void {
    this.statements.get('meta:set', () => metaSetSql()).run(key, value);
  }

  /** Appends a change, then deletes the oldest so that at most `limit` remain. */
  recordChange(change: ChangeRecord, limit: number): void {
    if (limit <= 0) return;
    this.insertChange(InternalStore.changeParams(change), limit);
  }

  /**
   * The bound parameters of a change's `_cellar_changes` row, computed at once (a pending write
   * keeps these, not the caller's key array).
   */
  static changeParams(change: ChangeRecord): StoredValue[] {
    return [change.at, change.op, change.table, pkJson(change.pk), change.stream, change.token];
  }

  /** {@link recordChange} with its parameters bound already; `limit` must be positive. */
  insertChange(params: readonly StoredValue[], limit: number): void {
    const { lastInsertRowid } = this.statements.get('changes:insert', () => changeInsertSql()).run(params);
    // Young entities have fewer changes than the limit: skip (and never prepare) the trim.
    const oldestKept = BigInt(lastInsertRowid) - BigInt(limit);
    if (oldestKept > 0n) this.trimChanges(oldestKept);
  }

  /** Deletes the changes numbered `seq` or lower. */
  trimChanges(seq: bigint): void {
    this.statements.get('changes:trim', () => 'DELETE FROM "_cellar_changes" WHERE "seq" <= ?').run(seq);
  }

  /** The recorded changes, oldest first. */
  changes(): RecordedChange[] {
    const rows = this.statements
      .get(
        'changes:all',
        () =>
          'SELECT "seq", "at", "op", "tbl", "pk", "stream", "token" FROM "_cellar_changes" ORDER BY "seq"',
      )
      .all() as { seq: bigint; at: bigint; op: Op; tbl: string; pk: string; stream: string; token: string }[];
    return rows.map((r) => ({
      seq: Number(r.seq),
      at: Number(r.at),
      op: r.op,
      table: r.tbl,
      pk: r.pk,
      stream: r.stream,
      token: r.token,
    }));
  }
}
