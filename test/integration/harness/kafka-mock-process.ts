import { type ChildProcess, spawn } from 'node:child_process';
import { ensureNativeBuilt, KAFKA_MOCK_PATH } from '../../setup/system-probe.mjs';
import { closeAndWait, detach, OutputTail } from './child-process.js';
import type { KafkaTopicSpec } from './kafka-topic.js';
import { LineReader } from './line-reader.js';

/** How long the launcher may take to print its bootstrap line or answer a command, in milliseconds. */
export const KAFKA_MOCK_REPLY_TIMEOUT_MS = 15_000;

/**
 * One running `native/build/kafka-mock`: librdkafka's mock Kafka cluster on 127.0.0.1, started
 * with a stdin pipe so that it stops when this process exits or dies. Builds the launcher first
 * when it is missing or older than its source.
 */
export class KafkaMockProcess {
  /** `host:port` of each mock broker. */
  readonly brokers: readonly string[];
  readonly #child: ChildProcess;
  readonly #lines: LineReader;
  readonly #stderr: OutputTail;
  #commands: Promise<unknown> = Promise.resolve();

  private constructor(
    child: ChildProcess,
    lines: LineReader,
    stderr: OutputTail,
    brokers: readonly string[],
  ) {
    this.#child = child;
    this.#lines = lines;
    this.#stderr = stderr;
    this.brokers = brokers;
  }

  /** Starts a cluster of `brokerCount` brokers with `topics` created. */
  static async start(brokerCount: number, topics: readonly KafkaTopicSpec[]): Promise<KafkaMockProcess> {
    ensureNativeBuilt();
    const args = ['--brokers', String(brokerCount)];
    for (const topic of topics) args.push('--topic', `${topic.name}:${topic.partitions}`);
    const child = spawn(KAFKA_MOCK_PATH, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const stderr = new OutputTail(child.stderr);
    const lines = new LineReader(child.stdout!);
    const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
    detach(child);
    const first = await Promise.race([
      lines.next(KAFKA_MOCK_REPLY_TIMEOUT_MS).catch((err: Error) => err),
      spawnError,
    ]);
    if (typeof first !== 'string' || !first.startsWith('BOOTSTRAP=')) {
      await closeAndWait(child);
      const why =
        first instanceof Error ? first.message : `it printed ${JSON.stringify(first ?? '(nothing)')}`;
      throw new Error(
        `the Kafka mock cluster did not start: ${why}${stderr.text() ? `\n${stderr.text()}` : ''}`,
      );
    }
    const brokers = first.slice('BOOTSTRAP='.length).split(',').filter(Boolean);
    return new KafkaMockProcess(child, lines, stderr, brokers);
  }

  /** Creates topics on the running cluster (clients cannot: the mock has no controller broker). */
  createTopics(topics: readonly KafkaTopicSpec[]): Promise<void> {
    const run = this.#commands.then(async () => {
      for (const topic of topics) {
        this.#child.stdin!.write(`topic ${topic.name}:${topic.partitions}\n`);
        const reply = await this.#lines.next(KAFKA_MOCK_REPLY_TIMEOUT_MS);
        if (reply !== 'OK') {
          throw new Error(
            `the Kafka mock cluster could not create topic ${topic.name} with ${topic.partitions} partition(s): ` +
              `${reply ?? 'it exited'}${this.#stderr.text() ? `\n${this.#stderr.text()}` : ''}`,
          );
        }
      }
    });
    this.#commands = run.catch(() => {});
    return run;
  }

  /** Stops the cluster and waits for the launcher to exit. Idempotent. */
  stop(): Promise<void> {
    return closeAndWait(this.#child);
  }
}
