import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { BackfillConnector } from '../../../src/connectors/postgres-pull/backfill-connector.js';
import type { SourceDef } from '../../../src/product/types.js';
import { openSync } from '../../../src/runtime/open-sync.js';
import { runCli, startCli } from '../../support/cli.js';
import { dumpEntities } from '../../support/dump-entities.js';
import { type TempRuntime, tempRuntime } from '../../support/temp-runtime.js';
import { withRuntime } from './support/cdc-runtime.js';
import { prng, ShopWorkload } from './support/shop-workload.js';
import { SHOP_SOURCE_DDL, shopSpec, sourceDb } from './support/source-db.js';

/** Runs killed at least; more (up to MAX_KILLS) while fewer than two died mid-stream. */
const MIN_KILLS = 5;
const MAX_KILLS = 12;
const temps: TempRuntime[] = [];
afterAll(() => {
  for (const t of temps) t.cleanup();
});

/**
 * Starts `cellar sync --follow`, waits until `ready` says the run reached the point to aim at, then
 * SIGKILLs it after `ms` more. Resolves with the signal it died of.
 */
async function killAfter(
  config: string,
  ready: () => Promise<boolean>,
  ms: number,
): Promise<NodeJS.Signals | null> {
  const child = startCli(['sync', '--follow', '--config', config]);
  child.stdout?.resume();
  child.stderr?.resume();
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    child.on('exit', (_code, signal) => resolve(signal)),
  );
  const deadline = Date.now() + 60_000;
  while (child.exitCode === null && child.signalCode === null && !(await ready()) && Date.now() < deadline)
    await sleep(20);
  await sleep(ms);
  child.kill('SIGKILL');
  return exited;
}

describe('postgres-cdc consistency under fire', () => {
  it('SIGKILLed and restarted under a random workload, every micro-DB ends equal to what postgres-pull builds', {
    timeout: 300_000,
  }, async () => {
    const seed = Number(process.env.CELLAR_FIRE_SEED ?? Date.now() % 100_000);
    const db = await sourceDb('cdc_fire');
    await db.sql(SHOP_SOURCE_DDL);
    const workload = new ShopWorkload(seed);
    const writer = await db.client();
    await workload.apply(writer, workload.seed(150));

    const synced = tempRuntime({
      spec: shopSpec(db.url, { slot: db.name, batchSize: 200 }),
      sync: { flushIntervalMs: 20, maxDirtyEntities: 100 },
    });
    temps.push(synced);
    let writing = true;
    const writes = (async () => {
      while (writing) {
        await workload.step(writer);
        await sleep(1);
      }
    })();

    const delays = prng(seed + 1);
    let killed = 0;
    const stored: (string | undefined)[] = [];
    const streamedAt = () => new Set(stored.filter((t) => t?.startsWith('lsn:')));
    // On a loaded machine a kill aimed at the stream may still land in the snapshot: kill again.
    let runs = 0;
    for (let i = 0; i < MAX_KILLS && (i < MIN_KILLS || streamedAt().size < 2); i++) {
      runs += 1;
      // The first run dies around its snapshot; the others while streaming, at random moments.
      const slot = i === 0 ? 'true' : 'active_pid is not null';
      const ready = async () =>
        (await db.sql(`select 1 from pg_replication_slots where slot_name = $1 and ${slot}`, [db.name]))
          .length > 0;
      if (
        (await killAfter(synced.configFile, ready, Math.floor(delays() * (i === 0 ? 300 : 1500)))) ===
        'SIGKILL'
      )
        killed += 1;
      stored.push(
        await withRuntime(synced, async (runtime) => (await runtime.blobs.positions()).get('shop/crm')),
      );
    }
    writing = false;
    await writes;
    await writer.end();
    const last = runCli(['sync', '--config', synced.configFile]);
    expect(last.status, `seed ${seed}: ${last.stderr}`).toBe(0);
    expect(killed, `seed ${seed}: runs killed mid-way`).toBe(runs);
    expect(workload.transactions, `seed ${seed}: transactions during the kills`).toBeGreaterThan(100);
    expect(
      streamedAt().size,
      `seed ${seed}: kills that landed mid-stream, after progress (${stored.join(', ')})`,
    ).toBeGreaterThanOrEqual(2);

    const pulled = tempRuntime({ spec: shopSpec(db.url, { slot: `${db.name}_pull` }) });
    temps.push(pulled);
    await withRuntime(pulled, async (runtime) => {
      const product = runtime.products.get('shop');
      const { engine } = await openSync(runtime);
      const connector = new BackfillConnector(product, product.sources[0] as SourceDef);
      await engine.run([{ product, connector }], { follow: false });
    });

    const expected = await withRuntime(pulled, (runtime) => dumpEntities(runtime, 'shop'));
    const actual = await withRuntime(synced, (runtime) => dumpEntities(runtime, 'shop'));
    expect(expected.size, `seed ${seed}`).toBeGreaterThan(100);
    const differences = [...new Set([...expected.keys(), ...actual.keys()])].filter(
      (id) => JSON.stringify(expected.get(id)) !== JSON.stringify(actual.get(id)),
    );
    expect(differences, `seed ${seed}: entities that differ`).toEqual([]);
    const deadLetters = await withRuntime(synced, (runtime) => runtime.blobs.deadLetters(10));
    expect(deadLetters.total, `seed ${seed}: dead letters`).toBe(0);
  });
});
