import type { SourceDef } from '../../../../src/product/types.js';

/** A postgres-cdc source of the customer360 test product. */
export function pgSource(options: Record<string, unknown> = {}, tables?: Record<string, string>): SourceDef {
  return {
    name: 'crm',
    type: 'postgres-cdc',
    tables: new Map(
      Object.entries(
        tables ?? {
          'public.order_items': 'order_items',
          'public.customers': 'customers',
          'public.orders': 'orders',
        },
      ),
    ),
    options: { url: 'postgres://cellar@localhost/crm', ...options },
  };
}

/** Builds pgoutput messages byte by byte, as the server writes them. */
export class PgoutputWriter {
  readonly #parts: Buffer[] = [];

  byte(v: number | string): this {
    this.#parts.push(Buffer.from([typeof v === 'string' ? v.charCodeAt(0) : v]));
    return this;
  }

  int16(v: number): this {
    const b = Buffer.alloc(2);
    b.writeInt16BE(v);
    this.#parts.push(b);
    return this;
  }

  int32(v: number): this {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(v >>> 0);
    this.#parts.push(b);
    return this;
  }

  int64(v: bigint): this {
    const b = Buffer.alloc(8);
    b.writeBigInt64BE(v);
    this.#parts.push(b);
    return this;
  }

  cstring(s: string): this {
    this.#parts.push(Buffer.from(s, 'utf8'), Buffer.from([0]));
    return this;
  }

  /** TupleData: strings are text values, null is NULL, undefined an unchanged TOAST value. */
  tuple(values: readonly (string | null | undefined)[]): this {
    this.int16(values.length);
    for (const v of values) {
      if (v === null) this.byte('n');
      else if (v === undefined) this.byte('u');
      else {
        const text = Buffer.from(v, 'utf8');
        this.byte('t').int32(text.length);
        this.#parts.push(text);
      }
    }
    return this;
  }

  build(): Buffer {
    return Buffer.concat(this.#parts);
  }
}

/** µs from 2000-01-01 (PostgreSQL's epoch) for an epoch-ms time. */
export function pgMicros(ms: number): bigint {
  return BigInt(ms - 946_684_800_000) * 1000n;
}

/** A Relation message. Columns: [name, typeOid, isKey]. */
export function relationMessage(
  id: number,
  schema: string,
  name: string,
  identity: string,
  columns: [string, number, boolean][],
): Buffer {
  const w = new PgoutputWriter()
    .byte('R')
    .int32(id)
    .cstring(schema)
    .cstring(name)
    .byte(identity)
    .int16(columns.length);
  for (const [column, oid, key] of columns)
    w.byte(key ? 1 : 0)
      .cstring(column)
      .int32(oid)
      .int32(-1);
  return w.build();
}
