import type { FieldHint } from '../../sync/change-event.js';
import { isRecord } from './decode-types.js';

/** Hints per column name, as the change event carries them. */
export type Hints = Readonly<Record<string, FieldHint>>;

/**
 * Field hints from the `schema` part of a JsonConverter `{schema, payload}` envelope: for every
 * column of the `after` and `before` structs, the semantic type `name` (e.g.
 * `io.debezium.time.MicroTimestamp`, `org.apache.kafka.connect.data.Decimal`) and the decimal
 * `parameters.scale`. `after` wins where both describe a column (they never differ in practice).
 *
 * Anything that is not a struct schema (absent, `null`, a placeholder string) gives no hints:
 * the applier then relies on the product's column types alone.
 */
export function hintsFromEnvelopeSchema(schema: unknown): Hints | undefined {
  if (!isRecord(schema) || !Array.isArray(schema.fields)) return undefined;
  const before = schema.fields.find((f) => isRecord(f) && f.field === 'before');
  const after = schema.fields.find((f) => isRecord(f) && f.field === 'after');
  const fromBefore = hintsFromRowSchema(before);
  const fromAfter = hintsFromRowSchema(after);
  if (fromBefore === undefined) return fromAfter;
  if (fromAfter === undefined) return fromBefore;
  return { ...fromBefore, ...fromAfter };
}

/**
 * Field hints from the struct schema of one row (the `before`/`after` field of an envelope
 * schema, or the whole schema of a row flattened by ExtractNewRecordState). Columns without a
 * semantic name or scale get no entry; `undefined` when no column has a hint.
 */
export function hintsFromRowSchema(struct: unknown): Hints | undefined {
  if (!isRecord(struct) || !Array.isArray(struct.fields)) return undefined;
  let hints: Record<string, FieldHint> | undefined;
  for (const field of struct.fields) {
    if (!isRecord(field) || typeof field.field !== 'string') continue;
    const hint = fieldHint(field);
    if (hint === undefined) continue;
    hints ??= {};
    hints[field.field] = hint;
  }
  return hints;
}

function fieldHint(field: Record<string, unknown>): FieldHint | undefined {
  const semantic = typeof field.name === 'string' && field.name !== '' ? field.name : undefined;
  const scale = isRecord(field.parameters) ? parseScale(field.parameters.scale) : undefined;
  if (semantic === undefined && scale === undefined) return undefined;
  return {
    ...(semantic === undefined ? {} : { semantic }),
    ...(scale === undefined ? {} : { scale }),
  };
}

/** Kafka Connect writes `parameters.scale` as a string ("2"); accept a number too. */
function parseScale(raw: unknown): number | undefined {
  const n = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : raw;
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}
