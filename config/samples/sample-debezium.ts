import { type CustomerRow, type ItemRow, isoDate, type OrderRow } from './sample-rows.js';

/**
 * Debezium JSON for the sample rows, as the PostgreSQL connector (server name `crm`, database
 * `crm`, schema `public`) writes them with the JsonConverter:
 * - bare payloads (`schemas.enable=false`) with `decimal.handling.mode=string` and timestamps as
 *   ISO text — the form a reader can decode without a schema;
 * - `{schema, payload}` (`schemas.enable=true`) with Debezium's default encodings: decimals as
 *   base64 unscaled bytes (`org.apache.kafka.connect.data.Decimal`), timestamps as
 *   `io.debezium.time.MicroTimestamp`, dates as `io.debezium.time.Date` (days since the epoch).
 */

export type SampleTable = 'customers' | 'orders' | 'order_items';
export type SampleRow = CustomerRow | OrderRow | ItemRow;

/** What `source` says of one event. */
export interface SourceInfo {
  readonly tsMs: number;
  readonly txId: number;
  readonly lsn: number;
  /** `first`, `true`, `last` during the snapshot, `false` when streaming. */
  readonly snapshot: 'first' | 'true' | 'last' | 'false';
}

export interface SampleEvent {
  readonly table: SampleTable;
  readonly op: 'r' | 'c' | 'u' | 'd';
  /** For deletes: the primary key only (REPLICA IDENTITY DEFAULT). Updates carry no before. */
  readonly before: { readonly id: number } | null;
  readonly after: SampleRow | null;
  readonly source: SourceInfo;
}

const DECIMAL = 'org.apache.kafka.connect.data.Decimal';
const MICRO_TIMESTAMP = 'io.debezium.time.MicroTimestamp';
const DATE = 'io.debezium.time.Date';

type FieldSchema = { readonly type: string; readonly optional: boolean; readonly field: string } & Record<
  string,
  unknown
>;

const f = (field: string, type: string, extra: Record<string, unknown> = {}): FieldSchema => ({
  type,
  optional: field !== 'id',
  ...extra,
  field,
});

const ROW_FIELDS: Readonly<Record<SampleTable, readonly FieldSchema[]>> = {
  customers: [
    f('id', 'int64'),
    f('first_name', 'string'),
    f('last_name', 'string'),
    f('email', 'string'),
    f('ssn', 'string'),
    f('phone', 'string'),
    f('birth_date', 'int32', { name: DATE, version: 1 }),
    f('created_at', 'int64', { name: MICRO_TIMESTAMP, version: 1 }),
  ],
  orders: [
    f('id', 'int64'),
    f('customer_id', 'int64'),
    f('total', 'bytes', {
      name: DECIMAL,
      version: 1,
      parameters: { scale: '2', 'connect.decimal.precision': '12' },
    }),
    f('status', 'string'),
    f('placed_at', 'int64', { name: MICRO_TIMESTAMP, version: 1 }),
  ],
  order_items: [f('id', 'int64'), f('order_id', 'int64'), f('sku', 'string'), f('qty', 'int32')],
};

const SOURCE_FIELDS: readonly FieldSchema[] = [
  { type: 'string', optional: false, field: 'version' },
  { type: 'string', optional: false, field: 'connector' },
  { type: 'string', optional: false, field: 'name' },
  { type: 'int64', optional: false, field: 'ts_ms' },
  {
    type: 'string',
    optional: true,
    name: 'io.debezium.data.Enum',
    version: 1,
    parameters: {
      allowed: 'true,first,first_in_data_collection,last_in_data_collection,last,false,incremental',
    },
    default: 'false',
    field: 'snapshot',
  },
  { type: 'string', optional: false, field: 'db' },
  { type: 'string', optional: false, field: 'schema' },
  { type: 'string', optional: false, field: 'table' },
  { type: 'int64', optional: true, field: 'txId' },
  { type: 'int64', optional: true, field: 'lsn' },
];

