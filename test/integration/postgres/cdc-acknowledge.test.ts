import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { parseCdcToken } from '../../../src/connectors/postgres-cdc/cdc-position.js';
import type { PostgresCdcConnector } from '../../../src/connectors/postgres-cdc/postgres-cdc-connector.js';
import { openSync } from '../../../src/runtime/open-sync.js';
import { type TempRuntime, tempRuntime } from '../../support/temp-runtime.js';
import { Collector } from './support/collect.js';
import {
  confirmedFlush,
  eventually,
  SHOP_SOURCE_DDL,
  type SourceDb,
  shopConnector,
  shopSpec,
  sourceDb,
} from './support/source-db.js';

const STREAM = 'shop/crm';
const collectors: Collector<PostgresCdcConnector>[] = [];
let temp: TempRuntime | undefined;
afterEach(async () => {
  for (const c of collectors.splice(0)) await c.stop();
  temp?.cleanup();
  temp = undefined;
});

function collect(
  db: SourceDb,
  options: Record<string, unknown> = {},
  positions = new Map<string, string>(),
): Collector<PostgresCdcConnector> {
  const c = new Collector(shopConnector(db, options), positions);
  collectors.push(c);
  return c;
}

function commitLsn(token: string): bigint {
  const p = parseCdcToken(token, STREAM);
  return p.kind === 'stream' ? p.commitLsn : 0n;
}

