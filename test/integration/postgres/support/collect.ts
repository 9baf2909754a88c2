import type { Connector, ConnectorContext } from '../../../../src/connectors/connector.js';
import type { ChangeBatch, ChangeEvent } from '../../../../src/sync/change-event.js';

/**
 * Drives a connector without the engine: records every delivered batch, and lets the test decide
 * when (and what) to acknowledge. Not a mock of anything the connector talks to: the connector
 * still speaks to a real PostgreSQL server.
 */
export class Collector<C extends Connector = Connector> {
  readonly batches: ChangeBatch[] = [];
  readonly controller = new AbortController();
  #running: Promise<void> | undefined;
  /** Called for every batch before `deliver` resolves (for backpressure tests). */
  onBatch: (batch: ChangeBatch) => Promise<void> | void = () => undefined;

  constructor(
    readonly connector: C,
    private readonly positions: ReadonlyMap<string, string> = new Map(),
  ) {}

  get events(): ChangeEvent[] {
    return this.batches.flatMap((b) => b.events);
  }

  /** Starts the connector; `follow` false resolves `done` once caught up. */
  start(follow: boolean): Promise<void> {
    const ctx: ConnectorContext = {
      positions: this.positions,
      follow,
      signal: this.controller.signal,
      deliver: async (batch) => {
        this.batches.push(batch);
        await this.onBatch(batch);
      },
    };
    this.#running = this.connector.start(ctx);
    return this.#running;
  }

  /** Acknowledges everything delivered so far. */
  async acknowledgeAll(stream: string): Promise<string | undefined> {
    const last = this.events.at(-1);
    if (last === undefined) return undefined;
    await this.connector.acknowledge(new Map([[stream, last.position.token]]));
    return last.position.token;
  }

  async stop(): Promise<void> {
    this.controller.abort();
    await this.#running?.catch(() => undefined);
    await this.connector.stop();
  }
}
