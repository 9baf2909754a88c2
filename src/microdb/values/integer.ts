import { reject } from './value-rejection.js';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const DIGITS = /^[+-]?[0-9]+$/;

const EXPECTED = 'a 64-bit integer (a safe-integer number, a bigint or a string of digits)';

/**
 * An `integer` column value as a bigint, exact over the whole int64 range. Accepts safe-integer
 * numbers, bigints and strings of decimal digits. A number beyond ±(2^53−1) is refused: it has
 * already lost digits, and the source must send it as a string or bigint.
 */
export function toStoredInteger(value: unknown): bigint {
  let n: bigint;
  if (typeof value === 'bigint') n = value;
  else if (typeof value === 'number') {
    if (!Number.isInteger(value)) reject(EXPECTED);
    if (!Number.isSafeInteger(value))
      reject(`${EXPECTED}; numbers beyond ±(2^53−1) lose digits, send a string`);
    n = BigInt(value);
  } else if (typeof value === 'string' && DIGITS.test(value)) n = BigInt(value);
  else reject(EXPECTED);
  if (n < INT64_MIN || n > INT64_MAX) reject('an integer between -2^63 and 2^63−1');
  return n;
}
