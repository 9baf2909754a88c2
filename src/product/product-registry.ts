import { type DocumentError, InvalidDocumentError } from '../config/document-error.js';
import type { Env } from '../config/interpolate.js';
import { CellarError } from '../errors.js';
import { compileProduct } from './compile.js';
import { type LoadedSpec, loadSpec, specErrors } from './load-spec.js';
import type { Product } from './types.js';

/**
 * The data products a runtime serves, by name. Immutable; built by {@link loadProducts} or, in
 * tests, from hand-made products.
 */
export class ProductRegistry {
  readonly #byName: ReadonlyMap<string, Product>;
  readonly #list: readonly Product[];

  /** @throws CellarError CELLAR_ERR_SPEC_INVALID when two products share a name. */
  constructor(products: readonly Product[]) {
    const byName = new Map<string, Product>();
    for (const product of products) {
      const other = byName.get(product.name);
      if (other !== undefined) {
        throw new CellarError(
          'CELLAR_ERR_SPEC_INVALID',
          `product ${product.name} is defined twice: ${other.file} and ${product.file}`,
        );
      }
      byName.set(product.name, product);
    }
    this.#byName = byName;
    this.#list = Object.freeze([...products]);
    Object.freeze(this);
  }

  /** @throws CellarError CELLAR_ERR_PRODUCT_NOT_FOUND when there is no product of that name. */
  get(name: string): Product {
    const product = this.#byName.get(name);
    if (product === undefined) {
      const known = [...this.#byName.keys()];
      throw new CellarError('CELLAR_ERR_PRODUCT_NOT_FOUND', `no data product named ${JSON.stringify(name)}`, {
        hint: known.length === 0 ? 'no products are configured' : `known products: ${known.join(', ')}`,
      });
    }
    return product;
  }

  /** The product of that name, or undefined. */
  find(name: string): Product | undefined {
    return this.#byName.get(name);
  }

  has(name: string): boolean {
    return this.#byName.has(name);
  }

  /** Every product, in the order loaded. */
  list(): readonly Product[] {
    return this.#list;
  }

  get size(): number {
    return this.#list.length;
  }
}

/** Loads, validates and compiles one spec file. Throws like `loadSpec`. */
export function loadProduct(file: string, env: Env = process.env): Product {
  return compileProduct(loadSpec(file, env));
}

/**
 * Loads every spec file into a registry. Problems of all files are gathered into one error.
 *
 * @throws {@link InvalidDocumentError} CELLAR_ERR_SPEC_INVALID listing every problem of every file,
 *   including a product name already used by an earlier file.
 */
export function loadProducts(files: readonly string[], env: Env = process.env): ProductRegistry {
  const products: Product[] = [];
  const errors: DocumentError[] = [];
  for (const file of files) {
    let loaded: LoadedSpec;
    try {
      loaded = loadSpec(file, env);
    } catch (err) {
      const found = specErrors(err);
      if (found.length === 0) throw err;
      errors.push(...found);
      continue;
    }
    const other = products.find((p) => p.name === loaded.spec.product);
    if (other !== undefined) {
      const message = `expected a product name no other spec uses; ${other.file} defines ${other.name} too`;
      errors.push(loaded.locate({ path: ['product'], message }));
      continue;
    }
    products.push(compileProduct(loaded));
  }
  if (errors.length > 0) {
    throw new InvalidDocumentError(
      'CELLAR_ERR_SPEC_INVALID',
      errors,
      'fix the listed keys; docs/product-spec.md describes each one',
    );
  }
  return new ProductRegistry(products);
}
