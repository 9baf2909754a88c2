import { CellarError } from '../../errors.js';
import type { Product, SourceDef } from '../../product/types.js';
import type { DebeziumFormat } from '../debezium/decode.js';
import { type OptionReader, optionReader } from './option-reader.js';

/** Consumer-group session timeout, ms (Kafka's own default is 45 s; brokers accept 6 s–30 min). */
export const DEFAULT_KAFKA_SESSION_TIMEOUT_MS = 30_000;
/** How long a rebalance waits for members to rejoin, ms. */
export const DEFAULT_KAFKA_REBALANCE_TIMEOUT_MS = 60_000;
/** Heartbeat interval, ms; must be below the session timeout. */
export const DEFAULT_KAFKA_HEARTBEAT_INTERVAL_MS = 3_000;
/** Most items (events plus rejected records) handed to the engine per delivery. */
export const DEFAULT_KAFKA_BATCH_SIZE = 1_000;
/** The dead-letter topic of each topic; `{topic}` is replaced by the origin topic. */
export const DEFAULT_KAFKA_DLQ_TOPIC = '{topic}.dlq';

export type SaslMechanism = 'plain' | 'scram-sha-256' | 'scram-sha-512';

export interface KafkaSasl {
  readonly mechanism: SaslMechanism;
  readonly username: string;
  readonly password: string;
}

/** The settings of a `kafka` source, checked (docs/sources.md, "Kafka source"). */
export interface KafkaSourceOptions {
  /** `host:port` of the bootstrap brokers. */
  readonly brokers: readonly string[];
  /** How each record value is encoded. Default `debezium`. */
  readonly format: DebeziumFormat;
  /** Topic → product table; the consumer subscribes to every topic named here. */
  readonly topics: ReadonlyMap<string, string>;
  /**
   * Source table (`schema.table` or `table`) → product table, for topics that carry several
   * tables: a record naming its source table is routed by this map alone (see `kafkaTableFor`).
   */
  readonly sourceTables: ReadonlyMap<string, string> | undefined;
  /** Consumer group. Default `cellar.<product>.<source>`. */
  readonly groupId: string;
  /** Client id sent to the brokers. Default `cellar-<product>-<source>`. */
  readonly clientId: string;
  /** Where a partition without committed offset or stored position starts. Default true (earliest). */
  readonly fromBeginning: boolean;
  /** Dead-letter topic template (`{topic}` = origin topic), or null to keep dead letters in the store only. */
  readonly dlqTopic: string | null;
  readonly sessionTimeoutMs: number;
  readonly rebalanceTimeoutMs: number;
  readonly heartbeatIntervalMs: number;
  readonly batchSize: number;
  /** TLS to the brokers (system CAs). Default false. */
  readonly ssl: boolean;
  readonly sasl: KafkaSasl | undefined;
  /**
   * `<product>/<source>`: the prefix of this source's stream names. Sources of one product that
   * share a consumer group (same brokers and groupId) share their streams, named after the first
   * of them by name, because a partition's position belongs to the group, not to the member that
   * happens to own it: then a partition moving between them is resumed, and de-duplicated by the
   * engine's per-stream watermarks, exactly.
   */
  readonly streamPrefix: string;
}

const FORMATS: readonly DebeziumFormat[] = ['debezium', 'debezium-unwrapped'];
const MECHANISMS: readonly SaslMechanism[] = ['plain', 'scram-sha-256', 'scram-sha-512'];
const BROKER = /^[A-Za-z0-9._-]+:[0-9]{1,5}$|^\[[0-9A-Fa-f:.]+\]:[0-9]{1,5}$/;
const TOPIC = /^[A-Za-z0-9._-]{1,249}$/;

/**
 * Reads and checks the options of a `kafka` source. Throws CELLAR_ERR_SOURCE_CONFIG naming the
 * product, the source and the option at fault.
 */
