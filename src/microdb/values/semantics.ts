/**
 * Debezium / Kafka Connect semantic type names (`FieldHint.semantic`) the converters understand.
 * https://debezium.io/documentation/reference/connectors/postgresql.html#postgresql-data-types
 */
export const SEMANTIC = {
  /** Base64 big-endian two's-complement unscaled integer; the scale is in the schema. */
  decimal: 'org.apache.kafka.connect.data.Decimal',
  /** `{ scale, value }` with `value` as in {@link SEMANTIC.decimal}. */
  variableScaleDecimal: 'io.debezium.data.VariableScaleDecimal',
  /** Days since 1970-01-01. */
  date: 'io.debezium.time.Date',
  connectDate: 'org.apache.kafka.connect.data.Date',
  /** Milliseconds since the epoch. */
  timestamp: 'io.debezium.time.Timestamp',
  connectTimestamp: 'org.apache.kafka.connect.data.Timestamp',
  /** Microseconds since the epoch. */
  microTimestamp: 'io.debezium.time.MicroTimestamp',
  /** Nanoseconds since the epoch. */
  nanoTimestamp: 'io.debezium.time.NanoTimestamp',
  /** ISO-8601 text with an offset. */
  zonedTimestamp: 'io.debezium.time.ZonedTimestamp',
  /** JSON text. */
  json: 'io.debezium.data.Json',
} as const;
