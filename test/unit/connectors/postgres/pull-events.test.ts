import { describe, expect, it } from 'vitest';
import type { PulledEntity } from '../../../../src/connectors/postgres-pull/entity-query.js';
import { PullClock, pulledEvents } from '../../../../src/connectors/postgres-pull/pull-events.js';
import { parseDuration, pullOptions } from '../../../../src/connectors/postgres-pull/pull-options.js';
import { isCellarError } from '../../../../src/errors.js';
import type { SourcePosition } from '../../../../src/sync/change-event.js';
import { testProduct } from '../test-product.js';
import { pgSource } from './pg-fixtures.js';

const MAPPED = new Set(['customers', 'orders', 'order_items']);

function positions(): (i: number) => SourcePosition {
  return (i) => ({ stream: 's', token: `pull:${i}`, order: BigInt(i + 1) });
}

const ada: PulledEntity = {
  id: '1',
  found: true,
  rows: new Map([
    ['customers', [{ id: '1', first_name: 'Ada' }]],
    ['orders', [{ id: '10', customer_id: '1' }]],
    ['order_items', [{ id: '100', order_id: '10' }]],
  ]),
  hints: new Map([['customers', { id: { pgType: 'int8' } }]]),
};

describe('pulled entity events', () => {
  it('are snapshot reads, root first, with the table hints', () => {
    const events = pulledEvents(testProduct(), ada, MAPPED, positions(), 5);
    expect(events.map((e) => [e.op, e.table, e.position.token])).toEqual([
      ['r', 'customers', 'pull:0'],
      ['r', 'orders', 'pull:1'],
      ['r', 'order_items', 'pull:2'],
    ]);
    expect(events[0]?.hints).toEqual({ id: { pgType: 'int8' } });
    expect(events[0]?.ts).toBe(5);
  });

  it('delete rows the entity holds and the source lost, children first, before the reads', () => {
    const current = new Map([
      ['orders', [['10'], ['11']]],
      ['order_items', [['100'], ['101']]],
      ['customers', [['1']]],
    ]);
    const events = pulledEvents(testProduct(), ada, MAPPED, positions(), 5, current);
    expect(events.slice(0, 2).map((e) => [e.op, e.table, e.before])).toEqual([
      ['d', 'order_items', { id: '101' }],
      ['d', 'orders', { id: '11' }],
    ]);
    expect(events).toHaveLength(5);
  });

  it('delete the root row when the source has no such entity', () => {
    const gone: PulledEntity = { id: '9', found: false, rows: new Map(), hints: new Map() };
    expect(
      pulledEvents(testProduct(), gone, MAPPED, positions(), 5).map((e) => [e.op, e.table, e.before]),
    ).toEqual([['d', 'customers', { id: '9' }]]);
  });

  it('get orders that keep growing, within a millisecond and across them', () => {
    const clock = new PullClock();
    const a = clock.next(1000);
    const b = clock.next(1000);
    const c = clock.next(999);
    const d = clock.next(2000);
    expect(a < b && b < c && c < d).toBe(true);
    expect(d).toBe(2000n << 20n);
  });
});

describe('pull options', () => {
  it('read durations with units, and the on-demand policy', () => {
    expect(parseDuration('5m')).toBe(300_000);
    expect(parseDuration('1.5s')).toBe(1500);
    expect(parseDuration(250)).toBe(250);
    expect(parseDuration('1 h')).toBe(3_600_000);
    expect(parseDuration('5 minutes')).toBeUndefined();
    const source = {
      ...pgSource({ sync: { mode: 'on-demand', ttl: '30s' }, concurrency: 3 }),
      type: 'postgres-pull' as const,
    };
    expect(pullOptions(testProduct(), source)).toMatchObject({
      concurrency: 3,
      policy: { mode: 'on-demand', ttlMs: 30_000 },
    });
  });

  it('refuse a bad policy, a bad concurrency, a source without the root table, or a file source', () => {
    const bad = (options: Record<string, unknown>, tables?: Record<string, string>) => {
      try {
        pullOptions(testProduct(), { ...pgSource(options, tables), type: 'postgres-pull' });
      } catch (err) {
        return isCellarError(err, 'CELLAR_ERR_SOURCE_CONFIG') ? err.message : String(err);
      }
      return 'no error';
    };
    expect(bad({ sync: { mode: 'always' } })).toContain('option sync');
    expect(bad({ sync: { mode: 'on-demand', ttl: 'soon' } })).toContain('sync.ttl');
    expect(bad({ concurrency: 0 })).toContain('option concurrency');
    expect(bad({}, { 'public.orders': 'orders' })).toContain('root table customers');
    expect(() => pullOptions(testProduct(), { ...pgSource(), type: 'file' })).toThrow(
      /postgres-pull and postgres-cdc sources only/,
    );
  });
});
