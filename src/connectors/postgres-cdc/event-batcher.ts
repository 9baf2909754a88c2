import type { ChangeEvent } from '../../sync/change-event.js';

/**
 * Gathers change events into batches for the engine. A batch goes out when it is full (and the
 * caller waits for it: backpressure), or soon after a transaction ends (`flushSoon`, once the
 * messages already received are handled, so small transactions share a batch). Deliveries run one
 * at a time, in order; at most one batch is in flight while the next fills.
 */
export class EventBatcher {
  #events: ChangeEvent[] = [];
  #chain: Promise<void> = Promise.resolve();
  #timer: NodeJS.Immediate | undefined;

  constructor(
    private readonly maxEvents: number,
    private readonly deliver: (events: readonly ChangeEvent[]) => Promise<void>,
    /** Told of a failed delivery that nobody awaited (one started by `flushSoon`). */
    private readonly onError: (err: unknown) => void,
  ) {}

  /** Events gathered and not yet handed to a delivery. */
  get buffered(): number {
    return this.#events.length;
  }

  /** Adds an event; resolves once it may go on (after delivering a full batch). */
  async add(event: ChangeEvent): Promise<void> {
    this.#events.push(event);
    if (this.#events.length >= this.maxEvents) await this.flush();
  }

  /** Delivers what is gathered once the messages already received are handled. */
  flushSoon(): void {
    if (this.#timer !== undefined || this.#events.length === 0) return;
    this.#timer = setImmediate(() => {
      this.#timer = undefined;
      this.flush().catch(this.onError);
    });
  }

  /** Delivers what is gathered; resolves when it (and every delivery before) is done. */
  flush(): Promise<void> {
    this.#cancelTimer();
    if (this.#events.length === 0) return this.#chain;
    const events = this.#events;
    this.#events = [];
    const run = this.#chain.then(() => this.deliver(events));
    this.#chain = run.catch(() => undefined);
    return run;
  }

  /** Resolves when the delivery in flight, if any, is over (whatever its outcome). */
  settle(): Promise<void> {
    return this.#chain;
  }

  /** Drops what is gathered and not delivered (it will be received again). */
  discard(): void {
    this.#cancelTimer();
    this.#events = [];
  }

  #cancelTimer(): void {
    if (this.#timer !== undefined) clearImmediate(this.#timer);
    this.#timer = undefined;
  }
}