describe('postgres-cdc acknowledgement', () => {
  it('confirms to the slot only whole transactions the engine acknowledged', async () => {
    const db = await sourceDb('cdc_ack');
    await db.sql(SHOP_SOURCE_DDL);
    const c = collect(db, { batchSize: 2, statusIntervalMs: 50 });
    void c.start(true).catch(() => undefined);
    await eventually('streaming', () => c.connector.metrics.phase === 'streaming');
    await db.sql(`begin; insert into customers (id) select g from generate_series(1, 5) g; commit`);
    await db.sql('insert into customers (id) values (6)');
    await eventually('six changes', () => c.events.length === 6);
    const tokens = c.events.map((e) => e.position.token);
    const txA = commitLsn(tokens[0] as string);
    const txB = commitLsn(tokens[5] as string);
    expect(
      tokens.slice(0, 5).every((t) => commitLsn(t) === txA),
      'one transaction, delivered in batches',
    ).toBe(true);
    expect(c.batches.length).toBeGreaterThanOrEqual(3);

    await sleep(300); // several status updates go out meanwhile
    expect(
      (await confirmedFlush(db)) ?? 0n,
      'nothing acknowledged: nothing confirmed past A',
    ).toBeLessThanOrEqual(txA);

    await c.connector.acknowledge(new Map([[STREAM, tokens[2] as string]]));
    await sleep(300);
    expect((await confirmedFlush(db)) ?? 0n, 'A partly durable: still not confirmed').toBeLessThanOrEqual(
      txA,
    );

    await c.connector.acknowledge(new Map([[STREAM, tokens[4] as string]]));
    await eventually('A confirmed', async () => ((await confirmedFlush(db)) ?? 0n) > txA);
    expect((await confirmedFlush(db)) ?? 0n, 'B is not durable yet').toBeLessThanOrEqual(txB);

    await c.connector.acknowledge(new Map([[STREAM, tokens[5] as string]]));
    await eventually('B confirmed', async () => ((await confirmedFlush(db)) ?? 0n) > txB);
  });

  it('resumes from a stored position, in the middle of a transaction too, delivering nothing twice', async () => {
    const db = await sourceDb('cdc_resume');
    await db.sql(SHOP_SOURCE_DDL);
    await db.sql('insert into customers (id) values (1)');
    const first = collect(db);
    await first.start(false);
    expect(first.events.map((e) => e.position.token)).toEqual(['snapshot-done:1']);
    await first.acknowledgeAll(STREAM);
    await first.connector.stop();

    await db.sql(`begin; insert into customers (id) select g from generate_series(2, 6) g; commit`);
    await db.sql('insert into customers (id) values (7)');
    // The engine stored everything up to the third row of the five-row transaction, then died.
    const second = collect(db, { batchSize: 2 }, new Map([[STREAM, 'snapshot-done:1']]));
    second.onBatch = () => {
      if (second.events.length >= 3) second.controller.abort();
    };
    await second.start(true);
    await second.connector.stop();
    const stored = second.events[2]?.position.token as string;
    expect(stored).toMatch(/^lsn:.*:2$/);

    const third = collect(db, {}, new Map([[STREAM, stored]]));
    await third.start(false);
    expect(third.events.map((e) => Number(e.after?.id))).toEqual([5, 6, 7]);
    expect(third.events.every((e) => e.op === 'c')).toBe(true);
  });

  it('reconnects after the server drops the connection, and loses or repeats nothing', async () => {
    const db = await sourceDb('cdc_reconnect');
    await db.sql(SHOP_SOURCE_DDL);
    const c = collect(db, { reconnectMinMs: 20, reconnectMaxMs: 200 });
    void c.start(true).catch(() => undefined);
    await eventually('streaming', () => c.connector.metrics.phase === 'streaming');
    const writer = await db.client();
    for (let id = 1; id <= 300; id++) {
      await writer.query('insert into customers (id) values ($1)', [id]);
      if (id % 100 === 0) {
        await writer.query(
          'select pg_terminate_backend(active_pid) from pg_replication_slots where slot_name = $1 and active_pid is not null',
          [db.name],
        );
      }
    }
    await writer.end();
    await eventually('every row', () => c.events.length >= 300, 60_000);
    const ids = c.events.map((e) => Number(e.after?.id));
    expect(ids).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
    expect(c.connector.metrics.reconnects).toBeGreaterThanOrEqual(1);
  });

  it('never lets the slot run ahead of the positions the engine stored', async () => {
    const db = await sourceDb('cdc_durable');
    await db.sql(SHOP_SOURCE_DDL);
    // An observer on a slot of its own learns every transaction's commit LSN.
    const observer = collect(db, { slot: `${db.name}_obs` });
    void observer.start(true).catch(() => undefined);
    await eventually('the observer', () => observer.connector.metrics.phase === 'streaming');
    await db.sql('insert into customers (id) values (0)'); // snapshotted by the engine's slot

    temp = tempRuntime({
      spec: shopSpec(db.url, { slot: db.name, statusIntervalMs: 20 }),
      sync: { flushIntervalMs: 30 },
    });
    const runtime = await temp.open();
    const { engine, sources } = await openSync(runtime);
    const stop = new AbortController();
    const running = engine.run(sources, { follow: true, signal: stop.signal });
    await eventually(
      'the snapshot stored',
      () => engine.committedPositions().get(STREAM) === 'snapshot-done:1',
    );
    const samples: { confirmed: bigint; stored: string | undefined }[] = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const confirmed = (await confirmedFlush(db)) ?? 0n;
        samples.push({ confirmed, stored: engine.committedPositions().get(STREAM) });
        await sleep(5);
      }
    })();
    const writer = await db.client();
    for (let id = 1; id <= 200; id++) await writer.query('insert into customers (id) values ($1)', [id]);
    await writer.end();
    await eventually('the observer sees all', () => observer.events.length === 201);
    const commits = observer.events.slice(1).map((e) => commitLsn(e.position.token));
    await eventually(
      'the engine stored all',
      () => commitLsn(engine.committedPositions().get(STREAM) ?? 'snapshot:0') === commits[199],
    );
    sampling = false;
    await sampler;
    stop.abort();
    await running;
    await runtime.close();

    let checked = 0;
    for (const { confirmed, stored } of samples) {
      const storedLsn = stored === undefined ? 0n : commitLsn(stored);
      const next = commits.find((lsn) => lsn > storedLsn);
      if (next === undefined) continue;
      expect(confirmed, `confirmed position with ${stored ?? 'nothing'} stored`).toBeLessThanOrEqual(next);
      checked += 1;
    }
    expect(checked).toBeGreaterThan(10);
    expect(
      (await confirmedFlush(db)) ?? 0n,
      'after the final flush the slot moved past the last transaction',
    ).toBeGreaterThan(commits[199] as bigint);
  });
});
