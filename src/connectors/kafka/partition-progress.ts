interface State {
  /** Highest offset whose event (or rejection) is durable in the store: stored at start, or acknowledged. */
  durable?: bigint;
  /** Highest offset of an item this connector handed to the engine (applied, maybe not durable). */
  delivered?: bigint;
  /** Highest offset this connector read (items and skipped records alike). */
  read?: bigint;
  /** Next offset this connector will read: where it started on assignment, then past every record read. */
  next?: bigint;
  /** Highest offset committed to Kafka (as the next offset to read), or asked to be. */
  committed?: bigint;
}

/**
 * What a Kafka source knows of each of its partitions (by stream name): how far the engine has
 * the data, how far it has read, and what it may commit to Kafka. Pure bookkeeping, no I/O.
 *
 * Records that become no item (tombstones, transaction markers) advance `next` only. So that
 * lag tools see a partition ending in a tombstone as fully consumed, the commit for an
 * acknowledged offset covers the skipped records after it when nothing delivered since is
 * pending ({@link acknowledged}, {@link skipped}).
 */
export class PartitionProgress {
  readonly #states = new Map<string, State>();

  /** `stored`: the positions committed with the blobs (stream → offset), as the engine gave them. */
  constructor(stored: Iterable<readonly [string, bigint]> = []) {
    for (const [stream, offset] of stored) this.#state(stream).durable = offset;
  }

  /**
   * The highest offset the engine already has (durable, or applied by this connector): a partition
   * is resumed after it, and re-read records at or below it are passed over.
   */
  known(stream: string): bigint | undefined {
    const s = this.#states.get(stream);
    return max(s?.durable, s?.delivered);
  }

  /** Where reading (re)starts after an assignment. */
  startAt(stream: string, offset: bigint): void {
    this.#state(stream).next = offset;
  }

  /** The next offset to read, when known. */
  next(stream: string): bigint | undefined {
    return this.#states.get(stream)?.next;
  }

  /** Records up to `lastRead` were read; the last of them that became an item is `lastItem`. */
  delivered(stream: string, lastItem: bigint, lastRead: bigint): void {
    const s = this.#state(stream);
    s.delivered = max(s.delivered, lastItem);
    this.#advance(s, lastRead);
  }

  /**
   * Records up to `lastRead` were read and all skipped. Returns the offset to commit to Kafka when
   * everything this connector delivered is durable (so only skipped records follow the committed
   * position), else `undefined`.
   */
  skipped(stream: string, lastRead: bigint): bigint | undefined {
    const s = this.#state(stream);
    this.#advance(s, lastRead);
    if (s.delivered !== undefined && (s.durable === undefined || s.durable < s.delivered)) return undefined;
    return this.#commit(s, lastRead + 1n);
  }

  /**
   * The engine made everything up to `offset` durable. Returns the offset to commit to Kafka (the
   * next one to read), or `undefined` when an equal or higher one was already asked for.
   */
  acknowledged(stream: string, offset: bigint): bigint | undefined {
    const s = this.#state(stream);
    const durable = max(s.durable, offset) ?? offset;
    s.durable = durable;
    // Caught up with what was delivered: the records read since were all skipped.
    const caughtUp = s.delivered !== undefined && durable >= s.delivered;
    return this.#commit(s, caughtUp && s.read !== undefined && s.read >= offset ? s.read + 1n : offset + 1n);
  }

  /** Kafka has `offset` committed (as the next to read) for the stream. */
  committedAt(stream: string, offset: bigint): void {
    const s = this.#state(stream);
    s.committed = max(s.committed, offset);
  }

  #commit(s: State, offset: bigint): bigint | undefined {
    if (s.committed !== undefined && s.committed >= offset) return undefined;
    s.committed = offset;
    return offset;
  }

  #advance(s: State, lastRead: bigint): void {
    s.read = max(s.read, lastRead);
    s.next = max(s.next, lastRead + 1n);
  }

  #state(stream: string): State {
    let s = this.#states.get(stream);
    if (s === undefined) {
      s = {};
      this.#states.set(stream, s);
    }
    return s;
  }
}

function max(a: bigint | undefined, b: bigint | undefined): bigint | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return a > b ? a : b;
}
