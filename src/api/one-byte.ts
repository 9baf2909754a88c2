/**
 * Compact copies of names that come from configuration files, for the request path.
 *
 * Why: V8 keeps a string either one byte or two bytes per character. A YAML file holding one
 * character past Latin-1 anywhere — a `→` in a comment is enough — is read as a two-byte string,
 * and every name the parser slices out of it (product, table, column and API key names) stays
 * two-byte. One such name joined into a response body, a log line or an audit record makes the
 * whole text two-byte: twice the memory, and the slow paths of UTF-8 encoding and byte counting
 * on every request. Names the request path reuses are therefore copied once into one-byte form.
 * The text is the same; only its representation changes.
 */
import type { Product } from '../product/types.js';

// biome-ignore lint/suspicious/noControlCharactersInRegex: the whole Latin-1 range is the point
const LATIN1 = /^[\u0000-\u00ff]*$/;

/** `text`, one byte per character when every character fits (else `text` itself). */
export function oneByte(text: string): string {
  return LATIN1.test(text) ? Buffer.from(text, 'latin1').toString('latin1') : text;
}

const productNames = new WeakMap<Product, string>();

/** {@link oneByte} of `product.name`, made once per product. */
export function productName(product: Product): string {
  let name = productNames.get(product);
  if (name === undefined) {
    name = oneByte(product.name);
    productNames.set(product, name);
  }
  return name;
}
