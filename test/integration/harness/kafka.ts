import { Kafka, logLevel } from 'kafkajs';
import { KafkaMockProcess } from './kafka-mock-process.js';
import { checkTopicSpecs, type KafkaTopicSpec } from './kafka-topic.js';

export type { KafkaTopicSpec } from './kafka-topic.js';

/** What a test asks of its Kafka cluster. */
export interface StartKafkaOptions {
  /** Number of brokers of a mock cluster (default 1); ignored when `KAFKA_BROKERS` is set. */
  readonly brokers?: number;
  /** Topics to create before the cluster is handed out. */
  readonly topics: readonly KafkaTopicSpec[];
}

/** A Kafka-protocol cluster for one test. */
export interface KafkaCluster {
  /** `host:port` of each broker, ready for `new Kafka({ brokers })`. A fresh array per call site. */
  readonly brokers: string[];
  /** Creates more topics on this cluster. */
  createTopics(topics: readonly KafkaTopicSpec[]): Promise<void>;
  /** Stops a mock cluster (its data is gone); a no-op for a `KAFKA_BROKERS` cluster. Idempotent. */
  stop(): Promise<void>;
}

/** Mock clusters started by this process, by their bootstrap list, so createTopics can find them. */
const mocks = new Map<string, KafkaMockProcess>();

/**
 * Starts a Kafka-protocol cluster for a test: librdkafka's mock cluster on 127.0.0.1 (a fresh one
 * per call: starting one is cheap), or, when `KAFKA_BROKERS` is set (comma-separated `host:port`),
 * that cluster, on which the topics are created with the admin API.
 *
 * Caveats of the mock (librdkafka 2.0, see docs/testing.md): it has no controller, so kafkajs
 * calls that go to the controller fail (admin createTopics, deleteTopics, describeConfigs, the
 * idempotent or transactional producer); a consumer group's first join takes ~3 s and each
 * rebalance about the session timeout less 1 s.
 */
export async function startKafka(options: StartKafkaOptions): Promise<KafkaCluster> {
  checkTopicSpecs(options.topics);
  const external = externalBrokers();
  if (external) {
    await createTopics(external, options.topics);
    return {
      brokers: [...external],
      createTopics: (topics) => createTopics(external, topics),
      stop: async () => {},
    };
  }
  const brokerCount = options.brokers ?? 1;
  if (!Number.isInteger(brokerCount) || brokerCount < 1 || brokerCount > 16) {
    throw new Error(`startKafka: brokers must be a whole number from 1 to 16, got ${brokerCount}`);
  }
  const mock = await KafkaMockProcess.start(brokerCount, options.topics);
  const key = mock.brokers.join(',');
  mocks.set(key, mock);
  return {
    brokers: [...mock.brokers],
    createTopics: (topics) => createTopics(mock.brokers, topics),
    stop: async () => {
      mocks.delete(key);
      await mock.stop();
    },
  };
}

/**
 * Creates topics on the cluster at `brokers`: through the launcher for a mock cluster this process
 * started, otherwise with the kafkajs admin API. A topic that already exists is accepted when it
 * has the wanted number of partitions and refused otherwise.
 */
export async function createTopics(
  brokers: readonly string[],
  topics: readonly KafkaTopicSpec[],
): Promise<void> {
  checkTopicSpecs(topics);
  if (topics.length === 0) return;
  const mock = mocks.get(brokers.join(','));
  if (mock) return mock.createTopics(topics);

  const admin = new Kafka({
    clientId: 'cellar-test-harness',
    brokers: [...brokers],
    logLevel: logLevel.NOTHING,
  }).admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((topic) => !existing.has(topic.name));
    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((topic) => ({ topic: topic.name, numPartitions: topic.partitions })),
      });
    }
    const metadata = await admin.fetchTopicMetadata({ topics: topics.map((topic) => topic.name) });
    for (const topic of topics) {
      const found = metadata.topics.find((t) => t.name === topic.name)?.partitions.length ?? 0;
      if (found !== topic.partitions) {
        throw new Error(
          `Kafka topic ${topic.name} on ${brokers.join(',')} has ${found} partition(s), the test wants ` +
            `${topic.partitions}: delete it or use a fresh name (uniqueName())`,
        );
      }
    }
  } catch (err) {
    if (err instanceof Error && /not found in the cached metadata/.test(err.message)) {
      throw new Error(
        `creating Kafka topics on ${brokers.join(',')} failed: the cluster has no controller, as librdkafka's ` +
          'mock cluster has none; create them when starting it (kafka-mock --topic name:partitions)',
        { cause: err },
      );
    }
    throw err;
  } finally {
    await admin.disconnect();
  }
}

/** The brokers named by `KAFKA_BROKERS`, or undefined when it is unset or empty. */
function externalBrokers(): readonly string[] | undefined {
  const brokers = (process.env.KAFKA_BROKERS ?? '')
    .split(',')
    .map((broker) => broker.trim())
    .filter(Boolean);
  return brokers.length > 0 ? brokers : undefined;
}
