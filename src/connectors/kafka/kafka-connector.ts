import { CellarError } from '../../errors.js';
import type { Product, SourceDef } from '../../product/types.js';
import type { RejectedInput } from '../../sync/change-event.js';
import type { Connector, ConnectorContext } from '../connector.js';
import { ConsumerSession } from './consumer-session.js';
import { DeadLetterTopic } from './dead-letter-topic.js';
import { kafkaClient } from './kafka-client.js';
import { type KafkaSourceOptions, kafkaSourceOptions } from './kafka-source-options.js';
import { kafkaTableFor } from './kafka-table-for.js';
import { OffsetCommitter } from './offset-committer.js';
import { PartitionProgress } from './partition-progress.js';
import { RecordDecoder } from './record-decoder.js';
import { offsetOf, StreamNames } from './stream-names.js';

/** What lives from `start` to `stop`. */
interface Running {
  readonly session: ConsumerSession;
  readonly progress: PartitionProgress;
  readonly committer: OffsetCommitter;
  readonly dlq: DeadLetterTopic | undefined;
  /** Settles when `start` does. */
  readonly done: Promise<void>;
}

/**
 * A streaming source reading Debezium JSON from Kafka topics through one consumer-group member
 * (kafkajs). The rules are in docs/sources.md ("Kafka source"); in short:
 *
 * - One stream per partition, `<product>/<source>/<topic>/<partition>`; a record's token is its
 *   offset, its order the same as a bigint.
 * - On every assignment a partition is read from after what the engine has (`ctx.positions`, or
 *   what this connector delivered) when that is ahead of the group's committed offset, else from
 *   the committed offset. Re-read records the engine has are passed over; anything re-read
 *   beyond that (after a rebalance) is harmless: the engine's per-entity watermarks skip it.
 * - Batches are delivered as kafkajs fetches them (at most `batchSize` items each), each delivery
 *   awaited before the partition goes on; offsets are resolved after delivery, never
 *   auto-committed. `acknowledge` commits the next offset to Kafka in the background, so lag
 *   tools see progress; Kafka's commit is a convenience, the store's positions are the truth.
 * - `follow: false`: `start` resolves once every assigned partition is read up to the high
 *   watermark it had at the start. `follow: true`: when the signal aborts or `stop` is called.
 *   Either way the member stays in the group, paused, until `stop`, so the engine's last
 *   acknowledgement is committed.
 * - Undecodable records are delivered as rejected input; every dead letter the engine records for
 *   this source is also produced to the dead-letter topic (`dlqTopic`) with `cellar-*` headers.
 * - kafkajs retries and reconnects by itself; a crash it gives up on rejects `start`
 *   (CELLAR_ERR_SOURCE_UNAVAILABLE).
 */
export class KafkaConnector implements Connector {
  readonly name: string;
  readonly options: KafkaSourceOptions;
  readonly streams: StreamNames;
  readonly #decoder: RecordDecoder;
  #running: Running | undefined;

  constructor(product: Product, source: SourceDef) {
    this.options = kafkaSourceOptions(product, source);
    this.name = `${product.name}/${source.name}`;
    this.streams = new StreamNames(this.options.streamPrefix);
    this.#decoder = new RecordDecoder(product, {
      format: this.options.format,
      tableFor: kafkaTableFor(this.options.topics, this.options.sourceTables),
    });
  }

  async start(ctx: ConnectorContext): Promise<void> {
    if (this.#running !== undefined) {
      throw new CellarError('CELLAR_ERR_INTERNAL', `connector ${this.name} is already running`);
    }
    const kafka = kafkaClient(this.options);
    const progress = new PartitionProgress(this.#storedOffsets(ctx.positions));
    const committer = new OffsetCommitter((commits) =>
      session.consumer.commitOffsets(commits.map((c) => ({ ...c, offset: String(c.offset) }))),
    );
    const session = new ConsumerSession({
      name: this.name,
      options: this.options,
      kafka,
      streams: this.streams,
      decoder: this.#decoder,
      progress,
      committer,
    });
    const dlq =
      this.options.dlqTopic === null
        ? undefined
        : new DeadLetterTopic(kafka, this.options.dlqTopic, this.name);
    const done = session.run(ctx);
    this.#running = { session, progress, committer, dlq, done: done.catch(() => {}) };
    await done;
  }

  /** Commits, in the background, the next offset of every acknowledged partition of this source. */
  async acknowledge(positions: ReadonlyMap<string, string>): Promise<void> {
    const running = this.#running;
    if (running === undefined) return;
    for (const [stream, token] of positions) {
      const partition = this.streams.parse(stream);
      const offset = offsetOf(token);
      if (partition === undefined || offset === undefined) continue;
      const commit = running.progress.acknowledged(stream, offset);
      if (commit !== undefined) running.committer.request({ ...partition, offset: commit });
    }
  }

  /** Produces a dead letter of this source to its dead-letter topic (unless `dlqTopic: false`). */
  async deadLetter(input: RejectedInput): Promise<void> {
    const running = this.#running;
    const origin = this.streams.parse(input.position.stream);
    if (running?.dlq === undefined || origin === undefined) return;
    const record = running.session.deliveringRecord(input.position.stream, input.position.token);
    await running.dlq.send({
      origin: { ...origin, offset: input.position.token },
      code: input.code,
      reason: input.reason,
      key: record?.key ?? null,
      value: record?.value ?? input.raw,
      payload: record?.value ? 'record' : 'change-event',
    });
  }

  /** Ends delivery, commits what was acknowledged, leaves the group. Idempotent. */
  async stop(): Promise<void> {
    const running = this.#running;
    if (running === undefined) return;
    running.session.end();
    await running.done;
    if (this.#running !== running) return; // a concurrent stop finished it
    this.#running = undefined;
    await running.committer.flush();
    await running.session.close();
    await running.dlq?.close();
  }

  /** Commit failures so far in this run (they are retried; see OffsetCommitter). */
  get commitFailures(): number {
    return this.#running?.committer.failures ?? 0;
  }

  /** The stored offsets of this source's streams. */
  #storedOffsets(positions: ReadonlyMap<string, string>): [string, bigint][] {
    const out: [string, bigint][] = [];
    for (const [stream, token] of positions) {
      if (this.streams.parse(stream) === undefined) continue;
      const offset = offsetOf(token);
      if (offset === undefined) {
        throw new CellarError(
          'CELLAR_ERR_SOURCE_CONFIG',
          `source ${this.name}: the stored position of ${stream} is not a Kafka offset`,
          { hint: 'the stream name may be shared with another source; give each source its own name' },
        );
      }
      out.push([stream, offset]);
    }
    return out;
  }
}

/** Creates the connector for a `kafka` source of a product. Throws CELLAR_ERR_SOURCE_CONFIG on bad options. */
export function createKafkaConnector(product: Product, source: SourceDef): KafkaConnector {
  return new KafkaConnector(product, source);
}
