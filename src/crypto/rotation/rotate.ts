import { CellarError } from '../../errors.js';
import type { KeySwap, RotationState, WrappedKey } from '../../store/key-store.js';
import { KeyArena } from '../key-arena.js';
import { unwrapKeyInto, wrapKey } from '../key-wrap.js';
import { loadMasterKey, type MasterKey } from '../master-key.js';
import { masterFor, verifyMasterKey } from '../system-keys.js';
import { loadMasterKeys } from './load-master-keys.js';
import type { MasterKeySet } from './master-key-set.js';
import { describeSource, masterKeySource } from './master-key-sources.js';
import { reencryptEntities } from './reencrypt.js';
import {
  DEFAULT_ROTATION_BATCH_KEYS,
  type RotateOptions,
  type RotationContext,
  type RotationReport,
} from './rotation-context.js';

/**
 * `cellar keys rotate`: moves every wrapped key — data keys and system keys — to a new master key
 * version (docs/key-rotation.md).
 *
 * 1. The target is the newest version plus one, or — when the last rotation is unfinished, or a
 *    process kept wrapping new keys with an older version while it ran — the newest version
 *    itself: running again resumes. A new version's key comes from `CELLAR_MASTER_KEY_V<N>` (or
 *    the `masterKeys` section), else the file `master.v<N>.key` next to the first key file, which
 *    is created (mode 0600, synced) when missing.
 * 2. Every key not yet wrapped by the target is unwrapped with its version and wrapped again,
 *    batch by batch, each batch one durable transaction that also records the progress. A swap
 *    applies only if the key is still exactly as read, so keys erased or replaced meanwhile are
 *    left alone; re-wrapping is idempotent, so a crash anywhere loses nothing.
 * 3. With `reencrypt`, every entity then gets a new data key and its blob is re-encrypted.
 *
 * Reads and sync in other processes keep working throughout: they unwrap with whichever version
 * wrapped a key, loading a new version the first time they meet it.
 */
const LOCATION = 'the key store';

export async function rotateMasterKey(
  ctx: RotationContext,
  options: RotateOptions = {},
): Promise<RotationReport> {
  const env = ctx.env ?? process.env;
  const masters = await loadMasterKeys(ctx.config, ctx.keys, env);
  try {
    for (const version of masters.versions())
      await verifyMasterKey(masters.get(version)!, ctx.keys, LOCATION);
    const plan = await planRotation(ctx, masters, options);
    let state = plan.state;
    let created = false;
    if (masters.get(state.target) === undefined) {
      const target = loadTarget(ctx, state.target, env);
      created = target.source === 'created';
      // The state names the target before its check value exists: a crash between the two resumes.
      await ctx.keys.putRotation(state);
      await verifyMasterKey(target, ctx.keys, LOCATION);
      masters.add(target);
    }
    const before = { rewrapped: state.rewrapped, reencrypted: state.reencrypted };
    if (state.phase === 'rewrap') state = await rewrapAll(ctx, masters, state, options);
    if (state.phase === 'reencrypt') state = await reencryptEntities(ctx, masters, state, options);
    return {
      target: state.target,
      resumed: plan.resumed,
      created,
      rewrapped: state.rewrapped - before.rewrapped,
      reencrypted: state.reencrypted - before.reencrypted,
      state,
    };
  } finally {
    masters.dispose();
  }
}

/** Where this run starts: a new rotation, or the one to finish. */
async function planRotation(
  ctx: RotationContext,
  masters: MasterKeySet,
  options: RotateOptions,
): Promise<{ state: RotationState; resumed: boolean }> {
  const last = await ctx.keys.getRotation();
  const newest = masters.current.version;
  if (last !== undefined && last.phase !== 'done') {
    return { state: { ...last, reencrypt: last.reencrypt || options.reencrypt === true }, resumed: true };
  }
  const counts = await ctx.keys.countByMasterVersion();
  const stragglers = [...counts].some(([version, n]) => version !== newest && n > 0);
  const fresh = (target: number, resumed: boolean) => ({
    state: {
      target,
      phase: 'rewrap' as const,
      reencrypt: options.reencrypt === true,
      cursor: '',
      rewrapped: 0,
      reencrypted: 0,
      startedAt: Date.now(),
      finishedAt: undefined,
    },
    resumed,
  });
  // Keys wrapped by an older version after the last rotation finished: finish it first.
  if (last !== undefined && last.target === newest && stragglers) return fresh(newest, true);
  return fresh(newest + 1, false);
}

