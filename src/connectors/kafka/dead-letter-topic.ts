import type { IHeaders, Kafka, Producer } from 'kafkajs';
import { CellarError, type ErrorCode } from '../../errors.js';
import type { TopicPartition } from './stream-names.js';

/** Header names of a dead-letter record (docs/sources.md, "Dead-letter topic"). */
export const DLQ_HEADERS = {
  code: 'cellar-error-code',
  reason: 'cellar-reason',
  topic: 'cellar-origin-topic',
  partition: 'cellar-origin-partition',
  offset: 'cellar-origin-offset',
  /** `record`: the value is the origin record's value, byte for byte; `change-event`: Cellar's JSON of the decoded event. */
  payload: 'cellar-payload',
} as const;

/** One dead letter for the topic. */
export interface DeadLetterRecord {
  readonly origin: TopicPartition & { readonly offset: string };
  readonly code: ErrorCode;
  readonly reason: string;
  readonly key: Buffer | null;
  readonly value: Buffer | string;
  readonly payload: 'record' | 'change-event';
}

/** The dead-letter topic for an origin topic: the template with `{topic}` replaced. */
export function deadLetterTopicFor(template: string, topic: string): string {
  return template.replaceAll('{topic}', topic);
}

/** The headers of a dead-letter record. */
export function deadLetterHeaders(record: DeadLetterRecord): IHeaders {
  return {
    [DLQ_HEADERS.code]: record.code,
    [DLQ_HEADERS.reason]: record.reason,
    [DLQ_HEADERS.topic]: record.origin.topic,
    [DLQ_HEADERS.partition]: String(record.origin.partition),
    [DLQ_HEADERS.offset]: record.origin.offset,
    [DLQ_HEADERS.payload]: record.payload,
  };
}

/**
 * Writes a Kafka source's dead letters to its dead-letter topic(s), one acknowledged produce
 * (`acks: all`) per record, keyed like the origin record so a compacted DLQ keeps one per key.
 * The producer connects on the first dead letter. A failed produce rejects with
 * CELLAR_ERR_SOURCE_UNAVAILABLE, which fails the engine's commit: a dead letter is never
 * dropped silently.
 *
 * Caveat: the producer is not idempotent (librdkafka's mock cluster, used in tests, has no
 * controller for it), so a retried produce may write a dead letter twice.
 */
export class DeadLetterTopic {
  #producer: Promise<Producer> | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly template: string,
    private readonly source: string,
  ) {}

  async send(record: DeadLetterRecord): Promise<void> {
    const topic = deadLetterTopicFor(this.template, record.origin.topic);
    try {
      const producer = await this.#connected();
      await producer.send({
        topic,
        acks: -1,
        messages: [{ key: record.key, value: record.value, headers: deadLetterHeaders(record) }],
      });
    } catch (err) {
      throw new CellarError(
        'CELLAR_ERR_SOURCE_UNAVAILABLE',
        `source ${this.source} could not write a dead letter to Kafka topic ${topic}`,
        {
          cause: err,
          hint: 'check that the topic exists and the source may write to it, or set dlqTopic: false',
        },
      );
    }
  }

  async close(): Promise<void> {
    const producer = this.#producer;
    this.#producer = undefined;
    if (producer) await (await producer.catch(() => undefined))?.disconnect();
  }

  #connected(): Promise<Producer> {
    if (this.#producer) return this.#producer;
    const connecting = (async () => {
      const producer = this.kafka.producer({ idempotent: false });
      await producer.connect();
      return producer;
    })();
    this.#producer = connecting;
    // A failed connect is retried by the next dead letter.
    connecting.catch(() => {
      if (this.#producer === connecting) this.#producer = undefined;
    });
    return connecting;
  }
}
