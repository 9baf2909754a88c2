import type { Admin, Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import type { ConnectorContext } from '../connector.js';
import { batchChunks } from './batch-chunks.js';
import { unavailable } from './kafka-client.js';
import type { KafkaSourceOptions } from './kafka-source-options.js';
import type { OffsetCommitter } from './offset-committer.js';
import { PartitionPlan, type Watermarks } from './partition-plan.js';
import type { PartitionProgress } from './partition-progress.js';
import type { RecordDecoder } from './record-decoder.js';
import type { StreamNames, TopicPartition } from './stream-names.js';

/**
 * How long a fetch waits for data on an idle partition, ms. Records are returned as soon as they
 * arrive; this bounds how long a paused or idle member takes to notice a stop (kafkajs: 5 s).
 */
const FETCH_MAX_WAIT_MS = 1_000;
/** Consecutive consumer crashes (that kafkajs does not restart) a session recovers from. */
const MAX_CONSUMER_RESTARTS = 3;
/** Delay before the first such restart, ms; doubled for each next one. */
const RESTART_DELAY_MS = 1_000;

/** What a session shares with its connector. */
export interface SessionParts {
  readonly name: string;
  readonly options: KafkaSourceOptions;
  readonly kafka: Kafka;
  readonly streams: StreamNames;
  readonly decoder: RecordDecoder;
  readonly progress: PartitionProgress;
  readonly committer: OffsetCommitter;
}

/**
 * One run of a Kafka source's consumer, from `start` to `stop`: joins the group, positions each
 * assigned partition ({@link PartitionPlan}), hands batches to the engine, and ends on abort,
 * on `end()`, at the watermarks seen at start (`follow: false`), or on a failure.
 *
 * On ending it pauses every partition and waits for the batch being delivered, but stays in the
 * group, so that the engine's last acknowledgement can still be committed; {@link close} leaves.
 */
export class ConsumerSession {
  #consumer: Consumer;
  readonly #admin: Admin;
  readonly #plan: PartitionPlan;
  readonly #ended: Promise<void>;
  #end!: () => void;
  #ending = false;
  #failure: unknown;
  /** Crashes kafkajs gave up on that this session may still recover from by starting over. */
  #restarts = MAX_CONSUMER_RESTARTS;
  #ready: Promise<void> = Promise.resolve();
  #inflight: Promise<void> | undefined;
  #ctx: ConnectorContext | undefined;
  #closing = false;
  /** The latest `consumer.run()`, which resolves once the member has first joined. */
  #joining: Promise<void> = Promise.resolve();
  /** The records of the delivery in progress, by stream and offset, for their dead letters. */
  #delivering: ReadonlyMap<string, KafkaMessage> | undefined;

  constructor(private readonly parts: SessionParts) {
    const { options, kafka } = parts;
    this.#consumer = this.#newConsumer();
    this.#admin = kafka.admin();
    this.#plan = new PartitionPlan(parts.streams, parts.progress, options.fromBeginning);
    this.#ended = new Promise((resolve) => {
      this.#end = resolve;
    });
  }

  /** Runs until the session ends; rejects with the failure that ended it, if any. */
  async run(ctx: ConnectorContext): Promise<void> {
    const onAbort = () => this.end();
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    if (ctx.signal.aborted) this.end();
    try {
      await this.#join(ctx);
      await this.#ended;
    } finally {
      ctx.signal.removeEventListener('abort', onAbort);
      this.end();
      this.#pauseAll();
      // A batch's own rejection (its heartbeat saw a rebalance) is kafkajs's to handle — it
      // rejoins; failures that end the session reach #fail. Waiting must not rethrow it.
      await this.#inflight?.catch(() => undefined);
    }
    if (this.#failure !== undefined) throw this.#failure;
  }

  /** Ends the run (idempotent). */
  end(): void {
    this.#ending = true;
    this.#end();
  }

  /** The origin record of an item being delivered, if it is one of this session's. */
  deliveringRecord(stream: string, token: string): KafkaMessage | undefined {
    return this.#delivering?.get(`${stream}\0${token}`);
  }

  /** Leaves the group and closes the clients. */
  async close(): Promise<void> {
    this.#closing = true;
    this.end();
    await Promise.allSettled([this.#consumer.disconnect(), this.#admin.disconnect()]);
    // kafkajs ignores a disconnect while the member is still joining and would then run on; a
    // join that was under way has settled by now (its connection is gone), so stop it again.
    await this.#joining;
    await this.#consumer.disconnect().catch(() => undefined);
  }

  /** The current kafkajs consumer (a new one after a restart). */
  get consumer(): Consumer {
    return this.#consumer;
  }

  async #join(ctx: ConnectorContext): Promise<void> {
    const { options, name } = this.parts;
    try {
      await this.#admin.connect();
      if (!ctx.follow) this.#plan.setTargets(await this.#watermarks([...options.topics.keys()]));
    } catch (err) {
      throw unavailable(name, 'reading the topics’ offsets', err);
    }
    await this.#run(ctx, this.#consumer);
  }

  #newConsumer(): Consumer {
    const { options, kafka, name } = this.parts;
    const consumer = kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: options.sessionTimeoutMs,
      rebalanceTimeout: options.rebalanceTimeoutMs,
      heartbeatInterval: options.heartbeatIntervalMs,
      maxWaitTimeInMs: FETCH_MAX_WAIT_MS,
      allowAutoTopicCreation: false,
      // kafkajs restarts a crashed consumer by itself (retriable errors); never once closing.
      retry: { restartOnFailure: async () => !this.#closing },
    });
    const { GROUP_JOIN, CRASH, END_BATCH_PROCESS } = consumer.events;
    consumer.on(GROUP_JOIN, (e) => {
      this.#restarts = MAX_CONSUMER_RESTARTS;
      this.#assigned(consumer, e.payload.memberAssignment);
    });
    consumer.on(CRASH, (e) => {
      if (e.payload.restart || consumer !== this.#consumer) return; // kafkajs restarts it itself
      const error = unavailable(name, 'consuming (the consumer crashed)', e.payload.error);
      if (this.#ending || this.#restarts <= 0) this.#fail(error);
      else this.#restart();
    });
    // Batches of only transaction markers or aborted records never reach eachBatch.
    consumer.on(END_BATCH_PROCESS, (e) => {
      if (e.payload.batchSize !== 0) return;
      this.#skipped(e.payload.topic, e.payload.partition, BigInt(e.payload.lastOffset));
      this.#checkDone();
    });
    return consumer;
  }

  /**
   * Starts over with a new consumer after a crash kafkajs does not recover from by itself — it
   * gives up on protocol errors such as an INVALID_REQUEST answer to a SyncGroup, which some
   * brokers (librdkafka's mock cluster among them) send when a member syncs after the leader.
   * Bounded: {@link MAX_CONSUMER_RESTARTS} in a row, then the run fails with the crash.
   */
  #restart(): void {
    this.#restarts -= 1;
    const delay = RESTART_DELAY_MS * 2 ** (MAX_CONSUMER_RESTARTS - this.#restarts - 1);
    setTimeout(() => {
      if (this.#ending || !this.#ctx) return;
      const consumer = this.#newConsumer();
      this.#consumer = consumer;
      this.#run(this.#ctx, consumer).catch((err: unknown) => this.#fail(err));
    }, delay).unref();
  }

  async #run(ctx: ConnectorContext, consumer: Consumer): Promise<void> {
    const { options, name } = this.parts;
    const topics = [...options.topics.keys()];
    this.#ctx = ctx;
    if (this.#ending) return;
    try {
      await consumer.connect();
      await consumer.subscribe({ topics, fromBeginning: options.fromBeginning });
    } catch (err) {
      throw unavailable(name, `subscribing to ${topics.join(', ')}`, err);
    }
    if (this.#ending) return;
    // run() resolves after the first join (seconds); an end meanwhile need not wait for it.
    const running = consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: (payload) => {
        const work = this.#batch(ctx, consumer, payload);
        this.#inflight = work;
        return work.finally(() => {
          if (this.#inflight === work) this.#inflight = undefined;
        });
      },
    });
    const joined = running.catch((err: unknown) => this.#fail(unavailable(name, 'joining the group', err)));
    this.#joining = joined;
    await Promise.race([joined, this.#ended]);
  }

  #assigned(consumer: Consumer, assignment: Readonly<Record<string, readonly number[]>>): void {
    // kafkajs may still rejoin while it stops (a rebalance it learns of on the way out); an ended
    // session reads nothing more, and must not reopen the admin client it has closed.
    if (this.#ending) return;
    const partitions: TopicPartition[] = [];
    for (const [topic, list] of Object.entries(assignment)) {
      for (const partition of list) partitions.push({ topic, partition });
    }
    // Set synchronously: kafkajs emits GROUP_JOIN before it fetches for the new generation.
    this.#ready = this.#position(consumer, partitions).catch((err: unknown) =>
      this.#fail(unavailable(this.parts.name, 'reading the group’s committed offsets', err)),
    );
  }

  async #position(consumer: Consumer, partitions: readonly TopicPartition[]): Promise<void> {
    const { options } = this.parts;
    const topics = [...new Set(partitions.map((p) => p.topic))];
    const committed =
      topics.length === 0 ? [] : await this.#admin.fetchOffsets({ groupId: options.groupId, topics });
    const seeks = this.#plan.assign(partitions, committed);
    if (consumer !== this.#consumer) return; // replaced meanwhile: its successor positions itself
    for (const seek of seeks) consumer.seek({ ...seek, offset: String(seek.offset) });
    this.#checkDone();
  }

  async #batch(ctx: ConnectorContext, consumer: Consumer, payload: EachBatchPayload): Promise<void> {
    const { batch, resolveOffset, heartbeat, isRunning, isStale } = payload;
    if (this.#ending || consumer !== this.#consumer) return;
    await this.#ready;
    if (this.#ending || !isRunning() || isStale()) return;
    const { streams, decoder, progress, options } = this.parts;
    const { topic, partition } = batch;
    const stream = streams.of(topic, partition);
    const known = progress.known(stream); // re-read after a rebalance or a crash: the engine has it
    const chunks = batchChunks(batch.messages, {
      topic,
      stream,
      known,
      decoder,
      batchSize: options.batchSize,
    });
    for (const chunk of chunks) {
      if (chunk.lastItem !== undefined) {
        this.#delivering = chunk.records;
        try {
          await ctx.deliver({ events: chunk.events, rejected: chunk.rejected });
        } catch (err) {
          this.#fail(err);
          return;
        } finally {
          this.#delivering = undefined;
        }
        progress.delivered(stream, chunk.lastItem, chunk.lastRead);
      } else {
        this.#skipped(topic, partition, chunk.lastRead);
      }
      resolveOffset(String(chunk.lastRead));
      this.#checkDone();
      await heartbeat(); // throws when the group rebalances: kafkajs then rejoins
      if (this.#ending || !isRunning() || isStale()) return;
    }
  }

  #skipped(topic: string, partition: number, lastRead: bigint): void {
    const commit = this.parts.progress.skipped(this.parts.streams.of(topic, partition), lastRead);
    if (commit !== undefined) this.parts.committer.request({ topic, partition, offset: commit });
  }

  #checkDone(): void {
    if (this.#plan.done()) this.end();
  }

  async #watermarks(topics: readonly string[]): Promise<Watermarks> {
    const out: Watermarks = new Map();
    for (const topic of topics) {
      for (const p of await this.#admin.fetchTopicOffsets(topic)) {
        out.set(this.parts.streams.of(topic, p.partition), { low: BigInt(p.low), high: BigInt(p.high) });
      }
    }
    return out;
  }

  #pauseAll(): void {
    try {
      this.#consumer.pause([...this.parts.options.topics.keys()].map((topic) => ({ topic })));
    } catch {
      // Not running yet (the run ended before it joined): nothing to pause.
    }
  }

  #fail(err: unknown): void {
    this.#failure ??= err;
    this.end();
  }
}
