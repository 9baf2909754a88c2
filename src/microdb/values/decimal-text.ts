import { reject } from './value-rejection.js';

/** An exact decimal number: sign, digits, and how many of them sit after the point. */
export interface ExactDecimal {
  readonly negative: boolean;
  /** All digits, most significant first, possibly with leading or trailing zeros. */
  readonly digits: string;
  /** How many of `digits` are after the point (may exceed `digits.length`). */
  readonly scale: number;
}

const NUMERIC = /^([+-])?([0-9]*)(?:\.([0-9]*))?(?:[eE]([+-]?[0-9]+))?$/;

/** Exponents beyond this are refused: they would build absurdly long text. */
const MAX_EXPONENT = 10_000;

/**
 * Parses decimal text (`-12.50`, `.5`, `1e-7`, `12345678901234567890.0123456789`) exactly, with no
 * float in between. Returns undefined when `text` is not a finite decimal number.
 */
export function parseDecimalText(text: string): ExactDecimal | undefined {
  const m = NUMERIC.exec(text);
  if (m === null) return undefined;
  const intPart = m[2] ?? '';
  const fracPart = m[3] ?? '';
  if (intPart === '' && fracPart === '') return undefined;
  const exponent = m[4] === undefined ? 0 : Number(m[4]);
  if (Math.abs(exponent) > MAX_EXPONENT) return undefined;
  let digits = intPart + fracPart;
  let scale = fracPart.length - exponent;
  if (scale < 0) {
    digits += '0'.repeat(-scale);
    scale = 0;
  }
  return { negative: m[1] === '-', digits, scale };
}

/** An exact decimal from an unscaled integer and a scale (Debezium's encoding). */
export function decimalFromUnscaled(unscaled: bigint, scale: number): ExactDecimal {
  const negative = unscaled < 0n;
  const digits = (negative ? -unscaled : unscaled).toString();
  if (scale >= 0) return { negative, digits, scale };
  return { negative, digits: digits + '0'.repeat(-scale), scale: 0 };
}

/**
 * Canonical text of `value`: no exponent, no leading zeros, `-` only when non-zero. With `scale`
 * set, exactly `scale` digits after the point: shorter fractions are padded, and extra digits are
 * dropped only when they are zeros (anything else would be rounding, which is refused). Without
 * `scale`, trailing fractional zeros are dropped.
 */
export function formatDecimal(value: ExactDecimal, scale: number | undefined): string {
  let intDigits: string;
  let frac: string;
  if (value.scale >= value.digits.length) {
    intDigits = '';
    frac = '0'.repeat(value.scale - value.digits.length) + value.digits;
  } else {
    intDigits = value.digits.slice(0, value.digits.length - value.scale);
    frac = value.digits.slice(value.digits.length - value.scale);
  }
  intDigits = intDigits.replace(/^0+/, '') || '0';
  if (scale === undefined) frac = frac.replace(/0+$/, '');
  else if (frac.length > scale) {
    if (/[1-9]/.test(frac.slice(scale))) {
      reject(`a decimal number with at most ${scale} digits after the point (values are never rounded)`);
    }
    frac = frac.slice(0, scale);
  } else frac = frac.padEnd(scale, '0');
  const zero = intDigits === '0' && !/[1-9]/.test(frac);
  const sign = value.negative && !zero ? '-' : '';
  return frac === '' ? `${sign}${intDigits}` : `${sign}${intDigits}.${frac}`;
}
