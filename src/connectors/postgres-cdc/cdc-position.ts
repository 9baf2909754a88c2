import { CellarError } from '../../errors.js';
import type { SourcePosition } from '../../sync/change-event.js';
import { formatLsn, parseLsn } from './lsn.js';

/**
 * Position tokens of a `postgres-cdc` source, and the orders derived from them.
 *
 * - `snapshot:<order>` — a row of the initial snapshot (or a truncate that opens a re-snapshot);
 * - `snapshot-done:<order>` — the last event of a completed snapshot: from here on the slot is
 *   the source of truth;
 * - `lsn:<commit LSN>:<index>` — the `index`-th change (0-based) of the transaction that commits
 *   at `commit LSN`, as pgoutput's Begin message reports it.
 *
 * Orders: a streamed change's order is `commitLsn << 32 | index`, which grows strictly in the
 * slot's delivery order (transactions arrive in commit order; changes within one in index order).
 * 32 bits leave room for any transaction's changes. Snapshot orders count up from 1 (or from just
 * past the stored position when a snapshot is redone), far below `consistentPoint << 32`, the
 * lowest order a change streamed after the snapshot can have.
 */

/** Bits of a stream order given to the change's index within its transaction. */
export const STREAM_INDEX_BITS = 32n;
const MAX_INDEX = 2 ** 32 - 1;

export type CdcPosition =
  | { readonly kind: 'snapshot'; readonly order: bigint; readonly done: boolean }
  | { readonly kind: 'stream'; readonly commitLsn: bigint; readonly index: number; readonly order: bigint };

/** The order of the `index`-th change of the transaction committing at `commitLsn`. */
export function streamOrder(commitLsn: bigint, index: number): bigint {
  if (!Number.isSafeInteger(index) || index < 0 || index > MAX_INDEX) {
    throw new CellarError(
      'CELLAR_ERR_SOURCE_UNAVAILABLE',
      `a transaction committing at ${formatLsn(commitLsn)} has more than 2^32 changes`,
    );
  }
  return (commitLsn << STREAM_INDEX_BITS) | BigInt(index);
}

/** The lowest order any change committed at or after `lsn` can have. */
export function firstOrderAt(lsn: bigint): bigint {
  return lsn << STREAM_INDEX_BITS;
}

export function streamPosition(stream: string, commitLsn: bigint, index: number): SourcePosition {
  return { stream, token: `lsn:${formatLsn(commitLsn)}:${index}`, order: streamOrder(commitLsn, index) };
}

export function snapshotPosition(stream: string, order: bigint, done: boolean): SourcePosition {
  return { stream, token: `${done ? 'snapshot-done' : 'snapshot'}:${order}`, order };
}

const SNAPSHOT_TOKEN = /^(snapshot|snapshot-done):([0-9]+)$/;
const STREAM_TOKEN = /^lsn:([0-9A-Fa-f]{1,8}\/[0-9A-Fa-f]{1,8}):([0-9]+)$/;

/**
 * Reads a stored token back. Throws CELLAR_ERR_SOURCE_CONFIG when it is not a `postgres-cdc`
 * token (the stream name was shared with another kind of source).
 */
export function parseCdcToken(token: string, source: string): CdcPosition {
  const snapshot = SNAPSHOT_TOKEN.exec(token);
  if (snapshot !== null) {
    return { kind: 'snapshot', order: BigInt(snapshot[2] ?? '0'), done: snapshot[1] === 'snapshot-done' };
  }
  const stream = STREAM_TOKEN.exec(token);
  if (stream !== null) {
    const commitLsn = parseLsn(stream[1] ?? '');
    const index = Number(stream[2]);
    return { kind: 'stream', commitLsn, index, order: streamOrder(commitLsn, index) };
  }
  throw new CellarError(
    'CELLAR_ERR_SOURCE_CONFIG',
    `source ${source}: the stored position is not a postgres-cdc position`,
    {
      hint: 'the stream name may be shared with another source; give each source its own name',
    },
  );
}