export function kafkaSourceOptions(product: Product, source: SourceDef): KafkaSourceOptions {
  const where = `source ${product.name}/${source.name}`;
  if (source.type !== 'kafka') {
    throw new CellarError('CELLAR_ERR_SOURCE_CONFIG', `${where} has type ${source.type}, not kafka`);
  }
  const read = optionReader(where, source.options);
  const brokers = readBrokers(where, source.options.brokers);
  const groupId = read.text('groupId') ?? `cellar.${product.name}.${source.name}`;
  const sessionTimeoutMs = read.integer('sessionTimeoutMs', 1_000) ?? DEFAULT_KAFKA_SESSION_TIMEOUT_MS;
  const heartbeatIntervalMs = read.integer('heartbeatIntervalMs', 100) ?? DEFAULT_KAFKA_HEARTBEAT_INTERVAL_MS;
  if (heartbeatIntervalMs >= sessionTimeoutMs) {
    throw new CellarError(
      'CELLAR_ERR_SOURCE_CONFIG',
      `${where}: heartbeatIntervalMs (${heartbeatIntervalMs}) must be below sessionTimeoutMs (${sessionTimeoutMs})`,
      { hint: 'a third of the session timeout is usual' },
    );
  }
  return Object.freeze({
    brokers,
    format: readFormat(where, read),
    topics: readTopics(where, product, source),
    sourceTables: readSourceTables(where, product, source.options.sourceTables),
    groupId,
    clientId: read.text('clientId') ?? `cellar-${product.name}-${source.name}`,
    fromBeginning: read.boolean('fromBeginning') ?? true,
    dlqTopic: readDlqTopic(where, source.options.dlqTopic),
    sessionTimeoutMs,
    rebalanceTimeoutMs: read.integer('rebalanceTimeoutMs', 1_000) ?? DEFAULT_KAFKA_REBALANCE_TIMEOUT_MS,
    heartbeatIntervalMs,
    batchSize: read.integer('batchSize', 1) ?? DEFAULT_KAFKA_BATCH_SIZE,
    ssl: read.boolean('ssl') ?? false,
    sasl: readSasl(where, source.options.sasl),
    streamPrefix: `${product.name}/${groupLead(product, source, brokers, groupId)}`,
  });
}

function readBrokers(where: string, raw: unknown): readonly string[] {
  const list = typeof raw === 'string' ? raw.split(',') : Array.isArray(raw) ? raw : undefined;
  const brokers = list?.map((b) => (typeof b === 'string' ? b.trim() : '')).filter((b) => b !== '');
  if (brokers === undefined || brokers.length === 0) {
    throw new CellarError('CELLAR_ERR_SOURCE_CONFIG', `${where}: option brokers is missing or empty`, {
      // biome-ignore lint/suspicious/noTemplateCurlyInString: spec syntax, not a template
      hint: 'give host:port pairs, comma-separated or as a list, e.g. brokers: "${KAFKA_BROKERS}"',
    });
  }
  for (const broker of brokers) {
    if (!BROKER.test(broker)) {
      throw new CellarError(
        'CELLAR_ERR_SOURCE_CONFIG',
        `${where}: broker ${JSON.stringify(broker)} is not host:port`,
        { hint: 'a broker is host:port, e.g. kafka:9092 or 127.0.0.1:9092' },
      );
    }
  }
  return Object.freeze([...brokers]);
}

function readFormat(where: string, read: OptionReader): DebeziumFormat {
  const format = read.text('format') ?? 'debezium';
  if (!FORMATS.includes(format as DebeziumFormat)) {
    throw new CellarError(
      'CELLAR_ERR_SOURCE_CONFIG',
      `${where}: option format must be one of ${FORMATS.join(', ')}, got ${JSON.stringify(format)}`,
    );
  }
  return format as DebeziumFormat;
}

