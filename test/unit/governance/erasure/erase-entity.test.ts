import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Connector, ConnectorContext } from '../../../../src/connectors/connector.js';
import { batch, EventBuilder } from '../../../../src/connectors/memory/memory-connector.js';
import { isCellarError } from '../../../../src/errors.js';
import { eraseEntity, unsuppressEntity } from '../../../../src/governance/erasure/erase-entity.js';
import { TokenService } from '../../../../src/governance/tokens/token-service.js';
import { openSync } from '../../../../src/runtime/open-sync.js';
import { readEntity } from '../../../../src/runtime/read-entity.js';
import type { Runtime } from '../../../../src/runtime/runtime.js';
import type { ChangeBatch } from '../../../../src/sync/change-event.js';
import type { TempRuntime } from '../../../support/temp-runtime.js';
import { ADA, BOB, bankRuntime, syncInto } from '../tokens/token-fixtures.js';

let temp: TempRuntime;
afterEach(() => temp?.cleanup());

async function withRuntime<T>(fn: (runtime: Runtime) => Promise<T>): Promise<T> {
  const runtime = await temp.open();
  try {
    return await fn(runtime);
  } finally {
    await runtime.close();
  }
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (err: unknown) => err,
  );
}

async function exists(runtime: Runtime, id: string): Promise<boolean> {
  const err = await rejection(readEntity(runtime, 'bank', id));
  if (err === undefined) return true;
  if (isCellarError(err, 'CELLAR_ERR_ENTITY_NOT_FOUND')) return false;
  throw err;
}

