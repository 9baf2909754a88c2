/**
 * The connector conformance suite (DESIGN.md, Testing): every connector, driven through the
 * real engine and store, must turn a snapshot and a stream of changes into exactly the expected
 * entities, resume after a restart with nothing twice and nothing lost, apply deletes, and
 * dead-letter bad input while the rest goes on.
 *
 * A connector joins by giving a {@link ConformanceHarness} that writes the suite's row changes
 * into its source system, and calling `describeConnectorConformance(name, harness)` from a test
 * file (see file.conformance.test.ts and ../kafka/kafka.conformance.test.ts).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Connector, ConnectorContext } from '../../../src/connectors/connector.js';
import { openSync } from '../../../src/runtime/open-sync.js';
import { dumpEntities } from '../../support/dump-entities.js';
import { type TempRuntime, tempRuntime } from '../../support/temp-runtime.js';
import {
  CONFORMANCE_TABLES_YAML,
  ConformanceModel,
  customerWithOrders,
  type RowChange,
} from './conformance-model.js';

export type { ConformanceRow, ConformanceTable, RowChange } from './conformance-model.js';
export { CONFORMANCE_COLUMNS } from './conformance-model.js';

/** One source for one test, holding the suite's tables (see CONFORMANCE_COLUMNS). */
export interface ConformanceSource {
  /**
   * The product spec's entry for this source, as a YAML flow mapping, mapping the source's
   * tables to the product tables `customers`, `orders` and `order_items`.
   */
  readonly spec: string;
  /** Rows present before the first sync (a snapshot, `op: r` for Debezium-shaped sources). Called once, first. */
  snapshot(rows: readonly RowChange[]): Promise<void>;
  /** Changes after the snapshot, in source order; may be called while a sync is running. */
  changes(changes: readonly RowChange[]): Promise<void>;
  /**
   * Writes input that must end in the dead-letter store — undecodable, of a wrong type, naming an
   * unknown table, lacking a key, whatever the source can produce — and returns how many dead
   * letters it makes. It must change no row of the suite's tables.
   */
  badInput(): Promise<number>;
  close(): Promise<void>;
}

export interface ConformanceHarness {
  /** A fresh, empty source. */
  open(): Promise<ConformanceSource>;
}

/** Everything a connector delivered, per run: `stream order` keys. */
class Deliveries {
  readonly runs: string[][] = [];

  wrap(connector: Connector): Connector {
    const run: string[] = [];
    this.runs.push(run);
    return {
      name: connector.name,
      start: (ctx: ConnectorContext) =>
        connector.start({
          positions: ctx.positions,
          signal: ctx.signal,
          follow: ctx.follow,
          deliver: (batch) => {
            for (const { position } of [...batch.events, ...batch.rejected])
              run.push(`${position.stream} ${position.order}`);
            return ctx.deliver(batch);
          },
        }),
      acknowledge: (positions) => connector.acknowledge(positions),
      stop: () => connector.stop(),
      ...(connector.deadLetter ? { deadLetter: connector.deadLetter.bind(connector) } : {}),
    };
  }

  /** Items delivered more than once across all runs. */
  duplicates(): string[] {
    const seen = new Set<string>();
    const twice: string[] = [];
    for (const key of this.runs.flat()) {
      if (seen.has(key)) twice.push(key);
      seen.add(key);
    }
    return twice;
  }
}

