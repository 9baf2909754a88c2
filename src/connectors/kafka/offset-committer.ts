import type { TopicPartition } from './stream-names.js';

/** One offset to commit: the next offset the group should read from that partition. */
export interface OffsetCommit extends TopicPartition {
  readonly offset: bigint;
}

/** Sends offsets to Kafka (the consumer's `commitOffsets`). */
export type CommitOffsets = (commits: readonly OffsetCommit[]) => Promise<void>;

/**
 * Commits a Kafka source's offsets in the background, one request at a time, coalescing what was
 * asked for meanwhile (the highest offset per partition wins).
 *
 * Why in the background: the engine acknowledges inside its group commit, and a commit during a
 * rebalance or a broker outage can fail or take seconds; sync must not wait on it. Why failures
 * do not stop sync: Kafka's committed offsets are a convenience (lag tools, a fast resume point);
 * the store's positions are the truth, and a partition is resumed from whichever is further. A
 * failed commit is counted and kept, and retried with the next request or {@link flush}.
 */
export class OffsetCommitter {
  readonly #pending = new Map<string, OffsetCommit>();
  #running: Promise<void> | undefined;
  #failures = 0;
  #lastError: unknown;

  constructor(private readonly commit: CommitOffsets) {}

  /** Asks for `offset` to be committed for the partition; returns at once. */
  request(commit: OffsetCommit): void {
    const key = `${commit.topic}\0${commit.partition}`;
    const queued = this.#pending.get(key);
    if (queued === undefined || queued.offset < commit.offset) this.#pending.set(key, commit);
    this.#running ??= this.#drain().finally(() => {
      this.#running = undefined;
    });
  }

  /** Waits for the running commit, then tries once more for anything still pending. Never rejects. */
  async flush(): Promise<void> {
    await this.#running;
    if (this.#pending.size === 0) return;
    const retry = this.#send(this.#take()).then(() => undefined);
    this.#running = retry.finally(() => {
      this.#running = undefined;
    });
    await this.#running;
  }

  /** Commits that failed so far (each retried later). */
  get failures(): number {
    return this.#failures;
  }

  /** The last commit error, for diagnostics. */
  get lastError(): unknown {
    return this.#lastError;
  }

  async #drain(): Promise<void> {
    // Keep going while requests arrive during a commit; stop at the first failure.
    while (this.#pending.size > 0) {
      if (!(await this.#send(this.#take()))) return;
    }
  }

  async #send(batch: OffsetCommit[]): Promise<boolean> {
    try {
      await this.commit(batch);
      return true;
    } catch (err) {
      this.#failures += 1;
      this.#lastError = err;
      for (const commit of batch) {
        const key = `${commit.topic}\0${commit.partition}`;
        const queued = this.#pending.get(key);
        if (queued === undefined || queued.offset < commit.offset) this.#pending.set(key, commit);
      }
      return false;
    }
  }

  #take(): OffsetCommit[] {
    const batch = [...this.#pending.values()];
    this.#pending.clear();
    return batch;
  }
}