describe('eraseEntity', () => {
  it('shreds the key first, then deletes blob, routes and tokens, and suppresses the entity', async () => {
    temp = bankRuntime();
    const e = new EventBuilder();
    await withRuntime((runtime) =>
      syncInto(runtime, [
        batch(
          e.create('customers', ADA),
          e.create('customers', BOB),
          e.create('accounts', { id: 10, customer_id: 1, iban: 'GB33BUKB20201555555555' }),
        ),
      ]),
    );
    await withRuntime(async (runtime) => {
      const key = runtime.keyring.entityKey('bank', '1');
      const backup = await runtime.blobs.get('bank', key);
      const token = ((await readEntity(runtime, 'bank', '1')).data.customers as { ssn: string }).ssn;
      const row = runtime.keyring.rowKey('bank', 'accounts', [10n]);
      expect((await runtime.blobs.routes([row])).get(row)).toBe(key);

      // As if `keys rotate --reencrypt` had stopped with a replacement key stored for it.
      await runtime.keys.putMany([{ id: `next:${key}`, masterVersion: 1, wrapped: new Uint8Array(72) }]);
      const result = await eraseEntity(runtime, 'bank', '1');
      expect(await runtime.keys.get(`next:${key}`)).toBeUndefined();
      expect(result).toEqual({
        product: 'bank',
        erased: true,
        entityHash: runtime.keyring.hashForAudit('bank', '1'),
      });
      expect(await runtime.keys.get(key)).toBeUndefined();
      expect(await runtime.blobs.get('bank', key)).toBeUndefined();
      expect((await runtime.blobs.routes([row])).size).toBe(0);
      expect((await runtime.blobs.tokenOwners([runtime.keyring.tokenKey(token)])).size).toBe(0);
      expect(await runtime.keys.suppressed('bank', [key])).toEqual(new Set([key]));
      expect(await exists(runtime, '1')).toBe(false);
      expect(await exists(runtime, '2')).toBe(true);

      // A backup of the blob put back in the store cannot be opened: its key is gone.
      if (backup === undefined) throw new Error('no blob');
      await runtime.blobs.commit({
        puts: [backup],
        deletes: [],
        routes: [],
        positions: new Map(),
        deadLetters: [],
        park: [],
        unpark: [],
      });
      runtime.repo.forgetAbsent();
      const err = await rejection(runtime.repo.find(runtime.products.get('bank'), key));
      expect(isCellarError(err, 'CELLAR_ERR_KEY_NOT_FOUND')).toBe(true);
      // Its tokens no longer detokenize.
      const { items } = await TokenService.create(runtime).detokenize([token], () => true);
      expect(items).toEqual([{ token, status: 'not-found' }]);
    });
    // Erasing again is harmless, and says nothing was stored (the restored blob aside, now gone).
    await withRuntime(async (runtime) => {
      expect((await eraseEntity(runtime, 'bank', '1')).erased).toBe(true);
      expect((await eraseEntity(runtime, 'bank', '1')).erased).toBe(false);
    });
  });

  it('drops and counts later source events for the entity until it is unsuppressed', async () => {
    temp = bankRuntime();
    const e = new EventBuilder();
    await withRuntime((runtime) => syncInto(runtime, [batch(e.create('customers', ADA))]));
    await withRuntime((runtime) => eraseEntity(runtime, 'bank', '1'));
    await withRuntime(async (runtime) => {
      const engine = await syncInto(runtime, [
        batch(
          e.update('customers', { ...ADA, name: 'Ada again' }),
          e.create('accounts', { id: 10, customer_id: 1, iban: 'x' }),
        ),
        batch(e.delete('customers', { id: 1 })),
      ]);
      expect(engine.stats.suppressed).toBe(3);
      expect(engine.stats.parked).toBe(0);
      expect(await exists(runtime, '1')).toBe(false);
      expect((await runtime.blobs.deadLetters(10)).total).toBe(0);
    });
    await withRuntime(async (runtime) => {
      expect((await unsuppressEntity(runtime, 'bank', '1')).wasSuppressed).toBe(true);
      expect((await unsuppressEntity(runtime, 'bank', '1')).wasSuppressed).toBe(false);
    });
    await withRuntime(async (runtime) => {
      await syncInto(runtime, [batch(e.create('customers', { ...ADA, name: 'Ada anew' }))]);
      const data = (await readEntity(runtime, 'bank', '1', undefined, null)).data;
      expect(data.customers).toMatchObject({ name: 'Ada anew', ssn: ADA.ssn });
      expect(data.accounts).toEqual([]);
    });
  });

  it('keeps an entity erased when the whole blob store is restored from a backup taken before', async () => {
    temp = bankRuntime();
    const e = new EventBuilder();
    await withRuntime((runtime) =>
      syncInto(runtime, [batch(e.create('customers', ADA), e.create('customers', BOB))]),
    );
    const store = join(temp.dir, 'data', 'cellar.db');
    const backup = join(temp.dir, 'backup.db');
    copyFileSync(store, backup); // the runtime is closed: its WAL is checkpointed into the file
    await withRuntime((runtime) => eraseEntity(runtime, 'bank', '1'));
    copyFileSync(backup, store);
    await withRuntime(async (runtime) => {
      // The restored store replays the source from its older positions: Ada's events come again.
      const engine = await syncInto(runtime, [batch(e.update('customers', { ...ADA, name: 'replayed' }))]);
      expect(engine.stats.suppressed).toBe(1);
      const err = await rejection(readEntity(runtime, 'bank', '1'));
      expect(isCellarError(err, 'CELLAR_ERR_KEY_NOT_FOUND')).toBe(true);
      expect(await exists(runtime, '2')).toBe(true);
    });
  });

  it('is safe while sync runs: pending changes of the entity never come back', async () => {
    temp = bankRuntime();
    const e = new EventBuilder();
    let resume: () => void = () => undefined;
    const paused = new Promise<void>((resolve) => {
      resume = resolve;
    });
    let reachedPause: () => void = () => undefined;
    const atPause = new Promise<void>((resolve) => {
      reachedPause = resolve;
    });
    const first: ChangeBatch = batch(
      e.create('customers', ADA),
      e.create('customers', BOB),
      e.create('accounts', { id: 10, customer_id: 1, iban: 'DE89370400440532013000' }),
    );
    const second: ChangeBatch = batch(e.update('customers', { ...ADA, name: 'after erasure' }));
    const connector: Connector = {
      name: 'test',
      async start(ctx: ConnectorContext) {
        await ctx.deliver(first);
        reachedPause();
        await paused;
        await ctx.deliver(second);
      },
      async acknowledge() {},
      async stop() {},
    };
    await withRuntime(async (runtime) => {
      const { engine } = await openSync(runtime);
      const run = engine.run([{ product: runtime.products.get('bank'), connector }], { follow: false });
      await atPause;
      // Ada is applied, maybe not yet flushed: erasure goes through the engine.
      await eraseEntity(runtime, 'bank', '1', { engine });
      resume();
      await run;
      expect(engine.stats.suppressed).toBe(1);
      expect(await exists(runtime, '1')).toBe(false);
      expect(await exists(runtime, '2')).toBe(true);
      const row = runtime.keyring.rowKey('bank', 'accounts', [10n]);
      expect((await runtime.blobs.routes([row])).size).toBe(0);
    });
  });
});
