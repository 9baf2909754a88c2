/**
 * Freezes an object graph in place (plain objects and arrays) and returns it. Maps and sets are
 * left as they are: freezing does not stop `set`, so such fields are typed `ReadonlyMap` instead
 * (see product/frozen-map.ts).
 */
export function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return value;
  if (value instanceof Map || value instanceof Set || ArrayBuffer.isView(value)) return value;
  Object.freeze(value);
  for (const key of Reflect.ownKeys(value)) {
    deepFreeze((value as Record<string | symbol, unknown>)[key]);
  }
  return value;
}
