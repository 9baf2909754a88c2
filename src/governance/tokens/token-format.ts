import type { TokenRandom } from './token-random.js';

/**
 * How tokens look. Both kinds are random: a token says nothing about its value beyond, for
 * format-preserving tokens, the value's shape.
 *
 * - Opaque: `tok_` and 26 characters of lowercase base32 (130 random bits).
 * - Format-preserving: the value with every digit replaced by a random digit and every letter by a
 *   random ASCII letter of the same case (letters of scripts without case become lowercase);
 *   every other character (separators, spaces, punctuation) stays in place, so `078-05-1120`
 *   becomes e.g. `513-84-2097`. `keepLast` keeps the last N digits and letters as they are. A
 *   value whose digits pass the Luhn check (card numbers) gets a token that passes it too. A
 *   token never equals its value.
 */

export const OPAQUE_PREFIX = 'tok_';
const OPAQUE_RANDOM_BYTES = 17; // 136 bits, of which the 26 base32 characters keep 130
const OPAQUE_CHARS = 26;
const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
/** Draws of a format-preserving token that may all equal the value before giving up. */
const MAX_DRAWS = 16;

/** A new opaque token. */
export function opaqueToken(random: TokenRandom): string {
  const bytes = new Uint8Array(OPAQUE_RANDOM_BYTES);
  random.fill(bytes);
  let bits = 0;
  let count = 0;
  let out = OPAQUE_PREFIX;
  for (const byte of bytes) {
    bits = ((bits << 8) | byte) & 0xffff;
    count += 8;
    while (count >= 5 && out.length < OPAQUE_PREFIX.length + OPAQUE_CHARS) {
      count -= 5;
      out += BASE32[(bits >> count) & 31];
    }
  }
  bytes.fill(0);
  return out;
}

type Slot = 'digit' | 'upper' | 'lower';

/** The replaceable positions of a value: index into its code points, and what may go there. */
interface Shape {
  readonly chars: readonly string[];
  readonly slots: readonly { readonly at: number; readonly kind: Slot }[];
}

function shapeOf(value: string, keepLast: number): Shape {
  const chars = [...value];
  const slots: { at: number; kind: Slot }[] = [];
  chars.forEach((char, at) => {
    const kind = slotOf(char);
    if (kind !== undefined) slots.push({ at, kind });
  });
  return { chars, slots: slots.slice(0, Math.max(0, slots.length - Math.max(0, keepLast))) };
}

/**
 * A format-preserving token for `value`, or undefined when none can differ from it: it has no
 * digit or letter to replace (after `keepLast`), or only a Luhn check digit could change.
 */
export function formatPreservingToken(
  value: string,
  keepLast: number,
  random: TokenRandom,
): string | undefined {
  const shape = shapeOf(value, keepLast);
  if (shape.slots.length === 0) return undefined;
  const digitSlots = shape.slots.filter((s) => s.kind === 'digit');
  // Only values written in ASCII digits are checked: other digits become ASCII ones in the token.
  const ascii = digitSlots.every(({ at }) => (shape.chars[at] ?? '') <= '9');
  const luhn = ascii && digitSlots.length > 0 && passesLuhn(value);
  // With Luhn kept, one replaced digit is the check that makes the sum work: it needs another.
  if (shape.slots.length - (luhn ? 1 : 0) === 0) return undefined;
  for (let draw = 0; draw < MAX_DRAWS; draw += 1) {
    const chars = [...shape.chars];
    for (const { at, kind } of shape.slots) chars[at] = pick(kind, random);
    const fix = digitSlots.at(-1);
    if (luhn && fix !== undefined) chars[fix.at] = luhnFix(chars, fix.at);
    const token = chars.join('');
    if (token !== value) return token;
  }
  return undefined;
}

function slotOf(char: string): Slot | undefined {
  if (char >= '0' && char <= '9') return 'digit';
  if (char >= 'A' && char <= 'Z') return 'upper';
  if (char >= 'a' && char <= 'z') return 'lower';
  if (char < '\u0080') return undefined; // other ASCII: separators, spaces, punctuation
  if (/^\p{Nd}$/u.test(char)) return 'digit';
  if (/^\p{Lu}$/u.test(char)) return 'upper';
  if (/^\p{L}$/u.test(char)) return 'lower';
  return undefined;
}

function pick(kind: Slot, random: TokenRandom): string {
  if (kind === 'digit') return String(random.below(10));
  return (kind === 'upper' ? UPPER : LOWER)[random.below(26)]!;
}

/** The ASCII digits of a value, as numbers, in order (other characters skipped). */
function digitsOf(chars: readonly string[]): number[] {
  const digits: number[] = [];
  for (const char of chars) if (char >= '0' && char <= '9') digits.push(char.charCodeAt(0) - 48);
  return digits;
}

/** True when the value has at least two ASCII digits and they pass the Luhn (mod 10) check. */
export function passesLuhn(value: string): boolean {
  const digits = digitsOf([...value]);
  return digits.length >= 2 && luhnSum(digits) % 10 === 0;
}

function luhnSum(digits: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i += 1) {
    const d = digits[digits.length - 1 - i]!;
    if (i % 2 === 1) sum += d * 2 > 9 ? d * 2 - 9 : d * 2;
    else sum += d;
  }
  return sum;
}

/** The digit at code-point index `at` that makes every ASCII digit of `chars` pass Luhn. */
function luhnFix(chars: readonly string[], at: number): string {
  for (let d = 0; d <= 9; d += 1) {
    const trial = [...chars];
    trial[at] = String(d);
    if (luhnSum(digitsOf(trial)) % 10 === 0) return String(d);
  }
  return chars[at]!; // unreachable: each position's digits cover every residue
}
