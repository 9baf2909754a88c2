import { CellarError } from '../../errors.js';
import type { ChangeEvent } from '../../sync/change-event.js';
import type { AckTracker } from './ack-tracker.js';
import { backoffMs, sleep } from './backoff.js';
import type { CdcMetrics } from './cdc-metrics.js';
import type { PgSourceOptions } from './cdc-options.js';
import { STREAM_INDEX_BITS, streamPosition } from './cdc-position.js';
import type { ChangeMapper } from './change-mapper.js';
import { EventBatcher } from './event-batcher.js';
import { isRetryable, sourceError } from './pg-session.js';
import type { PgoutputMessage } from './pgoutput-messages.js';
import { ReplicationSession, type StreamItem } from './replication-session.js';

/** How often a one-off sync asks the server where it is, while catching up, ms. */
const CATCH_UP_PING_MS = 200;

export interface StreamRunnerOptions {
  readonly options: PgSourceOptions;
  /** The position stream (`<product>/<source>`). */
  readonly stream: string;
  readonly mapper: ChangeMapper;
  readonly ack: AckTracker;
  readonly metrics: CdcMetrics;
  readonly deliver: (events: readonly ChangeEvent[]) => Promise<void>;
  readonly signal: AbortSignal;
  /** Where the first session starts; 0 for the slot's confirmed position. */
  readonly startLsn: bigint;
  /** Changes up to this order were delivered before (stored, or the snapshot): skip them. */
  readonly skipOrder: bigint;
  /** For a one-off sync: stop once the stream has passed this LSN. Undefined: follow until aborted. */
  readonly catchUpLsn: bigint | undefined;
}

interface OpenTx {
  readonly commitLsn: bigint;
  readonly xid: number;
  readonly commitTimeMs: number;
  next: number;
  lastOrder: bigint | undefined;
}

/**
 * Streams a replication slot into change events, reconnecting with backoff when the connection
 * fails. Transactions are delivered in batches (inside a large one too); every change gets the
 * position `lsn:<commit LSN>:<index>`. After a reconnect the stream starts again at the commit LSN
 * of the last delivered change, and what was delivered already is skipped by order, so nothing is
 * lost and nothing is delivered twice.
 *
 * `run` resolves when aborted or (one-off sync) caught up, leaving the connection open so that
 * the final acknowledgement still reaches the server; `close` ends it.
 */
export class StreamRunner {
  readonly #batcher: EventBatcher;
  #session: ReplicationSession | undefined;
  #tx: OpenTx | undefined;
  #skipOrder: bigint;
  #lastDelivered: bigint | undefined;
  /** The engine's own failure: passed on as it is, never retried. */
  #deliveryError: unknown;

