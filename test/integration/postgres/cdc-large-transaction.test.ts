import { afterEach, describe, expect, it } from 'vitest';
import { parseCdcToken } from '../../../src/connectors/postgres-cdc/cdc-position.js';
import { parseLsn } from '../../../src/connectors/postgres-cdc/lsn.js';
import type { PostgresCdcConnector } from '../../../src/connectors/postgres-cdc/postgres-cdc-connector.js';
import { Collector } from './support/collect.js';
import { confirmedFlush, eventually, SHOP_SOURCE_DDL, shopConnector, sourceDb } from './support/source-db.js';

const STREAM = 'shop/crm';
const ROWS = 100_000;
let collector: Collector<PostgresCdcConnector> | undefined;
afterEach(async () => {
  await collector?.stop();
});

describe('postgres-cdc large transactions', () => {
  it('delivers a 100,000-row transaction in bounded batches while it is still arriving, and confirms it only whole', async () => {
    const db = await sourceDb('cdc_large');
    await db.sql(SHOP_SOURCE_DDL);
    const c = new Collector(shopConnector(db, { batchSize: 1000 }));
    collector = c;
    let receivedAtFirstBatch: string | undefined;
    c.onBatch = () => {
      receivedAtFirstBatch ??= c.connector.metrics.receivedLsn;
    };
    void c.start(true).catch(() => undefined);
    await eventually('streaming', () => c.connector.metrics.phase === 'streaming');
    await db.sql(`insert into customers (id, name) select g, 'n' || g from generate_series(1, ${ROWS}) g`);
    await eventually('every row', () => c.events.length === ROWS, 120_000);

    const positions = c.events.map((e) => parseCdcToken(e.position.token, STREAM));
    const commit = positions[0]?.kind === 'stream' ? positions[0].commitLsn : -1n;
    expect(
      positions.every((p) => p.kind === 'stream' && p.commitLsn === commit),
      'one transaction',
    ).toBe(true);
    expect(c.events.map((e) => Number(e.after?.id))).toEqual(Array.from({ length: ROWS }, (_, i) => i + 1));
    expect(Math.max(...c.batches.map((b) => b.events.length))).toBeLessThanOrEqual(1000);
    expect(c.batches.length).toBeGreaterThanOrEqual(ROWS / 1000);
    expect(
      parseLsn(receivedAtFirstBatch ?? '0/0'),
      'the first batch left before the transaction had arrived',
    ).toBeLessThan(commit);

    await c.connector.acknowledge(new Map([[STREAM, c.events[ROWS / 2]?.position.token as string]]));
    await c.connector.acknowledge(new Map([[STREAM, c.events[ROWS - 2]?.position.token as string]]));
    expect(
      (await confirmedFlush(db)) ?? 0n,
      'a partly durable transaction is not confirmed',
    ).toBeLessThanOrEqual(commit);
    await c.acknowledgeAll(STREAM);
    await eventually('confirmed once whole', async () => ((await confirmedFlush(db)) ?? 0n) > commit);
  });
});
