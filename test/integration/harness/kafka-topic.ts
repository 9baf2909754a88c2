/** A topic a test needs. */
export interface KafkaTopicSpec {
  /** Kafka topic name: `[a-zA-Z0-9._-]`, at most 249 characters. */
  readonly name: string;
  /** Number of partitions, 1 to 10000. */
  readonly partitions: number;
}

/** Throws when a topic spec is not one Kafka (and the mock launcher) accepts. */
export function checkTopicSpecs(topics: readonly KafkaTopicSpec[]): void {
  for (const topic of topics) {
    if (!/^[a-zA-Z0-9._-]{1,249}$/.test(topic.name) || topic.name === '.' || topic.name === '..') {
      throw new Error(`Kafka topic name '${topic.name}' must be 1-249 characters of [a-zA-Z0-9._-]`);
    }
    if (!Number.isInteger(topic.partitions) || topic.partitions < 1 || topic.partitions > 10_000) {
      throw new Error(
        `Kafka topic ${topic.name}: partitions must be a whole number from 1 to 10000, got ${topic.partitions}`,
      );
    }
  }
}