  constructor(private readonly o: StreamRunnerOptions) {
    this.#skipOrder = o.skipOrder;
    this.#batcher = new EventBatcher(
      o.options.batchSize,
      (events) => this.#deliver(events),
      (err) => this.#fail(err),
    );
  }

  async run(): Promise<void> {
    const { signal, options, metrics } = this.o;
    const onAbort = () => this.#session?.detach();
    signal.addEventListener('abort', onAbort, { once: true });
    let failures = 0;
    try {
      while (!signal.aborted) {
        const session = this.#newSession();
        this.#session = session;
        try {
          await session.run();
          await this.#batcher.settle();
          return;
        } catch (err) {
          await this.#batcher.settle();
          await session.close();
          if (this.#deliveryError !== undefined) throw this.#deliveryError;
          if (signal.aborted) return;
          if (!isRetryable(err)) throw sourceError(err, options.where, 'replication failed');
          failures = session.received ? 1 : failures + 1;
          if (this.o.catchUpLsn !== undefined && failures > options.reconnectAttempts) {
            throw sourceError(err, options.where, `replication failed ${failures} times in a row`);
          }
          this.#resetForReconnect();
          metrics.reconnects += 1;
          await sleep(backoffMs(failures, options.reconnectMinMs, options.reconnectMaxMs), signal);
        }
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  /** Sends the current positions now (after an acknowledgement moved them). */
  sendStatus(): void {
    this.#session?.sendStatus(false);
  }

  /** Confirms the final position and closes the connection. */
  async close(): Promise<void> {
    await this.#session?.close();
  }

  #newSession(): ReplicationSession {
    const { options, ack, metrics, catchUpLsn } = this.o;
    return new ReplicationSession({
      url: options.url,
      slot: options.slot,
      publication: options.publication,
      startLsn: this.#resumeLsn(),
      statusIntervalMs:
        catchUpLsn === undefined
          ? options.statusIntervalMs
          : Math.min(options.statusIntervalMs, CATCH_UP_PING_MS),
      status: () => ({ written: metrics.received ?? ack.confirmed, flushed: ack.confirmed }),
      onItem: (item) => this.#onItem(item),
    });
  }

  /** Where the next session starts: the commit LSN of the last delivered change, else the first start. */
  #resumeLsn(): bigint {
    return this.#lastDelivered === undefined ? this.o.startLsn : this.#lastDelivered >> STREAM_INDEX_BITS;
  }

  /**
   * Drops what the failed connection left half-done: the next one sends it again from
   * {@link resumeLsn} (everything queued for acknowledgement from there on, too).
   */
  #resetForReconnect(): void {
    this.#batcher.discard();
    this.#tx = undefined;
    if (this.#lastDelivered !== undefined && this.#lastDelivered > this.#skipOrder)
      this.#skipOrder = this.#lastDelivered;
    this.o.ack.forgetFrom(this.#resumeLsn());
  }

  async #onItem(item: StreamItem): Promise<void> {
    const { metrics } = this.o;
    if (item.kind === 'keepalive') {
      metrics.serverAt(item.walEnd);
      await this.#onPosition(item.walEnd);
      return;
    }
    metrics.receivedAt(item.lsn);
    await this.#onMessage(item.message);
  }

  async #onMessage(m: PgoutputMessage): Promise<void> {
    const { mapper, options } = this.o;
    switch (m.tag) {
      case 'begin':
        this.#tx = {
          commitLsn: m.finalLsn,
          xid: m.xid,
          commitTimeMs: m.commitTimeMs,
          next: 0,
          lastOrder: undefined,
        };
        return;
      case 'relation':
        mapper.relation(m);
        return;
      case 'type':
        mapper.type(m.typeOid, m.name);
        return;
      case 'insert':
      case 'update':
      case 'delete':
      case 'truncate':
        await this.#onChange(m);
        return;
      case 'commit':
        await this.#onCommit(m.endLsn);
        return;
      case 'undecodable':
        throw new CellarError(
          'CELLAR_ERR_SOURCE_UNAVAILABLE',
          `${options.where}: the replication stream could not be decoded: ${m.reason}`,
        );
      default:
        return; // origin and logical-decoding messages carry no row
    }
  }

  async #onChange(
    m: Extract<PgoutputMessage, { tag: 'insert' | 'update' | 'delete' | 'truncate' }>,
  ): Promise<void> {
    const tx = this.#requireTx();
    for (const change of this.o.mapper.changes(m)) {
      const position = streamPosition(this.o.stream, tx.commitLsn, tx.next++);
      tx.lastOrder = position.order;
      if (position.order <= this.#skipOrder) continue;
      await this.#batcher.add({ ...change, position, ts: tx.commitTimeMs, txId: String(tx.xid) });
    }
  }

  async #onCommit(endLsn: bigint): Promise<void> {
    const tx = this.#requireTx();
    this.#tx = undefined;
    if (
      this.o.ack.committed({
        commitLsn: tx.commitLsn,
        endLsn,
        lastOrder: tx.lastOrder,
        commitTimeMs: tx.commitTimeMs,
      })
    ) {
      this.#session?.sendStatus(false);
    }
    this.#batcher.flushSoon();
    await this.#onPosition(endLsn);
  }

  /** Between transactions, the stream has reached `lsn`. */
  async #onPosition(lsn: bigint): Promise<void> {
    if (this.#tx !== undefined) return;
    if (this.o.ack.idle(lsn)) this.#session?.sendStatus(false);
    const target = this.o.catchUpLsn;
    if (target !== undefined && lsn >= target) {
      await this.#batcher.flush();
      this.#session?.detach();
    }
  }

  async #deliver(events: readonly ChangeEvent[]): Promise<void> {
    try {
      await this.o.deliver(events);
    } catch (err) {
      this.#deliveryError ??= err;
      throw err;
    }
    const last = events[events.length - 1];
    if (last !== undefined) this.#lastDelivered = last.position.order;
    this.o.metrics.delivered(events.length);
  }

  #requireTx(): OpenTx {
    if (this.#tx === undefined) {
      throw new CellarError(
        'CELLAR_ERR_SOURCE_UNAVAILABLE',
        `${this.o.options.where}: the replication stream sent a change outside a transaction`,
      );
    }
    return this.#tx;
  }

  /** A delivery started by `flushSoon` failed: end the session with its error. */
  #fail(err: unknown): void {
    this.#session?.abort(err);
  }
}
