import type { TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { DocumentPath } from './document-error.js';

function getAt(root: unknown, path: DocumentPath): unknown {
  let value = root;
  for (const segment of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string | number, unknown>)[segment];
  }
  return value;
}

function setAt(root: unknown, path: DocumentPath, next: unknown): void {
  const parent = getAt(root, path.slice(0, -1));
  const last = path[path.length - 1];
  if (parent !== null && typeof parent === 'object' && last !== undefined) {
    (parent as Record<string | number, unknown>)[last] = next;
  }
}

/**
 * Environment variables are text. Where a substituted value stands in a field the schema types as
 * a number or boolean (`port: "${PORT}"`) and reads as one, it becomes one; every other value,
 * and every value written literally in the file, is left exactly as it is. Mutates `value`.
 */
export function coerceSubstituted(
  schema: TSchema,
  value: unknown,
  substituted: readonly DocumentPath[],
): void {
  if (substituted.length === 0) return;
  const converted = Value.Convert(schema, structuredClone(value));
  for (const path of substituted) {
    const next = getAt(converted, path);
    if (typeof next === 'number' || typeof next === 'boolean') setAt(value, path, next);
  }
}
