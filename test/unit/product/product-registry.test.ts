import { describe, expect, it } from 'vitest';
import { formatPath, InvalidDocumentError } from '../../../src/config/document-error.js';
import { loadProduct, loadProducts, ProductRegistry } from '../../../src/product/product-registry.js';
import { FIXTURE_ENV, FIXTURE_SPEC, fixtureTree, useSpecWriter } from './spec-fixture.js';

const write = useSpecWriter();

function otherProduct(name: string): string {
  const tree = fixtureTree();
  tree.product = name;
  return write(tree, `${name}.yaml`);
}

describe('loadProducts', () => {
  it('loads every file into a registry, in order', () => {
    const registry = loadProducts([FIXTURE_SPEC, otherProduct('devices')], FIXTURE_ENV);
    expect(registry.list().map((p) => p.name)).toEqual(['customer360', 'devices']);
    expect(registry.get('devices').name).toBe('devices');
    expect(registry.has('customer360')).toBe(true);
    expect(registry.find('nope')).toBeUndefined();
    expect(registry.size).toBe(2);
  });

  it('throws CELLAR_ERR_PRODUCT_NOT_FOUND for an unknown name, listing the known ones', () => {
    const registry = loadProducts([FIXTURE_SPEC], FIXTURE_ENV);
    expect(() => registry.get('customers')).toThrow(
      expect.objectContaining({ code: 'CELLAR_ERR_PRODUCT_NOT_FOUND', hint: 'known products: customer360' }),
    );
  });

  it('reports a product name defined twice at the second file', () => {
    const copy = otherProduct('customer360');
    let caught: unknown;
    try {
      loadProducts([FIXTURE_SPEC, copy], FIXTURE_ENV);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(InvalidDocumentError);
    const errors = (caught as InvalidDocumentError).errors;
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ file: copy, path: ['product'], line: expect.any(Number) });
    expect(errors[0]?.message).toContain(`${FIXTURE_SPEC} defines customer360 too`);
  });

  it('gathers the problems of every file into one error', () => {
    const a = fixtureTree();
    a.product = 'a';
    a.tables.orders.columns.total.type = 'money';
    const b = fixtureTree();
    b.product = 'b';
    delete b.owner;
    const files = [write(a, 'a.yaml'), write(b, 'b.yaml')];
    try {
      loadProducts(files, FIXTURE_ENV);
      expect.unreachable('the specs are invalid');
    } catch (err) {
      const errors = (err as InvalidDocumentError).errors;
      expect(errors.map((e) => [e.file, formatPath(e.path)])).toEqual([
        [files[0], 'tables.orders.columns.total.type'],
        [files[1], 'owner'],
      ]);
      expect((err as InvalidDocumentError).code).toBe('CELLAR_ERR_SPEC_INVALID');
    }
  });
});

describe('ProductRegistry', () => {
  it('refuses two products of the same name', () => {
    const product = loadProduct(FIXTURE_SPEC, FIXTURE_ENV);
    expect(() => new ProductRegistry([product, product])).toThrow(
      expect.objectContaining({ code: 'CELLAR_ERR_SPEC_INVALID' }),
    );
  });

  it('says so when no products are configured', () => {
    expect(() => new ProductRegistry([]).get('x')).toThrow(
      expect.objectContaining({ code: 'CELLAR_ERR_PRODUCT_NOT_FOUND', hint: 'no products are configured' }),
    );
  });
});
