import { type ExactDecimal, parseDecimalText } from '../../microdb/values/decimal-text.js';

/**
 * Exact decimal rounding for the `round(n)` mask: half away from zero, on decimal digits (never
 * through a binary float). `n` is the number of digits kept after the point; a negative `n`
 * rounds to tens (−1), hundreds (−2)… as the spec grammar allows.
 */

/** `digits` (an unscaled integer) rounded to drop its last `drop` digits, half away from zero. */
function roundUnscaled(digits: string, drop: number): bigint {
  // Dropping more digits than there are leaves less than a tenth of the unit: it rounds to zero,
  // and skipping the power keeps a huge negative `n` from building a huge bigint.
  if (drop > digits.length) return 0n;
  const unscaled = BigInt(digits === '' ? '0' : digits);
  const unit = 10n ** BigInt(drop);
  const quotient = unscaled / unit;
  return (unscaled % unit) * 2n >= unit ? quotient + 1n : quotient;
}

/** Text of `negative × magnitude × 10^-scale` with exactly `scale` digits after the point. */
function formatScaled(negative: boolean, magnitude: bigint, scale: number): string {
  const sign = negative && magnitude !== 0n ? '-' : '';
  if (scale === 0) return `${sign}${magnitude}`;
  const text = magnitude.toString().padStart(scale + 1, '0');
  return `${sign}${text.slice(0, -scale)}.${text.slice(-scale)}`;
}

/** Rounds a parsed decimal to `n` places; undefined when nothing needs to change. */
function roundExact(value: ExactDecimal, n: number): string | undefined {
  if (value.scale <= n) return undefined;
  const drop = value.scale - n;
  const magnitude = roundUnscaled(value.digits, drop);
  if (n >= 0) return formatScaled(value.negative, magnitude, n);
  // Rounded to 10^-n: put the dropped places back as zeros (magnitude is 0 if -n was huge).
  const shifted = magnitude === 0n ? 0n : magnitude * 10n ** BigInt(-n);
  return formatScaled(value.negative, shifted, 0);
}

/**
 * Decimal text rounded to `n` places, as text. Text with no more than `n` places is returned
 * unchanged (so a `decimal(2)` column keeps its two places under `round(4)`). Undefined when
 * `text` is not a decimal number.
 */
export function roundDecimalText(text: string, n: number): string | undefined {
  const parsed = parseDecimalText(text);
  if (parsed === undefined) return undefined;
  return roundExact(parsed, n) ?? text;
}

/** A finite float rounded to `n` places, by rounding its shortest decimal text exactly. */
export function roundReal(value: number, n: number): number | undefined {
  if (!Number.isFinite(value)) return undefined;
  const parsed = parseDecimalText(String(value));
  if (parsed === undefined) return undefined;
  const rounded = roundExact(parsed, n);
  // Number('-0') is -0, which JSON shows as 0 anyway; normalize so equality checks are plain.
  return rounded === undefined ? value : Number(rounded) + 0;
}

/** An integer rounded to `n` places: unchanged for `n ≥ 0`, to tens, hundreds… for `n < 0`. */
export function roundInteger(value: bigint, n: number): bigint {
  if (n >= 0) return value;
  const negative = value < 0n;
  const magnitude = roundUnscaled((negative ? -value : value).toString(), -n);
  // A nonzero magnitude means -n is at most the digit count, so the power stays small.
  const shifted = magnitude === 0n ? 0n : magnitude * 10n ** BigInt(-n);
  return negative ? -shifted : shifted;
}