function readTopics(where: string, product: Product, source: SourceDef): ReadonlyMap<string, string> {
  if (source.tables.size === 0) {
    throw new CellarError('CELLAR_ERR_SOURCE_CONFIG', `${where}: topics is missing or empty`, {
      hint: 'map each Kafka topic to a product table, e.g. topics: { crm.public.customers: customers }',
    });
  }
  for (const [topic, table] of source.tables) {
    if (!TOPIC.test(topic)) {
      throw new CellarError(
        'CELLAR_ERR_SOURCE_CONFIG',
        `${where}: ${JSON.stringify(topic)} is not a Kafka topic name (1–249 of A-Z a-z 0-9 . _ -)`,
      );
    }
    if (!product.tablesByName.has(table)) {
      throw new CellarError(
        'CELLAR_ERR_SOURCE_CONFIG',
        `${where}: topics maps ${topic} to ${table}, which is not a table of the product`,
      );
    }
  }
  return source.tables;
}

function readSourceTables(
  where: string,
  product: Product,
  raw: unknown,
): ReadonlyMap<string, string> | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw) || Object.keys(raw).length === 0) {
    throw new CellarError(
      'CELLAR_ERR_SOURCE_CONFIG',
      `${where}: option sourceTables must map source tables to product tables`,
      { hint: 'e.g. sourceTables: { public.customers: customers, public.orders: orders }' },
    );
  }
  const map = new Map<string, string>();
  for (const [from, to] of Object.entries(raw)) {
    if (typeof to !== 'string' || !product.tablesByName.has(to)) {
      throw new CellarError(
        'CELLAR_ERR_SOURCE_CONFIG',
        `${where}: sourceTables maps ${from} to ${JSON.stringify(to)}, which is not a table of the product`,
      );
    }
    map.set(from, to);
  }
  return map;
}

function readDlqTopic(where: string, raw: unknown): string | null {
  if (raw === false) return null;
  if (raw === undefined) return DEFAULT_KAFKA_DLQ_TOPIC;
  const sample = typeof raw === 'string' ? raw.replaceAll('{topic}', 'x') : '';
  if (!TOPIC.test(sample)) {
    throw new CellarError(
      'CELLAR_ERR_SOURCE_CONFIG',
      `${where}: option dlqTopic must be false or a topic name (may use {topic}), got ${JSON.stringify(raw)}`,
    );
  }
  return raw as string;
}

function readSasl(where: string, raw: unknown): KafkaSasl | undefined {
  if (raw === undefined) return undefined;
  const read = optionReader(`${where}: sasl`, typeof raw === 'object' && raw !== null ? raw : {});
  const mechanism = read.text('mechanism');
  const username = read.text('username');
  const password = read.text('password');
  if (typeof raw !== 'object' || raw === null || mechanism === undefined || !username || !password) {
    throw new CellarError(
      'CELLAR_ERR_SOURCE_CONFIG',
      `${where}: option sasl needs mechanism, username and password`,
      // biome-ignore lint/suspicious/noTemplateCurlyInString: spec syntax, not a template
      { hint: 'e.g. sasl: { mechanism: scram-sha-512, username: cellar, password: "${KAFKA_PASSWORD}" }' },
    );
  }
  if (!MECHANISMS.includes(mechanism as SaslMechanism)) {
    throw new CellarError(
      'CELLAR_ERR_SOURCE_CONFIG',
      `${where}: sasl.mechanism must be one of ${MECHANISMS.join(', ')}, got ${JSON.stringify(mechanism)}`,
    );
  }
  return Object.freeze({ mechanism: mechanism as SaslMechanism, username, password });
}

/** The first (by name) of the product's kafka sources in this source's consumer group. */
function groupLead(product: Product, source: SourceDef, brokers: readonly string[], groupId: string): string {
  const cluster = [...brokers].sort().join(',');
  let lead = source.name;
  for (const other of product.sources) {
    if (other.type !== 'kafka' || other.name >= lead) continue;
    const otherGroup =
      typeof other.options.groupId === 'string'
        ? other.options.groupId
        : `cellar.${product.name}.${other.name}`;
    if (otherGroup !== groupId) continue;
    let otherBrokers: readonly string[];
    try {
      otherBrokers = readBrokers('', other.options.brokers);
    } catch {
      continue; // that source reports its own options when it is created
    }
    if ([...otherBrokers].sort().join(',') === cluster) lead = other.name;
  }
  return lead;
}
