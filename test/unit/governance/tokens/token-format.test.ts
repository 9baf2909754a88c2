import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatPreservingToken,
  OPAQUE_PREFIX,
  opaqueToken,
  passesLuhn,
} from '../../../../src/governance/tokens/token-format.js';
import { secureRandom, type TokenRandom } from '../../../../src/governance/tokens/token-random.js';

/** A random source that replays `values` (each reduced modulo the bound), then repeats the last. */
function scripted(values: readonly number[]): TokenRandom {
  let i = 0;
  return {
    below: (bound) => (values[Math.min(i++, values.length - 1)] ?? 0) % bound,
    fill: (out) => out.fill(7),
  };
}

function shape(text: string): string {
  return [...text]
    .map((c) => (/\p{Nd}/u.test(c) ? '9' : /\p{Lu}/u.test(c) ? 'A' : /\p{L}/u.test(c) ? 'a' : c))
    .join('');
}

describe('opaque tokens', () => {
  it('are tok_ and 26 base32 characters, and differ every time', () => {
    const tokens = new Set(Array.from({ length: 500 }, () => opaqueToken(secureRandom)));
    expect(tokens.size).toBe(500);
    for (const token of tokens) expect(token).toMatch(/^tok_[a-z2-7]{26}$/);
    expect(OPAQUE_PREFIX).toBe('tok_');
  });
});

describe('format-preserving tokens', () => {
  it('keep separators in place, digits as digits and letters as letters of the same case', () => {
    const token = formatPreservingToken('078-05-1120', 0, secureRandom);
    expect(token).toMatch(/^\d{3}-\d{2}-\d{4}$/);
    const mixed = formatPreservingToken('AB-12 cd/é', 0, secureRandom) ?? '';
    expect(shape(mixed)).toBe(shape('AB-12 cd/é'));
    expect(mixed.slice(2, 3)).toBe('-');
  });

  it('keep the last N digits and letters when asked', () => {
    const token = formatPreservingToken('078-05-1120', 4, secureRandom) ?? '';
    expect(token.endsWith('-1120')).toBe(true);
    expect(token).toMatch(/^\d{3}-\d{2}-1120$/);
  });

  it('never equal their input, even when the random source keeps proposing it', () => {
    // The first draw reproduces "12" exactly; the next one must be taken.
    const token = formatPreservingToken('12', 0, scripted([1, 2, 3, 4]));
    expect(token).toBe('34');
  });

  it('are Luhn-valid when the input is, and keep the card shape', () => {
    const card = '4539 1488 0343 6467';
    expect(passesLuhn(card)).toBe(true);
    for (let i = 0; i < 50; i += 1) {
      const token = formatPreservingToken(card, 4, secureRandom) ?? '';
      expect(passesLuhn(token)).toBe(true);
      expect(token).toMatch(/^\d{4} \d{4} \d{4} 6467$/);
      expect(token).not.toBe(card);
    }
  });

  it('give none when nothing could differ: no digit or letter, all kept, or only a check digit', () => {
    expect(formatPreservingToken('', 0, secureRandom)).toBeUndefined();
    expect(formatPreservingToken('--- / ---', 0, secureRandom)).toBeUndefined();
    expect(formatPreservingToken('1234', 4, secureRandom)).toBeUndefined();
    // "0" passes Luhn only with two digits; "18" does, and its one free digit is the check digit.
    expect(formatPreservingToken('18', 1, secureRandom)).toBeUndefined();
  });

  it('property: any string gives a token of its shape that differs from it, or none', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), fc.nat(6), (value, keepLast) => {
        const token = formatPreservingToken(value, keepLast, secureRandom);
        if (token === undefined) return;
        expect(token).not.toBe(value);
        expect(shape(token).replace(/[9Aa]/g, 'x')).toBe(shape(value).replace(/[9Aa]/g, 'x'));
        expect([...token].length).toBe([...value].length);
      }),
      { numRuns: 300 },
    );
  });
});
