import { resealBlob } from '../../codec/blob-codec.js';
import { CellarError, isCellarError } from '../../errors.js';
import type { StoredBlob } from '../../store/blob-store.js';
import type { RotationState, WrappedKey } from '../../store/key-store.js';
import { KeyArena } from '../key-arena.js';
import { unwrapKeyInto, wrapKey } from '../key-wrap.js';
import type { MasterKey } from '../master-key.js';
import type { SecureKey } from '../secure-buffer.js';
import { masterFor } from '../system-keys.js';
import type { MasterKeySet } from './master-key-set.js';
import type { RotateOptions, RotationContext } from './rotation-context.js';

/** Key-store id of an entity's replacement data key while it is swapped in. */
export function nextKeyId(entityKey: string): string {
  return `next:${entityKey}`;
}

/**
 * The `--reencrypt` phase: every entity of `options.products` gets a new random data key and its
 * blob is re-encrypted under it (without decompressing: `resealBlob`), one entity at a time:
 *
 * 1. the new key is stored, wrapped by the target version, as `next:<entity key>`;
 * 2. the re-encrypted blob is committed (its version goes up by one);
 * 3. in one key-store transaction the entity's key is replaced by the new one (only if it is still
 *    the key that was read), `next:` is deleted, and the progress is recorded.
 *
 * A crash after 1 or 2 leaves both keys stored; the next run finds `next:`, sees which key opens
 * the blob, and finishes or undoes the swap. Entities whose key was erased are skipped.
 *
 * Caveat: blobs are rewritten, so no other process may write the store meanwhile (stop sync and
 * the service first); the re-wrap phase has no such limit.
 */
export async function reencryptEntities(
  ctx: RotationContext,
  masters: MasterKeySet,
  start: RotationState,
  options: RotateOptions,
): Promise<RotationState> {
  const target = masters.get(start.target)!;
  const products = [...new Set(options.products ?? [])].sort();
  let total = 0;
  for (const product of products) total += (await ctx.blobs.stats(product)).entities;
  const [fromProduct = '', fromKey = ''] = start.cursor.split('\0');
  const arena = new KeyArena(16);
  let state = start;
  let done = 0;
  try {
    for (const product of products) {
      if (product < fromProduct) continue;
      for await (const blob of ctx.blobs.scan(product)) {
        done += 1;
        if (product === fromProduct && blob.key <= fromKey) continue;
        const next = { ...state, cursor: `${product}\0${blob.key}` };
        const swapped = await reencryptOne(ctx, arena, masters, target, blob, next);
        state = swapped ? { ...next, reencrypted: next.reencrypted + 1 } : next;
        if (!swapped) await ctx.keys.putRotation(state);
        options.onProgress?.({ phase: 'reencrypt', done, total });
        await options.afterBatch?.();
      }
    }
  } finally {
    arena.destroy();
  }
  state = { ...state, phase: 'done', cursor: '', finishedAt: Date.now() };
  await ctx.keys.putRotation(state);
  return state;
}

/** Re-encrypts one entity; false when it has no key (erased) and was left alone. */
async function reencryptOne(
  ctx: RotationContext,
  arena: KeyArena,
  masters: MasterKeySet,
  target: MasterKey,
  blob: StoredBlob,
  rotation: RotationState,
): Promise<boolean> {
  const id = blob.key;
  const nextId = nextKeyId(id);
  const main = await ctx.keys.get(id);
  if (main === undefined) return false;
  const pending = await ctx.keys.get(nextId);
  const current = unwrap(arena, masters, main);
  const fresh: SecureKey[] = [];
  try {
    if (pending !== undefined) {
      const replacement = unwrap(arena, masters, pending);
      fresh.push(replacement);
      if (!opens(blob, current)) {
        if (!opens(blob, replacement)) {
          throw new CellarError(
            'CELLAR_ERR_KEY_ROTATION',
            `the blob of ${blob.product}/${id} opens with neither its key nor its replacement`,
            {
              hint: 'restore the blob store and key store from matching backups, then rotate again',
            },
          );
        }
        // A crash came after the blob was rewritten: finish the swap.
        await swapIn(ctx, target, main, replacement, rotation);
        return true;
      }
      // A crash came before the blob was rewritten: start this entity over.
    }
    const key = arena.random();
    fresh.push(key);
    await ctx.keys.putMany([
      { id: nextId, masterVersion: target.version, wrapped: wrapKey(target.key, nextId, key) },
    ]);
    const data = resealBlob({
      product: blob.product,
      key: id,
      blob: blob.data,
      expectedVersion: blob.version,
      dataKey: current,
      newDataKey: key,
      newVersion: blob.version + 1,
      keyVersion: target.version,
    });
    await ctx.blobs.commit({
      puts: [{ product: blob.product, key: id, version: blob.version + 1, data, updatedAt: Date.now() }],
      deletes: [],
      routes: [],
      positions: new Map(),
      deadLetters: [],
      park: [],
      unpark: [],
    });
    await swapIn(ctx, target, main, key, rotation);
    return true;
  } finally {
    current.dispose();
    for (const key of fresh) key.dispose();
  }
}

/** Replaces the entity's stored key by `key` (if it is still `main`) and drops `next:`. */
async function swapIn(
  ctx: RotationContext,
  target: MasterKey,
  main: WrappedKey,
  key: SecureKey,
  rotation: RotationState,
): Promise<void> {
  const to = { id: main.id, masterVersion: target.version, wrapped: wrapKey(target.key, main.id, key) };
  await ctx.keys.rewrapMany([{ from: main, to }], {
    deletes: [nextKeyId(main.id)],
    rotation: { ...rotation, reencrypted: rotation.reencrypted + 1 },
  });
}

function unwrap(arena: KeyArena, masters: MasterKeySet, stored: WrappedKey): SecureKey {
  const master = masterFor(masters, stored);
  return arena.allocate((out) => unwrapKeyInto(master.key, stored.id, stored.wrapped, out));
}

/** True when `key` opens the blob (authenticates it at its stored version). */
function opens(blob: StoredBlob, key: SecureKey): boolean {
  try {
    resealBlob({
      product: blob.product,
      key: blob.key,
      blob: blob.data,
      expectedVersion: blob.version,
      dataKey: key,
      newDataKey: key,
      newVersion: blob.version + 1,
      keyVersion: 0,
    });
    return true;
  } catch (err) {
    if (isCellarError(err, 'CELLAR_ERR_CODEC_TAMPERED')) return false;
    throw err;
  }
}
