/** A partition of a topic. */
export interface TopicPartition {
  readonly topic: string;
  readonly partition: number;
}

/**
 * Names the streams of a Kafka source, one per partition: `<prefix>/<topic>/<partition>` where
 * the prefix is `<product>/<source>` (see `KafkaSourceOptions.streamPrefix`). Topic names cannot
 * hold `/`, so a name parses back unambiguously.
 */
export class StreamNames {
  readonly #names = new Map<string, string>();

  constructor(readonly prefix: string) {}

  /** The stream of a partition. */
  of(topic: string, partition: number): string {
    const key = `${topic}\0${partition}`;
    let name = this.#names.get(key);
    if (name === undefined) {
      name = `${this.prefix}/${topic}/${partition}`;
      this.#names.set(key, name);
    }
    return name;
  }

  /** The partition a stream of this source names, or `undefined` for another source's stream. */
  parse(stream: string): TopicPartition | undefined {
    if (!stream.startsWith(`${this.prefix}/`)) return undefined;
    const rest = stream.slice(this.prefix.length + 1).split('/');
    if (rest.length !== 2) return undefined;
    const [topic = '', partition = ''] = rest;
    if (topic === '' || !/^(0|[1-9][0-9]{0,8})$/.test(partition)) return undefined;
    return { topic, partition: Number(partition) };
  }
}

/** A position token of a Kafka stream (a decimal offset) as a bigint, or `undefined` if it is not one. */
export function offsetOf(token: string | undefined): bigint | undefined {
  return token !== undefined && /^(0|[1-9][0-9]*)$/.test(token) ? BigInt(token) : undefined;
}
