import type { ChangeBatch, RejectedInput } from '../sync/change-event.js';

/**
 * What the engine gives a connector when it starts it.
 */
export interface ConnectorContext {
  /** Stored resume tokens, stream → token, as last committed with the blobs they produced. */
  readonly positions: ReadonlyMap<string, string>;
  /**
   * Hands a batch to the engine. The returned promise resolves once the batch is applied (not yet
   * durable); awaiting it before reading more input is the connector's backpressure.
   */
  deliver(batch: ChangeBatch): Promise<void>;
  /** Aborted when the engine stops the connector. */
  readonly signal: AbortSignal;
  /**
   * False for a one-off sync (`cellar sync`): a streaming source delivers what exists now, then
   * `start` resolves. True to keep streaming until `signal` aborts.
   */
  readonly follow: boolean;
}

/**
 * A source of change events. One instance per configured source.
 *
 * Contract:
 * - `start` resumes strictly after `ctx.positions` and resolves when the source is exhausted
 *   (bounded sources) or when `ctx.signal` aborts (streaming sources). It rejects only on
 *   unrecoverable errors.
 * - `acknowledge` is called after every event up to `positions` is durable; the connector may then
 *   let the upstream system forget them (slot LSN, Kafka offset commit). Idempotent.
 * - `stop` ends delivery; idempotent; `start`'s promise settles after it.
 */
export interface Connector {
  readonly name: string;
  start(ctx: ConnectorContext): Promise<void>;
  acknowledge(positions: ReadonlyMap<string, string>): Promise<void>;
  stop(): Promise<void>;
  /**
   * Optional: told of every input from this connector that ended in the dead-letter store —
   * rejected at delivery or failing later when applied — so the source can also route it to its
   * own dead-letter channel (e.g. a Kafka `.dlq` topic). Called before the store commit that
   * records it; a rejection fails the commit and stops sync.
   */
  deadLetter?(input: RejectedInput): Promise<void>;
}
