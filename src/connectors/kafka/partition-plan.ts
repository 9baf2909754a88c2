import type { OffsetCommit } from './offset-committer.js';
import type { PartitionProgress } from './partition-progress.js';
import type { StreamNames, TopicPartition } from './stream-names.js';

/** A partition's offsets at one moment: the first readable one and the next to be written. */
export interface PartitionWatermarks {
  readonly low: bigint;
  readonly high: bigint;
}

/** Stream → watermarks. */
export type Watermarks = Map<string, PartitionWatermarks>;

/** The group's committed offsets as kafkajs's `admin.fetchOffsets` returns them. */
export type CommittedOffsets = readonly {
  readonly topic: string;
  readonly partitions: readonly { readonly partition: number; readonly offset: string }[];
}[];

/**
 * Decides where each assigned partition is read from, and when a bounded run is done.
 *
 * Where: after the highest offset the engine already has (stored with the blobs, or applied by
 * this connector) when that is ahead of the group's committed offset, or when the group has none
 * — the store is the truth and Kafka's commit may lag it (a crash between the store commit and
 * the offset commit) or be gone (offset retention). Otherwise from the committed offset, which is
 * only ever committed once durable, so it is never ahead of data that is not in the store.
 *
 * When (`follow: false`): once every assigned partition has been read up to the high watermark
 * it had when the run started.
 */
export class PartitionPlan {
  #targets: Watermarks | undefined;
  #assigned: readonly TopicPartition[] = [];
  #positioned = false;

  constructor(
    private readonly streams: StreamNames,
    private readonly progress: PartitionProgress,
    private readonly fromBeginning: boolean,
  ) {}

  /** A bounded run: stop at these watermarks. */
  setTargets(targets: Watermarks): void {
    this.#targets = targets;
  }

  /**
   * A new assignment: records where each partition starts and returns the seeks to make (to the
   * offset after what the engine has, where that is ahead of the group's commit).
   */
  assign(partitions: readonly TopicPartition[], committed: CommittedOffsets): OffsetCommit[] {
    const commits = new Map<string, bigint>();
    for (const topic of committed) {
      for (const p of topic.partitions) {
        if (/^[0-9]+$/.test(p.offset))
          commits.set(this.streams.of(topic.topic, p.partition), BigInt(p.offset));
      }
    }
    const seeks: OffsetCommit[] = [];
    for (const { topic, partition } of partitions) {
      const stream = this.streams.of(topic, partition);
      const known = this.progress.known(stream);
      const commit = commits.get(stream);
      if (commit !== undefined) this.progress.committedAt(stream, commit);
      let start: bigint | undefined;
      if (known !== undefined && (commit === undefined || known + 1n > commit)) {
        start = known + 1n;
        seeks.push({ topic, partition, offset: start });
      } else if (commit !== undefined) {
        start = commit;
      } else {
        const marks = this.#targets?.get(stream);
        if (marks !== undefined) start = this.fromBeginning ? marks.low : marks.high;
      }
      if (start !== undefined) this.progress.startAt(stream, start);
    }
    this.#assigned = partitions;
    this.#positioned = true;
    return seeks;
  }

  /**
   * True when this is a bounded run that has read every assigned partition up to its target
   * (partitions created after the start have none and are not waited for).
   */
  done(): boolean {
    if (this.#targets === undefined || !this.#positioned) return false;
    for (const { topic, partition } of this.#assigned) {
      const stream = this.streams.of(topic, partition);
      const target = this.#targets.get(stream);
      if (target === undefined || target.high <= target.low) continue;
      const next = this.progress.next(stream);
      if (next === undefined || next < target.high) return false;
    }
    return true;
  }
}
