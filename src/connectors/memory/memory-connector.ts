import type { ChangeBatch, ChangeEvent, Op, RejectedInput, Row } from '../../sync/change-event.js';
import type { Connector, ConnectorContext } from '../connector.js';

/**
 * A connector over change batches held in memory — for embedding Cellar in a process that already
 * has its changes, for tests and for benchmarks. It honours the connector contract: it resumes
 * strictly after the stored token of its stream (tokens are decimal orders) and records what it
 * was acknowledged.
 */
export class MemoryConnector implements Connector {
  readonly acknowledged: Map<string, string>[] = [];
  resumedFrom: string | undefined;

  constructor(
    readonly name: string,
    private readonly batches: readonly ChangeBatch[],
  ) {}

  async start(ctx: ConnectorContext): Promise<void> {
    this.resumedFrom = ctx.positions.get(this.name);
    const after = this.resumedFrom === undefined ? -1n : BigInt(this.resumedFrom);
    for (const batch of this.batches) {
      if (ctx.signal.aborted) return;
      const events = batch.events.filter((e) => e.position.order > after);
      const rejected = batch.rejected.filter((r) => r.position.order > after);
      if (events.length + rejected.length > 0) await ctx.deliver({ events, rejected });
    }
  }

  async acknowledge(positions: ReadonlyMap<string, string>): Promise<void> {
    this.acknowledged.push(new Map(positions));
  }

  async stop(): Promise<void> {}
}

/** Builds change events on one stream with increasing positions (token = order). */
export class EventBuilder {
  #order = 0n;

  constructor(readonly stream = 'test') {}

  event(op: Op, table: string, before: Row | null, after: Row | null): ChangeEvent {
    this.#order += 1n;
    return {
      op,
      table,
      before,
      after,
      ts: 1_700_000_000_000 + Number(this.#order),
      position: { stream: this.stream, token: String(this.#order), order: this.#order },
    };
  }

  create(table: string, after: Row): ChangeEvent {
    return this.event('c', table, null, after);
  }

  update(table: string, after: Row, before: Row | null = null): ChangeEvent {
    return this.event('u', table, before, after);
  }

  delete(table: string, before: Row): ChangeEvent {
    return this.event('d', table, before, null);
  }

  truncate(table: string): ChangeEvent {
    return this.event('t', table, null, null);
  }

  rejected(raw: string, reason: string): RejectedInput {
    this.#order += 1n;
    return {
      raw,
      reason,
      code: 'CELLAR_ERR_EVENT_DECODE',
      position: { stream: this.stream, token: String(this.#order), order: this.#order },
    };
  }
}

export function batch(...events: ChangeEvent[]): ChangeBatch {
  return { events, rejected: [] };
}