/** One JSON line for the event, bare or wrapped in `{schema, payload}`. */
export function encodeEvent(event: SampleEvent, withSchema: boolean): string {
  const encodeRow = withSchema ? schemaRow : textRow;
  const payload = {
    before: event.before,
    after: event.after === null ? null : encodeRow(event.table, event.after),
    source: {
      version: '2.7.3.Final',
      connector: 'postgresql',
      name: 'crm',
      ts_ms: event.source.tsMs,
      snapshot: event.source.snapshot,
      db: 'crm',
      schema: 'public',
      table: event.table,
      txId: event.source.txId,
      lsn: event.source.lsn,
    },
    op: event.op,
    ts_ms: event.source.tsMs + 7,
  };
  return JSON.stringify(withSchema ? { schema: envelopeSchema(event.table), payload } : payload);
}

function envelopeSchema(table: SampleTable) {
  const row = (field: 'before' | 'after') => ({
    type: 'struct',
    fields: ROW_FIELDS[table],
    optional: true,
    name: `crm.public.${table}.Value`,
    field,
  });
  return {
    type: 'struct',
    fields: [
      row('before'),
      row('after'),
      {
        type: 'struct',
        fields: SOURCE_FIELDS,
        optional: false,
        name: 'io.debezium.connector.postgresql.Source',
        field: 'source',
      },
      { type: 'string', optional: false, field: 'op' },
      { type: 'int64', optional: true, field: 'ts_ms' },
    ],
    optional: false,
    name: `crm.public.${table}.Envelope`,
    version: 1,
  };
}

/** Row in text forms: decimals as digit strings, timestamps as ISO text (the stored JSON form). */
function textRow(table: SampleTable, row: SampleRow): Record<string, unknown> {
  if (table === 'customers') {
    const c = row as CustomerRow;
    return { ...c, created_at: isoMicros(c.created_at) };
  }
  if (table === 'orders')
    return orderFields(row as OrderRow, centsText((row as OrderRow).totalCents), isoMicros);
  return { ...row };
}

/** Row in Debezium's default encodings, described by {@link ROW_FIELDS}. */
function schemaRow(table: SampleTable, row: SampleRow): Record<string, unknown> {
  if (table === 'customers') {
    const c = row as CustomerRow;
    return { ...c, birth_date: Date.parse(`${c.birth_date}T00:00:00Z`) / 86_400_000 };
  }
  if (table === 'orders')
    return orderFields(row as OrderRow, decimalBase64((row as OrderRow).totalCents), (us) => us);
  return { ...row };
}

function orderFields(o: OrderRow, total: unknown, time: (us: number) => unknown): Record<string, unknown> {
  return { id: o.id, customer_id: o.customer_id, total, status: o.status, placed_at: time(o.placed_at) };
}

/** `YYYY-MM-DDTHH:MM:SS.ffffff` (no zone: a PostgreSQL `timestamp`) of epoch microseconds. */
export function isoMicros(us: number): string {
  const ms = Math.floor(us / 1000);
  const day = Math.floor(ms / 86_400_000);
  const time = new Date(ms).toISOString().slice(11, 19);
  const fraction = String(((us % 1_000_000) + 1_000_000) % 1_000_000).padStart(6, '0');
  return `${isoDate(day)}T${time}.${fraction}`;
}

/** Cents as a decimal with two digits after the point. */
export function centsText(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** Kafka Connect Decimal: big-endian two's-complement bytes of the unscaled value, base64. */
export function decimalBase64(unscaled: number): string {
  let v = BigInt(unscaled);
  const bytes: number[] = [];
  do {
    bytes.unshift(Number(v & 0xffn));
    v >>= 8n;
  } while (!(v === 0n && (bytes[0] ?? 0) < 0x80) && !(v === -1n && (bytes[0] ?? 0) >= 0x80));
  return Buffer.from(bytes).toString('base64');
}
