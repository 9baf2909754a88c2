import { describe, expect, it } from 'vitest';
import { compileProduct } from '../../../src/product/compile.js';
import { loadSpec } from '../../../src/product/load-spec.js';
import { FIXTURE_ENV, FIXTURE_SPEC, fixtureTree, useSpecWriter } from './spec-fixture.js';

const write = useSpecWriter();

const product = compileProduct(loadSpec(FIXTURE_SPEC, FIXTURE_ENV));
const partial = { fn: 'partial', args: [1, 0] };
const redact = { fn: 'redact', args: [] };

describe('mask plans', () => {
  it('has one plan per role covering every table and column', () => {
    expect(Object.keys(product.maskPlans)).toEqual(['support', 'analyst', 'dpo', 'auditor']);
    for (const plan of Object.values(product.maskPlans)) {
      expect(Object.keys(plan.tables)).toEqual(['customers', 'orders', 'order_items']);
      expect(Object.keys(plan.tables.order_items ?? {})).toEqual(['id', 'order_id', 'sku', 'qty']);
    }
  });

  it("uses the role's profile, then default, then no mask", () => {
    const support = product.maskPlans.support?.tables.customers;
    expect(support).toEqual({
      id: null,
      first_name: partial,
      last_name: partial,
      email: { fn: 'email', args: [] },
      ssn: redact,
      birth_date: redact,
      created_at: null,
    });
    const analyst = product.maskPlans.analyst?.tables.customers;
    expect(analyst?.email).toEqual({ fn: 'hash', args: [] });
    expect(analyst?.birth_date).toEqual({ fn: 'year', args: [] });
  });

  it('gives a role with no profile entry the default masks and no mask elsewhere', () => {
    const auditor = product.maskPlans.auditor?.tables.customers;
    expect(auditor?.email).toBeNull();
    expect(auditor?.ssn).toEqual(redact);
    expect(product.maskPlans.auditor?.tables.orders?.total).toBeNull();
  });

  it('shows every column as stored to clear roles', () => {
    const dpo = product.maskPlans.dpo;
    for (const columns of Object.values(dpo?.tables ?? {})) {
      for (const mask of Object.values(columns)) expect(mask).toBeNull();
    }
  });

  it('lets a clear mask for a profile override the default mask', () => {
    const tree = fixtureTree();
    tree.tables.customers.columns.birth_date.mask = { support: 'clear', default: 'redact' };
    const compiled = compileProduct(loadSpec(write(tree), FIXTURE_ENV));
    expect(compiled.maskPlans.support?.tables.customers?.birth_date).toBeNull();
    expect(compiled.maskPlans.analyst?.tables.customers?.birth_date).toEqual(redact);
  });

  it('is frozen', () => {
    expect(Object.isFrozen(product.maskPlans.support?.tables.customers)).toBe(true);
  });
});
