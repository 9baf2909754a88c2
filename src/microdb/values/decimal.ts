import type { ColumnDef } from '../../product/types.js';
import type { FieldHint } from '../../sync/change-event.js';
import { decodeBase64 } from './bytes.js';
import { decimalFromUnscaled, type ExactDecimal, formatDecimal, parseDecimalText } from './decimal-text.js';
import { SEMANTIC } from './semantics.js';
import { reject } from './value-rejection.js';

const EXPECTED = 'a decimal number (numeric text, a number, or a Debezium base64 decimal)';

/** Big-endian two's-complement bytes → bigint (Kafka Connect's Decimal encoding). */
function unscaledFromBytes(bytes: Uint8Array): bigint {
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  const first = bytes[0];
  if (first !== undefined && first >= 0x80) n -= 1n << BigInt(8 * bytes.length);
  return n;
}

function fromBase64(text: string, scale: number | undefined): ExactDecimal {
  if (scale === undefined)
    reject(`${EXPECTED}; a base64 decimal needs a scale from the source schema or the spec`);
  const bytes = decodeBase64(text);
  if (bytes === undefined || bytes.length === 0)
    reject(`${EXPECTED}; the text is neither numeric nor base64`);
  return decimalFromUnscaled(unscaledFromBytes(bytes), scale);
}

function fromVariableScale(value: object): ExactDecimal {
  const { scale, value: encoded } = value as { scale?: unknown; value?: unknown };
  if (typeof scale !== 'number' || !Number.isInteger(scale) || typeof encoded !== 'string') {
    reject(`${EXPECTED}; a variable-scale decimal is { scale: integer, value: base64 }`);
  }
  return fromBase64(encoded, scale);
}

function parse(column: ColumnDef, value: unknown, hint: FieldHint | undefined): ExactDecimal {
  if (typeof value === 'string') {
    if (hint?.semantic === SEMANTIC.decimal) return fromBase64(value, hint.scale ?? column.scale);
    const parsed = parseDecimalText(value);
    if (parsed !== undefined) return parsed;
    // A plain base64 decimal arrives without a schema when the connector dropped it; the spec's
    // scale tells how to read it. Numeric text always wins: "1234" is also valid base64.
    if (column.scale !== undefined && hint?.pgType === undefined) return fromBase64(value, column.scale);
    reject(EXPECTED);
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) reject(`${EXPECTED}; NaN and infinities are not decimals`);
    // The shortest text that reads back as this double is the decimal the sender meant.
    return parseDecimalText(String(value)) ?? reject(EXPECTED);
  }
  if (typeof value === 'bigint') return decimalFromUnscaled(value, 0);
  if (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof Uint8Array)
  ) {
    return fromVariableScale(value);
  }
  reject(EXPECTED);
}

/**
 * A `decimal` column value as canonical text (see {@link formatDecimal}): exact, never through a
 * float for text or Debezium encodings, never rounded.
 */
export function toStoredDecimal(column: ColumnDef, value: unknown, hint: FieldHint | undefined): string {
  return formatDecimal(parse(column, value, hint), column.scale);
}
