import type { PgoutputMessage, RelationColumn, Tuple, TupleValue } from './pgoutput-messages.js';

/** Microseconds from 1970-01-01 to 2000-01-01, PostgreSQL's epoch. */
const PG_EPOCH_US = 946_684_800_000_000n;

const utf8 = new TextDecoder('utf-8', { fatal: true });

class Reader {
  #at = 0;

  constructor(private readonly buf: Buffer) {}

  byte(): number {
    this.#need(1);
    return this.buf.readUInt8(this.#at++);
  }

  int16(): number {
    this.#need(2);
    const v = this.buf.readInt16BE(this.#at);
    this.#at += 2;
    return v;
  }

  int32(): number {
    this.#need(4);
    const v = this.buf.readInt32BE(this.#at);
    this.#at += 4;
    return v;
  }

  uint32(): number {
    this.#need(4);
    const v = this.buf.readUInt32BE(this.#at);
    this.#at += 4;
    return v;
  }

  uint64(): bigint {
    this.#need(8);
    const v = this.buf.readBigUInt64BE(this.#at);
    this.#at += 8;
    return v;
  }

  /** A timestamp (µs since 2000-01-01) as epoch milliseconds. */
  timeMs(): number {
    this.#need(8);
    const us = this.buf.readBigInt64BE(this.#at);
    this.#at += 8;
    return Number((us + PG_EPOCH_US) / 1000n);
  }

  cstring(): string {
    const end = this.buf.indexOf(0, this.#at);
    if (end < 0) throw new RangeError('a string runs past the end of the message');
    const text = utf8.decode(this.buf.subarray(this.#at, end));
    this.#at = end + 1;
    return text;
  }

  text(length: number): string {
    this.#need(length);
    const text = utf8.decode(this.buf.subarray(this.#at, this.#at + length));
    this.#at += length;
    return text;
  }

  #need(n: number): void {
    if (this.#at + n > this.buf.length) throw new RangeError('the message ends early');
  }
}

function tuple(r: Reader): Tuple {
  const count = r.int16();
  const values: TupleValue[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const kind = r.byte();
    if (kind === 0x6e /* n */) values[i] = null;
    else if (kind === 0x75 /* u */) values[i] = undefined;
    else if (kind === 0x74 /* t */) values[i] = r.text(r.int32());
    else
      throw new RangeError(
        `a tuple value has kind ${JSON.stringify(String.fromCharCode(kind))}; only text is requested`,
      );
  }
  return values;
}

function relation(r: Reader): PgoutputMessage {
  const relationId = r.uint32();
  const schema = r.cstring();
  const name = r.cstring();
  const replicaIdentity = String.fromCharCode(r.byte());
  const count = r.int16();
  const columns: RelationColumn[] = [];
  for (let i = 0; i < count; i++) {
    const flags = r.byte();
    const column = r.cstring();
    const typeOid = r.uint32();
    r.int32(); // type modifier
    columns.push({ name: column, isKey: (flags & 1) === 1, typeOid });
  }
  return { tag: 'relation', relationId, schema, name, replicaIdentity, columns };
}

function update(r: Reader): PgoutputMessage {
  const relationId = r.uint32();
  let kind = r.byte();
  let oldKind: 'K' | 'O' | undefined;
  let oldTuple: Tuple | undefined;
  if (kind === 0x4b /* K */ || kind === 0x4f /* O */) {
    oldKind = kind === 0x4b ? 'K' : 'O';
    oldTuple = tuple(r);
    kind = r.byte();
  }
  if (kind !== 0x4e /* N */) throw new RangeError('an update has no new tuple');
  return { tag: 'update', relationId, oldKind, oldTuple, newTuple: tuple(r) };
}

function decode(r: Reader): PgoutputMessage {
  const tag = r.byte();
  switch (tag) {
    case 0x42 /* B */:
      return { tag: 'begin', finalLsn: r.uint64(), commitTimeMs: r.timeMs(), xid: r.uint32() };
    case 0x43 /* C */:
      {
        r.byte(); // flags, unused
        return { tag: 'commit', commitLsn: r.uint64(), endLsn: r.uint64(), commitTimeMs: r.timeMs() };
      }
    case 0x52 /* R */:
      return relation(r);
    case 0x59 /* Y */:
      return { tag: 'type', typeOid: r.uint32(), schema: r.cstring(), name: r.cstring() };
    case 0x49 /* I */:
      {
        const relationId = r.uint32();
        if (r.byte() !== 0x4e) throw new RangeError('an insert has no new tuple');
        return { tag: 'insert', relationId, newTuple: tuple(r) };
      }
    case 0x55 /* U */:
      return update(r);
    case 0x44 /* D */:
      {
        const relationId = r.uint32();
        const kind = r.byte();
        if (kind !== 0x4b && kind !== 0x4f) throw new RangeError('a delete has no old key or row');
        return { tag: 'delete', relationId, oldKind: kind === 0x4b ? 'K' : 'O', oldTuple: tuple(r) };
      }
    case 0x54 /* T */:
      {
        const count = r.int32();
        r.byte(); // CASCADE / RESTART IDENTITY flags: the effect on each relation is what counts
        const relationIds: number[] = [];
        for (let i = 0; i < count; i++) relationIds.push(r.uint32());
        return { tag: 'truncate', relationIds };
      }
    case 0x4f /* O */:
      return { tag: 'origin' };
    case 0x4d /* M */:
      return { tag: 'message' };
    default:
      return {
        tag: 'undecodable',
        reason: `unknown pgoutput message type ${JSON.stringify(String.fromCharCode(tag))}`,
      };
  }
}

/**
 * Decodes one pgoutput (protocol 1) message. Never throws: malformed bytes become an
 * `undecodable` message, because this runs inside the driver's socket callback, where an
 * exception would take the process down.
 */
export function decodePgoutput(buf: Buffer): PgoutputMessage {
  try {
    return decode(new Reader(buf));
  } catch (err) {
    return { tag: 'undecodable', reason: err instanceof Error ? err.message : String(err) };
  }
}
