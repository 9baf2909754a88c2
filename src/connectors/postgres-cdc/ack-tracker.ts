/** A transaction the stream has seen committed. */
export interface CommittedTx {
  readonly commitLsn: bigint;
  /** The end of its commit record: confirming it tells the server not to send it again. */
  readonly endLsn: bigint;
  /** Order of its last change Cellar maps, or undefined when it has none (nothing to wait for). */
  readonly lastOrder: bigint | undefined;
  readonly commitTimeMs: number;
}

/**
 * Decides what the replication slot may be told is durable. A transaction's end LSN may be
 * confirmed only once every change of it, and of every transaction before it, is committed to
 * the blob store (the engine acknowledges an order only after its flush). Partial transactions
 * are never confirmed: a large transaction delivered in batches is confirmed at its end.
 *
 * Caveat: the confirmed position never moves back — PostgreSQL 15 would believe a lower one.
 */
export class AckTracker {
  readonly #queue: CommittedTx[] = [];
  #head = 0;
  #durableOrder: bigint;
  #confirmed: bigint;

  /**
   * @param durableOrder the stored position's order: everything up to it is durable already.
   * @param confirmed the slot's confirmed position when streaming begins.
   */
  constructor(durableOrder: bigint, confirmed: bigint) {
    this.#durableOrder = durableOrder;
    this.#confirmed = confirmed;
  }

  /** The position to report as flushed. */
  get confirmed(): bigint {
    return this.#confirmed;
  }

  /** Transactions seen committed whose changes are not all durable yet. */
  get pending(): number {
    return this.#queue.length - this.#head;
  }

  /** Commit time of the oldest transaction not yet durable, epoch ms. */
  oldestPendingMs(): number | undefined {
    return this.#queue[this.#head]?.commitTimeMs;
  }

  /** Records a commit. Returns true when the confirmed position moved. */
  committed(tx: CommittedTx): boolean {
    const last = this.#queue[this.#queue.length - 1];
    // After a reconnect the server may send again what is already queued or confirmed.
    if (
      tx.endLsn <= this.#confirmed ||
      (last !== undefined && this.pending > 0 && tx.commitLsn <= last.commitLsn)
    ) {
      return false;
    }
    this.#queue.push(tx);
    return this.#drain();
  }

  /** Records that every change up to `order` is durable. Returns true when the confirmed position moved. */
  acknowledged(order: bigint): boolean {
    if (order > this.#durableOrder) this.#durableOrder = order;
    return this.#drain();
  }

  /**
   * The server has sent everything before `walEnd` and no transaction is open: when nothing is
   * waiting to become durable, nothing before `walEnd` concerns Cellar any more (other tables,
   * other databases, checkpoints), so the slot may move there. Returns true when it moved.
   */
  idle(walEnd: bigint): boolean {
    if (this.pending > 0 || walEnd <= this.#confirmed) return false;
    this.#confirmed = walEnd;
    return true;
  }

  /** Forgets queued transactions committing at or after `lsn`: the stream will send them again. */
  forgetFrom(lsn: bigint): void {
    let keep = this.#queue.length;
    while (keep > this.#head && (this.#queue[keep - 1]?.commitLsn ?? 0n) >= lsn) keep--;
    this.#queue.length = keep;
  }

  #drain(): boolean {
    const before = this.#confirmed;
    for (let tx = this.#queue[this.#head]; tx !== undefined; tx = this.#queue[this.#head]) {
      if (tx.lastOrder !== undefined && tx.lastOrder > this.#durableOrder) break;
      if (tx.endLsn > this.#confirmed) this.#confirmed = tx.endLsn;
      this.#head++;
    }
    if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
      this.#queue.splice(0, this.#head);
      this.#head = 0;
    }
    return this.#confirmed !== before;
  }
}
