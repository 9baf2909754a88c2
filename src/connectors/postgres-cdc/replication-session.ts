import type { Duplex } from 'node:stream';
import type { Client } from 'pg';
import { LogicalReplicationService } from 'pg-logical-replication';
import { formatLsn, parseLsn } from './lsn.js';
import { clientConfig } from './pg-session.js';
import type { PgoutputMessage } from './pgoutput-messages.js';
import { PgoutputTextPlugin } from './pgoutput-plugin.js';
import { standbyStatus } from './standby-status.js';

/** What the stream hands on, in the order the server sent it. */
export type StreamItem =
  | { readonly kind: 'message'; readonly message: PgoutputMessage; readonly lsn: bigint }
  | { readonly kind: 'keepalive'; readonly walEnd: bigint };

/** Positions reported in status updates. */
export interface StatusPositions {
  /** Everything before it was received. */
  readonly written: bigint;
  /** Everything before it is durable: the slot's confirmed position. */
  readonly flushed: bigint;
}

export interface ReplicationSessionOptions {
  readonly url: string;
  readonly slot: string;
  readonly publication: string;
  /** Where the stream begins; 0 means the slot's confirmed position. */
  readonly startLsn: bigint;
  /** How often a status update (asking for a keepalive back) is sent, ms. */
  readonly statusIntervalMs: number;
  readonly status: () => StatusPositions;
  /** Handles one item; the next waits for it. A rejection ends the session with that error. */
  readonly onItem: (item: StreamItem) => Promise<void>;
}

/** Items queued before reading from the socket pauses, and the level at which it resumes. */
const HIGH_WATER = 512;
const LOW_WATER = 64;
/** How long closing waits for the server to hang up before the socket is destroyed, ms. */
const CLOSE_TIMEOUT_MS = 5_000;

/** The parts of the driver's connection a replication stream needs. */
interface ReplicationWire {
  readonly stream: Duplex;
  sendCopyFromChunk(chunk: Buffer): void;
  /** Sends CopyDone. */
  endCopyFrom(): void;
}

/** Waits for `promise` (whatever its outcome), at most `ms`. */
async function within(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  await Promise.race([
    promise.then(
      () => undefined,
      () => undefined,
    ),
    timeout,
  ]);
  clearTimeout(timer);
}

/**
 * One replication connection, from START_REPLICATION until it ends. pg-logical-replication does
 * the connecting and framing; this class adds what it lacks: items are handled one at a time in
 * the order they arrived (keepalives included), reading pauses while too many wait
 * (backpressure), status updates carry the positions the caller says are durable (never the
 * package's "everything received"), they go out periodically so the server never drops the
 * connection as idle, and at once when a keepalive asks for a reply.
 *
 * `run` settles once: rejected with the first error (connection, server, or `onItem`), resolved
 * by `detach` or `close`. After `detach` items are dropped but status updates still go out, so
 * the caller can confirm its final position before `close`.
 */
export class ReplicationSession {
  readonly #service: LogicalReplicationService;
  readonly #queue: StreamItem[] = [];
  #wire: ReplicationWire | undefined;
  #draining = false;
  #paused = false;
  #ended = false;
  #closed = false;
  #timer: NodeJS.Timeout | undefined;
  #settle: { resolve: () => void; reject: (err: unknown) => void } | undefined;
  /** Settles when the START_REPLICATION command ends, however it ends. */
  #subscribed: Promise<void> = Promise.resolve();
  /** True once the server has sent anything: the connection worked. */
  received = false;

  constructor(private readonly options: ReplicationSessionOptions) {
    this.#service = new LogicalReplicationService(clientConfig(options.url, 'cellar-cdc'), {
      acknowledge: { auto: false, timeoutSeconds: 0 },
      flowControl: { enabled: false },
    });
  }

  run(): Promise<void> {
    const done = new Promise<void>((resolve, reject) => {
      this.#settle = { resolve, reject };
    });
    const service = this.#service;
    service.on('data', (lsn: string, message: PgoutputMessage) => {
      this.#enqueue({ kind: 'message', message, lsn: parseLsn(lsn) });
    });
    service.on('heartbeat', (lsn: string, _time: number, replyRequested: boolean) => {
      if (replyRequested) this.sendStatus(false);
      this.#enqueue({ kind: 'keepalive', walEnd: parseLsn(lsn) });
    });
    service.on('error', (err: Error) => this.#fail(err));
    const plugin = new PgoutputTextPlugin(this.options.publication, (client) => this.#attach(client));
    this.#subscribed = service.subscribe(plugin, this.options.slot, formatLsn(this.options.startLsn)).then(
      () => this.#fail(new Error('the server ended the replication stream')),
      (err: unknown) => this.#fail(err),
    );
    return done;
  }

  /** Sends a status update with the caller's current positions. A no-op once closed. */
  sendStatus(replyRequested: boolean): void {
    const wire = this.#wire;
    if (wire === undefined || this.#closed || wire.stream.destroyed) return;
    const { written, flushed } = this.options.status();
    wire.sendCopyFromChunk(
      standbyStatus(written > flushed ? written : flushed, flushed, Date.now(), replyRequested),
    );
  }

  /** Stops handing on items and resolves `run`; the connection stays open for status updates. */
  detach(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#queue.length = 0;
    this.#resume(); // what still arrives is read and dropped, so the server never stalls on us
    this.#settle?.resolve();
  }

  /** Ends the session with `err` (rejecting `run`). */
  abort(err: unknown): void {
    this.#fail(err);
  }

  /**
   * Sends a last status update, ends the COPY so the server reads that update before the
   * connection goes (a socket torn down with unread input may be reset, losing it), then closes
   * the connection. Idempotent.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.sendStatus(false);
    this.detach();
    this.#closed = true;
    clearInterval(this.#timer);
    const wire = this.#wire;
    if (wire !== undefined && !wire.stream.destroyed) {
      wire.endCopyFrom();
      await within(this.#subscribed, CLOSE_TIMEOUT_MS);
    }
    await within(this.#service.destroy(), CLOSE_TIMEOUT_MS);
    wire?.stream.destroy();
  }

  #attach(client: Client): void {
    this.#wire = (client as unknown as { connection: ReplicationWire }).connection;
    this.#timer = setInterval(() => this.sendStatus(true), this.options.statusIntervalMs);
    this.sendStatus(true);
  }

  #enqueue(item: StreamItem): void {
    this.received = true;
    if (this.#ended) return;
    this.#queue.push(item);
    if (this.#queue.length >= HIGH_WATER && !this.#paused) {
      this.#paused = true;
      this.#wire?.stream.pause();
    }
    if (!this.#draining) void this.#drain();
  }

  async #drain(): Promise<void> {
    this.#draining = true;
    try {
      for (let item = this.#queue.shift(); item !== undefined && !this.#ended; item = this.#queue.shift()) {
        await this.options.onItem(item);
        if (this.#paused && this.#queue.length <= LOW_WATER) this.#resume();
      }
    } catch (err) {
      this.#fail(err);
    } finally {
      this.#draining = false;
    }
  }

  #resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    this.#wire?.stream.resume();
  }

  #fail(err: unknown): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#closed = true;
    this.#queue.length = 0;
    clearInterval(this.#timer);
    this.#service.destroy().catch(() => undefined);
    this.#settle?.reject(err);
  }
}
