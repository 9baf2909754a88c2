/**
 * The one change-event envelope every source produces (Debezium-shaped). Connectors map their
 * input to this; nothing downstream knows where an event came from.
 */

/** Operations: snapshot read, create, update, delete, truncate. */
export type Op = 'r' | 'c' | 'u' | 'd' | 't';

/**
 * A row image as the source delivered it: column → value. Values are still in the source's
 * encoding (JSON numbers, strings, Debezium encodings, PostgreSQL text form); the applier coerces
 * them to the column's type with the help of {@link FieldHint}s.
 *
 * A column absent from an `after` image means "unchanged": the stored value is kept (this is how
 * unchanged TOAST values and Debezium's `__debezium_unavailable_value` are carried).
 */
export type Row = Readonly<Record<string, unknown>>;

/** What the source knows of a field's encoding. */
export interface FieldHint {
  /** Debezium/Kafka Connect semantic type name, e.g. `io.debezium.time.MicroTimestamp`. */
  readonly semantic?: string;
  /** Decimal scale from the source schema. */
  readonly scale?: number;
  /** The value is in PostgreSQL's text output form for this type name (`int8`, `bytea`, `_text`…). */
  readonly pgType?: string;
}

/** Where an event sits in its source. */
export interface SourcePosition {
  /**
   * The ordered stream the event belongs to, unique across sources: `crm` for a replication slot,
   * `events/<topic>/<partition>` for a Kafka partition, `sample` for a file.
   */
  readonly stream: string;
  /** Opaque resume token the connector understands (LSN, offset, line number). */
  readonly token: string;
  /** Strictly increasing within a stream in delivery order; makes re-delivery detectable. */
  readonly order: bigint;
}

export interface ChangeEvent {
  readonly op: Op;
  /** Product table name (the connector has already mapped the source object). */
  readonly table: string;
  readonly before: Row | null;
  readonly after: Row | null;
  readonly hints?: Readonly<Record<string, FieldHint>>;
  readonly position: SourcePosition;
  /** Source commit time, epoch milliseconds. */
  readonly ts: number;
  /** Source transaction id, when known. */
  readonly txId?: string;
}

/** Input a connector could not turn into a change event. Goes to the dead-letter store. */
export interface RejectedInput {
  readonly position: SourcePosition;
  /** The raw input, exactly as received. Stored only encrypted. */
  readonly raw: string;
  readonly code: import('../errors.js').ErrorCode;
  readonly reason: string;
}

/** What a connector hands the engine at a time. */
export interface ChangeBatch {
  readonly events: readonly ChangeEvent[];
  readonly rejected: readonly RejectedInput[];
}
