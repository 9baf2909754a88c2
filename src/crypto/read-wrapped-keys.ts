import type { KeyStore, WrappedKey } from '../store/key-store.js';

/**
 * The stored wraps of `ids`, by id (absent ids are missing from the map): a point read when there
 * is one id — a cold read of one entity, where `get` costs about 60 % of a one-element `getMany`
 * (measured on the SQLite key store: 4.2 µs against 6.6 µs) — one batched read otherwise.
 */
export async function readWrappedKeys(
  store: KeyStore,
  ids: readonly string[],
): Promise<ReadonlyMap<string, WrappedKey>> {
  const [only] = ids;
  if (ids.length !== 1 || only === undefined) return store.getMany(ids);
  const wrapped = await store.get(only);
  return wrapped === undefined ? new Map() : new Map([[only, wrapped]]);
}
