import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ConnectorContext } from '../../../../src/connectors/connector.js';
import { createFileConnector, FileConnector } from '../../../../src/connectors/file/file-connector.js';
import { isCellarError } from '../../../../src/errors.js';
import type { ChangeBatch, ChangeEvent, RejectedInput } from '../../../../src/sync/change-event.js';
import { fileSource, testProduct } from '../test-product.js';

const dir = mkdtempSync(join(tmpdir(), 'cellar-file-source-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

/** Writes synthetic test lines (no real person's data) to a fresh file in the temp folder. */
function fileWith(lines: readonly string[], eol = '\n'): string {
  const path = join(dir, `source-${++files}.jsonl`);
  writeFileSync(path, lines.join(eol) + eol);
  return path;
}

const src = { connector: 'postgresql', db: 'crm', schema: 'public', ts_ms: 1717200000000, txId: 1 };
const customer = (id: number, op = 'r') =>
  JSON.stringify({
    before: null,
    after: { id, first_name: `F${id}` },
    source: { ...src, table: 'customers' },
    op,
  });
const order = (id: number, customerId: number) =>
  JSON.stringify({ after: { id, customer_id: customerId }, source: { ...src, table: 'orders' }, op: 'c' });

/** A context that records batches; `onDeliver` may abort or hold delivery. */
function recorder(
  positions: Record<string, string> = {},
  onDeliver?: (batch: ChangeBatch, n: number) => unknown,
) {
  const controller = new AbortController();
  const batches: ChangeBatch[] = [];
  const ctx: ConnectorContext = {
    positions: new Map(Object.entries(positions)),
    signal: controller.signal,
    follow: false,
    async deliver(batch) {
      batches.push(batch);
      await onDeliver?.(batch, batches.length);
    },
  };
  const events = (): ChangeEvent[] => batches.flatMap((b) => b.events);
  const rejected = (): RejectedInput[] => batches.flatMap((b) => b.rejected);
  return { ctx, controller, batches, events, rejected };
}

describe('FileConnector', () => {
  it('names itself and its stream product/source, and maps tables by name without a map', async () => {
    const connector = createFileConnector(testProduct(), fileSource(fileWith([customer(1), order(10, 1)])));
    expect(connector.name).toBe('customer360/sample');
    expect(connector.stream).toBe('customer360/sample');
    const run = recorder();
    await connector.start(run.ctx);
    expect(run.events()).toEqual([
      {
        op: 'r',
        table: 'customers',
        before: null,
        after: { id: 1, first_name: 'F1' },
        ts: 1717200000000,
        txId: '1',
        position: { stream: 'customer360/sample', token: '1', order: 1n },
      },
      {
        op: 'c',
        table: 'orders',
        before: null,
        after: { id: 10, customer_id: 1 },
        ts: 1717200000000,
        txId: '1',
        position: { stream: 'customer360/sample', token: '2', order: 2n },
      },
    ]);
  });

  it('passes over blank lines and skips, and rejects bad lines with their position, raw text and reason', async () => {
    const bad = '{"after":{"ssn":"078-05-1120"},"op":"c"';
    const unknown = JSON.stringify({ after: { id: 5 }, source: { ...src, table: 'leads' }, op: 'c' });
    const path = fileWith([
      customer(1),
      '',
      '   ',
      'null',
      bad,
      unknown,
      '{"status":"BEGIN","id":"1:2"}',
      customer(2),
    ]);
    const run = recorder();
    await new FileConnector(testProduct(), fileSource(path)).start(run.ctx);
    expect(run.events().map((e) => e.position.token)).toEqual(['1', '8']);
    expect(run.rejected()).toEqual([
      {
        position: { stream: 'customer360/sample', token: '5', order: 5n },
        raw: bad,
        code: 'CELLAR_ERR_EVENT_DECODE',
        reason: "not valid JSON: expected ',' or '}' at character 40",
      },
      {
        position: { stream: 'customer360/sample', token: '6', order: 6n },
        raw: unknown,
        code: 'CELLAR_ERR_EVENT_UNKNOWN_TABLE',
        reason: 'source table public.leads is not mapped to a table of the product',
      },
    ]);
    expect(run.rejected()[0]?.reason).not.toContain('078');
  });

  it('uses the configured tables map, and reads the unwrapped format', async () => {
    const path = fileWith([
      JSON.stringify({ id: 3, __table: 'people', __op: 'u' }),
      JSON.stringify({ id: 4, __deleted: 'true', __table: 'people' }),
    ]);
    const run = recorder();
    const source = fileSource(path, { format: 'debezium-unwrapped' }, { people: 'customers' });
    await createFileConnector(testProduct(), source).start(run.ctx);
    expect(run.events().map((e) => [e.op, e.table, e.before, e.after])).toEqual([
      ['u', 'customers', null, { id: 3 }],
      ['d', 'customers', { id: 4 }, null],
    ]);
  });

  it('keeps 64-bit integers exact, handles CRLF line ends and a byte-order mark', async () => {
    const big = `{"after":{"id":9223372036854775807},"source":{"schema":"public","table":"customers"},"op":"c"}`;
    const run = recorder();
    await createFileConnector(
      testProduct(),
      fileSource(fileWith([`\uFEFF${customer(1)}`, big], '\r\n')),
    ).start(run.ctx);
    expect(run.rejected()).toEqual([]);
    expect(run.events().map((e) => e.after?.id)).toEqual([1, 9223372036854775807n]);
  });

  it('delivers batches of at most batchSize, awaiting each delivery before reading on', async () => {
    const path = fileWith(Array.from({ length: 7 }, (_, i) => customer(i + 1)));
    let inFlight = 0;
    let maxInFlight = 0;
    const run = recorder({}, async () => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((resolve) => setImmediate(resolve));
      inFlight--;
    });
    await createFileConnector(testProduct(), fileSource(path), { batchSize: 3 }).start(run.ctx);
    expect(run.batches.map((b) => b.events.length)).toEqual([3, 3, 1]);
    expect(maxInFlight).toBe(1);
  });

  it('resumes strictly after the stored token: nothing twice, nothing lost', async () => {
    const lines = Array.from({ length: 25 }, (_, i) => (i % 6 === 5 ? 'not json' : customer(i + 1)));
    const path = fileWith(lines);
    const full = recorder();
    await createFileConnector(testProduct(), fileSource(path), { batchSize: 4 }).start(full.ctx);
    const all = [...full.events(), ...full.rejected()].map((x) => x.position.token);

    // First run stops after two batches; the engine stored the last token of what it applied.
    const first = recorder({}, (_b, n) => (n === 2 ? first.controller.abort() : undefined));
    await createFileConnector(testProduct(), fileSource(path), { batchSize: 4 }).start(first.ctx);
    expect(first.batches).toHaveLength(2);
    const firstItems = [...first.events(), ...first.rejected()].map((x) => x.position);
    const stored = firstItems.reduce((a, b) => (b.order > a.order ? b : a)).token;

    const second = recorder({ 'customer360/sample': stored });
    await createFileConnector(testProduct(), fileSource(path), { batchSize: 4 }).start(second.ctx);
    const secondItems = [...second.events(), ...second.rejected()].map((x) => x.position);
    expect(secondItems.every((p) => p.order > BigInt(stored))).toBe(true);

    const resumed = [...firstItems, ...secondItems].map((p) => p.token);
    expect(new Set(resumed).size).toBe(resumed.length);
    expect(resumed.sort()).toEqual([...all].sort());
    expect(all).toHaveLength(25);
  });

  it('delivers nothing when resuming at the last line', async () => {
    const run = recorder({ 'customer360/sample': '3' });
    await createFileConnector(
      testProduct(),
      fileSource(fileWith([customer(1), customer(2), customer(3)])),
    ).start(run.ctx);
    expect(run.batches).toEqual([]);
  });

  it('stops early on abort and on stop(), without delivering the partial batch', async () => {
    const path = fileWith(Array.from({ length: 50 }, (_, i) => customer(i + 1)));
    const aborted = recorder({}, (_b, n) => (n === 1 ? aborted.controller.abort() : undefined));
    await createFileConnector(testProduct(), fileSource(path), { batchSize: 10 }).start(aborted.ctx);
    expect(aborted.batches).toHaveLength(1);

    const connector = createFileConnector(testProduct(), fileSource(path), { batchSize: 10 });
    const stopped = recorder({}, (_b, n) => (n === 2 ? connector.stop() : undefined));
    await connector.start(stopped.ctx);
    expect(stopped.batches).toHaveLength(2);
    await connector.stop(); // idempotent

    const early = recorder();
    early.controller.abort();
    await createFileConnector(testProduct(), fileSource(path)).start(early.ctx);
    expect(early.batches).toEqual([]);
  });

  it('passes a failed delivery through unchanged', async () => {
    const failure = new Error('engine failed');
    const run = recorder({}, () => {
      throw failure;
    });
    const connector = createFileConnector(testProduct(), fileSource(fileWith([customer(1)])));
    await expect(connector.start(run.ctx)).rejects.toBe(failure);
    // The connector can be started again after a failed run.
    const again = recorder();
    await connector.start(again.ctx);
    expect(again.events()).toHaveLength(1);
  });

  it('refuses a second start while running', async () => {
    const connector = createFileConnector(testProduct(), fileSource(fileWith([customer(1)])));
    let second: unknown;
    const run = recorder({}, async () => {
      second = await connector.start(recorder().ctx).catch((e: unknown) => e);
    });
    await connector.start(run.ctx);
    expect(isCellarError(second, 'CELLAR_ERR_INTERNAL')).toBe(true);
  });

  it('acknowledge is a no-op that resolves', async () => {
    const connector = createFileConnector(testProduct(), fileSource(fileWith([customer(1)])));
    await expect(connector.acknowledge(new Map([['customer360/sample', '1']]))).resolves.toBeUndefined();
  });

  it('a missing file rejects start with CELLAR_ERR_SOURCE_UNAVAILABLE', async () => {
    const connector = createFileConnector(testProduct(), fileSource(join(dir, 'missing.jsonl')));
    const err = await connector.start(recorder().ctx).catch((e: unknown) => e);
    expect(isCellarError(err, 'CELLAR_ERR_SOURCE_UNAVAILABLE')).toBe(true);
    expect((err as Error).message).toContain('missing.jsonl');
  });

  it('a stored token that is not a line number is CELLAR_ERR_SOURCE_CONFIG', async () => {
    const connector = createFileConnector(testProduct(), fileSource(fileWith([customer(1)])));
    const err = await connector
      .start(recorder({ 'customer360/sample': '0/16B3748' }).ctx)
      .catch((e: unknown) => e);
    expect(isCellarError(err, 'CELLAR_ERR_SOURCE_CONFIG')).toBe(true);
  });

  it.each([
    [fileSource('relative/path.jsonl'), 'option path must be absolute'],
    [{ ...fileSource('/x.jsonl'), options: {} }, 'option path is missing'],
    [
      fileSource('/x.jsonl', { format: 'avro' }),
      'option format must be one of debezium, debezium-unwrapped, got "avro"',
    ],
    [fileSource('/x.jsonl', {}, { 'public.leads': 'leads' }), 'tables maps public.leads to leads'],
    [{ ...fileSource('/x.jsonl'), type: 'kafka' as const }, 'has type kafka, not file'],
  ])('rejects bad options with CELLAR_ERR_SOURCE_CONFIG: %#', (source, message) => {
    expect(() => createFileConnector(testProduct(), source)).toThrow(message);
    try {
      createFileConnector(testProduct(), source);
    } catch (err) {
      expect(isCellarError(err, 'CELLAR_ERR_SOURCE_CONFIG')).toBe(true);
    }
  });

  it('rejects a batch size below 1', () => {
    expect(() => createFileConnector(testProduct(), fileSource('/x.jsonl'), { batchSize: 0 })).toThrow(
      'batchSize',
    );
  });
});
