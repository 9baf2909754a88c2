/**
 * Byte sizes in configuration: a number of bytes, or text such as `256MiB` or `64MB`. Binary
 * units (KiB, MiB, GiB, TiB) are powers of 1024, decimal units (KB, MB, GB, TB) powers of 1000;
 * units are case-insensitive and `B` is optional. Fractions are allowed (`1.5GiB`) and rounded
 * down to whole bytes.
 */

/** Text form accepted by {@link parseByteSize}, as a regular-expression source (for schemas). */
export const BYTE_SIZE_PATTERN = '^\\s*[0-9]+(\\.[0-9]+)?\\s*([KMGTkmgt][Ii]?)?[Bb]?\\s*$';

const UNIT_POWER: Readonly<Record<string, number>> = { '': 0, k: 1, m: 2, g: 3, t: 4 };

/**
 * Bytes for a size given as a number or as text like `256MiB`; `undefined` when the text is not
 * a size or the result is not a safe integer.
 */
export function parseByteSize(value: number | string): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
  const match = /^\s*([0-9]+(?:\.[0-9]+)?)\s*(?:([KMGTkmgt])([Ii])?)?[Bb]?\s*$/.exec(value);
  if (match === null) return undefined;
  const amount = Number(match[1]);
  const prefix = (match[2] ?? '').toLowerCase();
  const base = match[3] === undefined ? 1000 : 1024;
  const bytes = Math.floor(amount * base ** (UNIT_POWER[prefix] ?? 0));
  return Number.isSafeInteger(bytes) ? bytes : undefined;
}
