/** Milliseconds from 1970-01-01 to 2000-01-01, PostgreSQL's epoch. */
const PG_EPOCH_MS = 946_684_800_000;

/**
 * A Standby Status Update (`r`) message of the streaming replication protocol. For a logical slot
 * the server takes `flushed` as the slot's confirmed position: it may forget WAL before it, and a
 * new stream starts there. `written` is informational. With `replyRequested` the server answers
 * at once with a keepalive carrying its current position.
 */
export function standbyStatus(
  written: bigint,
  flushed: bigint,
  now: number,
  replyRequested: boolean,
): Buffer {
  const msg = Buffer.alloc(34);
  msg.write('r', 0, 'latin1');
  msg.writeBigUInt64BE(written, 1);
  msg.writeBigUInt64BE(flushed, 9);
  msg.writeBigUInt64BE(flushed, 17); // applied: Cellar applies what it flushes
  msg.writeBigInt64BE(BigInt(now - PG_EPOCH_MS) * 1000n, 25);
  msg.writeUInt8(replyRequested ? 1 : 0, 33);
  return msg;
}