export function describeConnectorConformance(name: string, harness: ConformanceHarness): void {
  describe(`connector conformance: ${name}`, () => {
    let source: ConformanceSource | undefined;
    let temp: TempRuntime | undefined;
    let model: ConformanceModel;
    let deliveries: Deliveries;

    afterEach(async () => {
      await source?.close();
      temp?.cleanup();
      source = undefined;
      temp = undefined;
    });

    async function setup(): Promise<ConformanceSource> {
      source = await harness.open();
      const spec = `product: conformance\nversion: 1.0.0\nowner: tests\n${CONFORMANCE_TABLES_YAML}\nsources:\n  src: ${source.spec}\n`;
      temp = tempRuntime({ spec });
      model = new ConformanceModel();
      deliveries = new Deliveries();
      return source;
    }

    /** One sync run; `follow` runs stop when `until` resolves. Returns dead letters in the store. */
    async function sync(opts: { follow?: boolean; during?: (flushed: Promise<void>) => Promise<void> } = {}) {
      const runtime = await temp!.open();
      try {
        const { engine, sources } = await openSync(runtime);
        const wrapped = sources.map((s) => ({ product: s.product, connector: deliveries.wrap(s.connector) }));
        const controller = new AbortController();
        let flushed!: () => void;
        const firstFlush = new Promise<void>((resolve) => {
          flushed = resolve;
        });
        engine.onFlush((_result, positions) => {
          if (positions.size > 0) flushed();
        });
        const run = engine.run(wrapped, { follow: opts.follow ?? false, signal: controller.signal });
        if (opts.during) {
          await Promise.race([opts.during(firstFlush), run]);
          controller.abort();
        }
        await run;
        return (await runtime.blobs.deadLetters(1000)).total;
      } finally {
        await runtime.close();
      }
    }

    async function entities(): Promise<Map<string, unknown>> {
      const runtime = await temp!.open();
      try {
        return await dumpEntities(runtime, 'conformance');
      } finally {
        await runtime.close();
      }
    }

    async function snapshot(rows: RowChange[]): Promise<void> {
      model.apply(rows);
      await source!.snapshot(rows);
    }

    async function change(changes: RowChange[]): Promise<void> {
      model.apply(changes);
      await source!.changes(changes);
    }

    it('snapshot → entities', async () => {
      await setup();
      await snapshot([1, 2, 3].flatMap((id) => customerWithOrders(id, id - 1, 2)));
      expect(await sync()).toBe(0);
      expect(await entities()).toEqual(model.expected());
    });

    it('stream → entities, resuming strictly after what the previous run stored', async () => {
      await setup();
      await snapshot([1, 2].flatMap((id) => customerWithOrders(id, 1, 1)));
      await sync();
      await change([
        ...customerWithOrders(3, 2, 2),
        {
          op: 'update',
          table: 'customers',
          row: { ...model.row('customers', 1), email: 'new1@example.com' },
        },
        {
          op: 'update',
          table: 'orders',
          row: { ...model.row('orders', 200), status: 'shipped', total: '99.99' },
        },
        { op: 'insert', table: 'order_items', row: { id: 20099, order_id: 200, sku: 'SKU-X', qty: 7 } },
      ]);
      expect(await sync()).toBe(0);
      expect(await entities()).toEqual(model.expected());
      expect(deliveries.runs[1]?.length).toBeGreaterThan(0);
      expect(deliveries.duplicates()).toEqual([]);
    });

    it('resume after a restart mid-stream: nothing twice, nothing lost', async () => {
      await setup();
      await snapshot([1, 2, 3, 4].flatMap((id) => customerWithOrders(id, 2, 2)));
      await sync({
        follow: true,
        during: async (flushed) => {
          await flushed;
          await change([
            ...customerWithOrders(5, 1, 3),
            { op: 'update', table: 'customers', row: { ...model.row('customers', 2), name: 'Second' } },
          ]);
        },
      });
      await change([
        ...customerWithOrders(6, 2, 1),
        { op: 'update', table: 'order_items', row: { ...model.row('order_items', 50000), qty: 42 } },
      ]);
      await sync();
      expect(await entities()).toEqual(model.expected());
      expect(deliveries.duplicates()).toEqual([]);
    });

    it('deletes: child rows by primary key, and a root row with its entity', async () => {
      await setup();
      await snapshot([1, 2, 3].flatMap((id) => customerWithOrders(id, 2, 2)));
      await sync();
      await change([
        { op: 'delete', table: 'order_items', row: { id: 10000 } },
        { op: 'delete', table: 'order_items', row: { id: 20100 } },
        { op: 'delete', table: 'order_items', row: { id: 20101 } },
        { op: 'delete', table: 'orders', row: { id: 201 } },
        ...[30000, 30001, 30100, 30101].map(
          (id): RowChange => ({ op: 'delete', table: 'order_items', row: { id } }),
        ),
        { op: 'delete', table: 'orders', row: { id: 300 } },
        { op: 'delete', table: 'orders', row: { id: 301 } },
        { op: 'delete', table: 'customers', row: { id: 3 } },
      ]);
      await sync();
      const expected = model.expected();
      expect([...expected.keys()]).toEqual(['1', '2']);
      expect(await entities()).toEqual(expected);
    });

    it('bad input → dead letters, and the rest goes on', async () => {
      await setup();
      await snapshot(customerWithOrders(1, 1, 1));
      await sync();
      const bad = await source!.badInput();
      await change([
        ...customerWithOrders(2, 1, 2),
        { op: 'update', table: 'customers', row: { id: 1, name: 'Still', email: 'x@example.com' } },
      ]);
      expect(await sync()).toBe(bad);
      expect(bad).toBeGreaterThan(0);
      expect(await entities()).toEqual(model.expected());
    });
  });
}
