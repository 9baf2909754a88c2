import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batch, EventBuilder, MemoryConnector } from '../../../../src/connectors/memory/memory-connector.js';
import type { FlushRecord } from '../../../../src/governance/audit/audit-record.js';
import { type ApiFixture, openApiFixture } from '../api-fixture.js';

let fx: ApiFixture;
beforeAll(async () => {
  fx = await openApiFixture();
});
afterAll(() => fx?.close());

const flushes = async () => (await fx.auditRecords()).filter((r): r is FlushRecord => r.kind === 'flush');

describe('flush records', () => {
  it('records each group commit with the keyed hashes of its entities, its events and positions', async () => {
    const records = await flushes();
    expect(records.length).toBeGreaterThan(0);
    const keyring = fx.service.runtime.keyring;
    const hashes = records.flatMap((r) => r.entities);
    expect(hashes).toEqual(
      expect.arrayContaining([
        keyring.hashForAudit('customer360', '1001'),
        keyring.hashForAudit('customer360', '1002'),
      ]),
    );
    expect(records.reduce((n, r) => n + r.events, 0)).toBe(7);
    expect(records.at(-1)?.positions).toEqual({ 'memory/test': '7' });
    expect(records.every((r) => r.product === undefined || r.product === 'customer360')).toBe(true);
    expect(JSON.stringify(records)).not.toContain('"1001"');
  });

  it('records removals too, and counts only the events since the previous flush', async () => {
    const e = new EventBuilder('memory/test');
    for (let i = 0; i < 7; i++) e.event('r', 'customers', null, { id: 1 }); // skip past the fixture's positions
    const product = fx.service.runtime.products.get('customer360');
    const connector = new MemoryConnector('customer360/memory', [batch(e.delete('customers', { id: 1002 }))]);
    const before = (await flushes()).length;
    await fx.service.engine.run([{ product, connector }], { follow: false });
    const added = (await flushes()).slice(before);
    expect(added).toHaveLength(1);
    expect(added[0]).toMatchObject({
      product: 'customer360',
      entities: [fx.service.runtime.keyring.hashForAudit('customer360', '1002')],
      events: 1,
      positions: { 'memory/test': '8' },
    });
  });
});
