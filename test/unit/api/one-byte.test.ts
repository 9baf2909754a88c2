import { describe, expect, it } from 'vitest';
import { oneByte, productName } from '../../../src/api/one-byte.js';
import { loadProduct } from '../../../src/product/product-registry.js';
import { REPO_ROOT } from '../../support/cli.js';

describe('oneByte', () => {
  it('keeps the text, whatever its characters', () => {
    // A name sliced out of text that also holds a wide character, as a YAML parser makes it.
    const sliced = 'customer360 → x'.slice(0, 11);
    expect(oneByte(sliced)).toBe('customer360');
    for (const text of ['', 'plain', 'café ÿ', 'arrow → kept', 'emoji 😀', '\u0000\u00ff'])
      expect(oneByte(text)).toBe(text);
  });
});

describe('productName', () => {
  it("is the product's name, made once per product", () => {
    const product = loadProduct(`${REPO_ROOT}/config/products/customer360.yaml`, {});
    expect(productName(product)).toBe(product.name);
    expect(productName(product)).toBe(productName(product));
  });
});
