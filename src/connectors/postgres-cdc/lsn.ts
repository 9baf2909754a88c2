import { CellarError } from '../../errors.js';

/**
 * PostgreSQL write-ahead-log positions (LSNs). An LSN is a 64-bit byte position, written by the
 * server as two hex halves, `16/B374D848`. Cellar keeps them as bigints so that they compare,
 * subtract and shift exactly.
 */

const LSN_TEXT = /^([0-9A-Fa-f]{1,8})\/([0-9A-Fa-f]{1,8})$/;
const UINT64_MAX = (1n << 64n) - 1n;

/** Parses `X/Y` text. Throws CELLAR_ERR_SOURCE_CONFIG naming `what` when the text is not an LSN. */
export function parseLsn(text: string, what = 'LSN'): bigint {
  const m = LSN_TEXT.exec(text);
  if (m === null) {
    throw new CellarError(
      'CELLAR_ERR_SOURCE_CONFIG',
      `${what} ${JSON.stringify(text)} is not a PostgreSQL LSN (X/Y in hex)`,
    );
  }
  return (BigInt(`0x${m[1]}`) << 32n) | BigInt(`0x${m[2]}`);
}

/** The server's text form of an LSN: `X/Y`, upper-case hex, the low half padded to 8 digits. */
export function formatLsn(lsn: bigint): string {
  if (lsn < 0n || lsn > UINT64_MAX) {
    throw new CellarError('CELLAR_ERR_INTERNAL', `an LSN must be an unsigned 64-bit value, got ${lsn}`);
  }
  const high = (lsn >> 32n).toString(16).toUpperCase();
  const low = (lsn & 0xffff_ffffn).toString(16).toUpperCase().padStart(8, '0');
  return `${high}/${low}`;
}

/** The larger of two LSNs. */
export function maxLsn(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}

/** Size of the header at the start of each WAL page, and of the longer one opening each segment. */
const SHORT_PAGE_HEADER = 24n;
const LONG_PAGE_HEADER = 40n;

/**
 * The position a reader of the WAL reaches once it has read everything before `insertLsn`, a value
 * of `pg_current_wal_insert_lsn()` (not `pg_current_wal_lsn()`, the *write* position, which lags
 * behind commits made with `synchronous_commit = off`). The server reports the insert position
 * *after* a page header when
 * the last record ended exactly on a page boundary, while a WAL sender's progress stops at the
 * boundary itself; waiting for the header's end would wait for a record that may never come.
 */
export function reachableLsn(insertLsn: bigint, pageSize: bigint, segmentSize: bigint): bigint {
  if (insertLsn % segmentSize === LONG_PAGE_HEADER) return insertLsn - LONG_PAGE_HEADER;
  if (insertLsn % pageSize === SHORT_PAGE_HEADER) return insertLsn - SHORT_PAGE_HEADER;
  return insertLsn;
}
