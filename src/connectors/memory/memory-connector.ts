import type { Connector, ConnectorContext } from '../../src/connectors/connector.js';
import type { ChangeBatch, ChangeEvent, Op, RejectedInput, Row } from '../../src/sync/change-event.js';

/**
 * A connector over events held in memory, for engine tests. It honours the contract: resumes
 * strictly after the stored token of its stream and records what it was acknowledged.
 */
export class ArrayConnector implements Connector {
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

/** Builds events on one stream with increasing positions. */
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