function loadTarget(
  ctx: RotationContext,
  version: number,
  env: Readonly<Record<string, string | undefined>>,
): MasterKey {
  const source = masterKeySource(ctx.config, version);
  const envValue = env[source.env];
  if ((envValue === undefined || envValue === '') && source.file === undefined) {
    throw new CellarError('CELLAR_ERR_KEY_ROTATION', `there is no key for master key version ${version}`, {
      hint: `set ${source.env} to a new key (openssl rand -base64 32), or configure masterKeys.${version}.file`,
    });
  }
  try {
    return loadMasterKey({ ...source, createIfMissing: true }, env, version);
  } catch (err) {
    throw new CellarError(
      'CELLAR_ERR_KEY_ROTATION',
      `master key version ${version} cannot be loaded from ${describeSource(source)}`,
      {
        hint: err instanceof CellarError ? (err.hint ?? err.message) : 'see the cause',
        cause: err,
      },
    );
  }
}

/** Re-wraps every key not wrapped by the target yet, from the recorded cursor on. */
async function rewrapAll(
  ctx: RotationContext,
  masters: MasterKeySet,
  start: RotationState,
  options: RotateOptions,
): Promise<RotationState> {
  const batchKeys = Math.max(1, Math.floor(options.batchKeys ?? DEFAULT_ROTATION_BATCH_KEYS));
  const target = masters.get(start.target)!;
  const total = [...(await ctx.keys.countByMasterVersion()).values()].reduce((a, b) => a + b, 0);
  const arena = new KeyArena(Math.min(batchKeys, 1024));
  let state = start;
  let batch: WrappedKey[] = [];
  let seen = 0;
  const commit = async (): Promise<void> => {
    const todo = batch.filter((k) => k.masterVersion !== target.version);
    const swaps = target.key.use(() => todo.map((k) => rewrap(arena, masters, target, k)));
    const next = {
      ...state,
      cursor: batch.at(-1)?.id ?? state.cursor,
      rewrapped: state.rewrapped + swaps.length,
    };
    const applied = await ctx.keys.rewrapMany(swaps, { rotation: next });
    state = { ...next, rewrapped: state.rewrapped + applied };
    // Keys erased or replaced meanwhile were skipped: record the count that really moved.
    if (applied !== swaps.length) await ctx.keys.putRotation(state);
    batch = [];
    options.onProgress?.({ phase: 'rewrap', done: seen, total });
    await options.afterBatch?.();
  };
  try {
    for await (const key of ctx.keys.scan(batchKeys)) {
      seen += 1;
      if (key.id <= state.cursor) continue; // done by an earlier run (ids come in order)
      batch.push(key);
      if (batch.length >= batchKeys) await commit();
    }
    await commit();
  } finally {
    arena.destroy();
  }
  state = start.reencrypt
    ? { ...state, phase: 'reencrypt', cursor: '' }
    : { ...state, phase: 'done', cursor: '', finishedAt: Date.now() };
  await ctx.keys.putRotation(state);
  return state;
}

/** A key re-wrapped by `target`, as a swap from what was read. */
function rewrap(arena: KeyArena, masters: MasterKeySet, target: MasterKey, stored: WrappedKey): KeySwap {
  const from = masterFor(masters, stored);
  const plain = arena.allocate((out) => unwrapKeyInto(from.key, stored.id, stored.wrapped, out));
  try {
    return {
      from: stored,
      to: { id: stored.id, masterVersion: target.version, wrapped: wrapKey(target.key, stored.id, plain) },
    };
  } finally {
    plain.dispose();
  }
}
