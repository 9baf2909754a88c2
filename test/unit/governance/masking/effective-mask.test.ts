import { describe, expect, it } from 'vitest';
import { type CellarError, isCellarError } from '../../../../src/errors.js';
import { maskedColumns, maskPlanFor, planUses } from '../../../../src/governance/masking/effective-mask.js';
import { loadCustomer360, loadKinds } from './fixtures.js';

const customer360 = loadCustomer360();

function forbidden(run: () => unknown): CellarError {
  try {
    run();
  } catch (err) {
    if (isCellarError(err, 'CELLAR_ERR_AUTH_FORBIDDEN')) return err;
    throw err;
  }
  throw new Error('expected CELLAR_ERR_AUTH_FORBIDDEN');
}

describe('maskPlanFor', () => {
  it("gives a reading role's own plan", () => {
    expect(maskPlanFor(customer360, ['support'])).toBe(customer360.maskPlans.support);
    expect(maskPlanFor(customer360, ['analyst'])).toBe(customer360.maskPlans.analyst);
  });

  it('gives null (as stored) when a reading role is clear, whatever else is held', () => {
    expect(maskPlanFor(customer360, ['dpo'])).toBeNull();
    expect(maskPlanFor(customer360, ['support', 'dpo'])).toBeNull();
    expect(maskPlanFor(customer360, ['dpo', 'analyst'])).toBeNull();
  });

  it("picks the first reading role in the product's access order, not the caller's", () => {
    expect(maskPlanFor(customer360, ['analyst', 'support'])?.role).toBe('support');
    expect(maskPlanFor(customer360, ['auditor', 'nobody', 'analyst'])?.role).toBe('analyst');
  });

  it('refuses callers without a reading role, with 403', () => {
    const err = forbidden(() => maskPlanFor(customer360, ['auditor', 'intern']));
    expect(err.status).toBe(403);
    expect(err.message).toBe('role(s) auditor, intern may not read customer360');
    expect(forbidden(() => maskPlanFor(customer360, [])).message).toContain('without roles');
  });

  it('is not fooled by role names that are Object members', () => {
    for (const role of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      expect(forbidden(() => maskPlanFor(customer360, [role])).status).toBe(403);
    }
  });

  it('cuts long role lists short in the message', () => {
    const roles = Array.from({ length: 30 }, (_, i) => `r${i}-${'x'.repeat(100)}`);
    const message = forbidden(() => maskPlanFor(customer360, roles)).message;
    expect(message.length).toBeLessThan(1000);
    expect(message).not.toContain('r29');
  });

  it('does not let a clear role that may not read grant clear sight', () => {
    const kinds = loadKinds();
    const access = {
      ...kinds.access,
      peek: { ...(kinds.access.owner as (typeof kinds.access)[string]), read: false },
    };
    const product = { ...kinds, access };
    expect(maskPlanFor(product, ['peek', 'viewer'])?.role).toBe('viewer');
    expect(forbidden(() => maskPlanFor(product, ['peek'])).status).toBe(403);
  });
});

describe('maskedColumns', () => {
  it('lists the columns a plan masks, in spec order', () => {
    const support = maskPlanFor(customer360, ['support']);
    expect(maskedColumns(support, 'customers')).toEqual([
      'first_name',
      'last_name',
      'email',
      'ssn',
      'phone',
      'birth_date',
    ]);
    expect(maskedColumns(support, 'orders')).toEqual([]);
  });

  it('lists none for a clear plan or an unknown table', () => {
    expect(maskedColumns(null, 'customers')).toEqual([]);
    expect(maskedColumns(maskPlanFor(customer360, ['support']), 'nope')).toEqual([]);
    expect(maskedColumns(maskPlanFor(customer360, ['support']), '__proto__')).toEqual([]);
  });
});

describe('planUses', () => {
  it('tells whether a plan needs the hash keys', () => {
    expect(planUses(maskPlanFor(customer360, ['analyst']), 'hash')).toBe(true);
    expect(planUses(maskPlanFor(customer360, ['support']), 'hash')).toBe(false);
    expect(planUses(null, 'hash')).toBe(false);
  });
});
