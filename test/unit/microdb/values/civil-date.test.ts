import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { civilFromDays, daysFromCivil, isValidDate } from '../../../../src/microdb/values/civil-date.js';

const DAY_MS = 86_400_000;

describe('civil date arithmetic', () => {
  it('agrees with Date over years 0000–9999', () => {
    const min = daysFromCivil(0, 1, 1);
    const max = daysFromCivil(9999, 12, 31);
    fc.assert(
      fc.property(fc.integer({ min, max }), (days) => {
        const d = new Date(days * DAY_MS);
        const civil = civilFromDays(days);
        expect(civil).toEqual({ year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() });
        expect(daysFromCivil(civil.year, civil.month, civil.day)).toBe(days);
      }),
    );
  });

  it('knows leap years', () => {
    expect(isValidDate(2000, 2, 29)).toBe(true);
    expect(isValidDate(1900, 2, 29)).toBe(false);
    expect(isValidDate(2024, 2, 29)).toBe(true);
    expect(isValidDate(2023, 4, 31)).toBe(false);
    expect(daysFromCivil(1970, 1, 1)).toBe(0);
  });
});
