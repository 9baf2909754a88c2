import { describe, expect, it } from 'vitest';
import { EventBuilder } from '../../../../src/connectors/memory/memory-connector.js';
import { EventBatcher } from '../../../../src/connectors/postgres-cdc/event-batcher.js';
import type { ChangeEvent } from '../../../../src/sync/change-event.js';

function events(n: number): ChangeEvent[] {
  const e = new EventBuilder('s');
  return Array.from({ length: n }, (_, i) => e.create('customers', { id: i }));
}

describe('EventBatcher', () => {
  it('delivers full batches, waiting for each, and the rest on flush', async () => {
    const delivered: number[] = [];
    const b = new EventBatcher(
      3,
      async (batch) => {
        delivered.push(batch.length);
      },
      () => undefined,
    );
    for (const e of events(7)) await b.add(e);
    expect(delivered).toEqual([3, 3]);
    expect(b.buffered).toBe(1);
    await b.flush();
    expect(delivered).toEqual([3, 3, 1]);
  });

  it('gathers small transactions into one batch with flushSoon', async () => {
    const delivered: number[] = [];
    const b = new EventBatcher(
      100,
      async (batch) => {
        delivered.push(batch.length);
      },
      () => undefined,
    );
    const [a, c, d] = events(3) as [ChangeEvent, ChangeEvent, ChangeEvent];
    await b.add(a);
    b.flushSoon();
    await b.add(c);
    b.flushSoon();
    await b.add(d);
    b.flushSoon();
    await new Promise((resolve) => setImmediate(resolve));
    await b.settle();
    expect(delivered).toEqual([3]);
  });

  it('runs deliveries one at a time, in order', async () => {
    const log: string[] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const b = new EventBatcher(
      1,
      async (batch) => {
        log.push(`start ${String(batch[0]?.after?.id)}`);
        if (batch[0]?.after?.id === 0) await gate;
        log.push(`end ${String(batch[0]?.after?.id)}`);
      },
      () => undefined,
    );
    const [x, y] = events(2) as [ChangeEvent, ChangeEvent];
    const first = b.add(x);
    const second = b.add(y);
    release();
    await Promise.all([first, second]);
    expect(log).toEqual(['start 0', 'end 0', 'start 1', 'end 1']);
  });

  it('reports a failed delivery nobody awaited, and drops what it holds on discard', async () => {
    const errors: unknown[] = [];
    const b = new EventBatcher(
      10,
      async () => {
        throw new Error('engine stopped');
      },
      (err) => errors.push(err),
    );
    const [x, y] = events(2) as [ChangeEvent, ChangeEvent];
    await b.add(x);
    b.flushSoon();
    await new Promise((resolve) => setImmediate(resolve));
    await b.settle();
    expect(errors.map((e) => (e as Error).message)).toEqual(['engine stopped']);
    await b.add(y);
    b.discard();
    expect(b.buffered).toBe(0);
  });
});
