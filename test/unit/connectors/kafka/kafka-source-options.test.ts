import { describe, expect, it } from 'vitest';
import {
  DEFAULT_KAFKA_BATCH_SIZE,
  DEFAULT_KAFKA_SESSION_TIMEOUT_MS,
  kafkaSourceOptions,
} from '../../../../src/connectors/kafka/kafka-source-options.js';
import { isCellarError } from '../../../../src/errors.js';
import type { SourceDef } from '../../../../src/product/types.js';
import { testProduct } from '../test-product.js';

const kafka = (
  options: Record<string, unknown>,
  name = 'events',
  topics: Record<string, string> = { 'crm.public.customers': 'customers' },
): SourceDef => ({
  name,
  type: 'kafka',
  tables: new Map(Object.entries(topics)),
  options: { brokers: 'k1:9092, k2:9092', ...options },
});

function configError(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(isCellarError(err, 'CELLAR_ERR_SOURCE_CONFIG')).toBe(true);
    return (err as Error).message;
  }
  throw new Error('expected CELLAR_ERR_SOURCE_CONFIG');
}

describe('kafkaSourceOptions', () => {
  it('fills documented defaults', () => {
    const source = kafka({});
    const options = kafkaSourceOptions(testProduct([source]), source);
    expect(options).toMatchObject({
      brokers: ['k1:9092', 'k2:9092'],
      format: 'debezium',
      groupId: 'cellar.customer360.events',
      clientId: 'cellar-customer360-events',
      fromBeginning: true,
      dlqTopic: '{topic}.dlq',
      sessionTimeoutMs: DEFAULT_KAFKA_SESSION_TIMEOUT_MS,
      batchSize: DEFAULT_KAFKA_BATCH_SIZE,
      ssl: false,
      sasl: undefined,
      sourceTables: undefined,
      streamPrefix: 'customer360/events',
    });
    expect(Object.isFrozen(options)).toBe(true);
  });

  it('reads options given as text (as an interpolated variable is), a broker list, and dlqTopic: false', () => {
    const source = kafka({
      brokers: ['a:1', 'b:2'],
      sessionTimeoutMs: '6000',
      heartbeatIntervalMs: 500,
      fromBeginning: 'false',
      dlqTopic: false,
      format: 'debezium-unwrapped',
      sasl: { mechanism: 'scram-sha-512', username: 'cellar', password: 'secret' },
      sourceTables: { 'public.orders': 'orders' },
    });
    const options = kafkaSourceOptions(testProduct([source]), source);
    expect(options.sourceTables).toEqual(new Map([['public.orders', 'orders']]));
    expect(options).toMatchObject({
      brokers: ['a:1', 'b:2'],
      sessionTimeoutMs: 6000,
      heartbeatIntervalMs: 500,
      fromBeginning: false,
      dlqTopic: null,
      format: 'debezium-unwrapped',
      sasl: { mechanism: 'scram-sha-512', username: 'cellar', password: 'secret' },
    });
  });

  it('names the option at fault', () => {
    const product = testProduct();
    expect(configError(() => kafkaSourceOptions(product, kafka({ brokers: '' })))).toMatch(
      /option brokers is missing/,
    );
    expect(configError(() => kafkaSourceOptions(product, kafka({ brokers: 'kafka' })))).toMatch(
      /broker "kafka" is not host:port/,
    );
    expect(configError(() => kafkaSourceOptions(product, kafka({ format: 'avro' })))).toMatch(
      /option format must be one of/,
    );
    expect(configError(() => kafkaSourceOptions(product, kafka({ batchSize: 0 })))).toMatch(
      /option batchSize must be a whole number ≥ 1/,
    );
    expect(
      configError(() =>
        kafkaSourceOptions(product, kafka({ sessionTimeoutMs: 3000, heartbeatIntervalMs: 3000 })),
      ),
    ).toMatch(/heartbeatIntervalMs \(3000\) must be below sessionTimeoutMs/);
    expect(configError(() => kafkaSourceOptions(product, kafka({ dlqTopic: 'bad topic' })))).toMatch(
      /option dlqTopic/,
    );
    expect(configError(() => kafkaSourceOptions(product, kafka({ sasl: { mechanism: 'plain' } })))).toMatch(
      /sasl needs/,
    );
    expect(
      configError(() =>
        kafkaSourceOptions(product, kafka({ sasl: { mechanism: 'gssapi', username: 'u', password: 'p' } })),
      ),
    ).toMatch(/sasl.mechanism must be one of/);
    expect(
      configError(() => kafkaSourceOptions(product, kafka({}, 'events', { 'crm.x': 'invoices' }))),
    ).toMatch(/maps crm.x to invoices, which is not a table/);
    expect(configError(() => kafkaSourceOptions(product, kafka({}, 'events', {})))).toMatch(
      /topics is missing/,
    );
  });

  it('shares stream names between the sources of one consumer group, named after the first by name', () => {
    const shared = { groupId: 'cellar.shared' };
    const b = kafka(shared, 'b');
    const a = kafka({ ...shared, brokers: 'k2:9092,k1:9092' }, 'a');
    const other = kafka({ groupId: 'cellar.shared', brokers: 'elsewhere:9092' }, 'aa');
    const alone = kafka({}, 'c');
    const product = testProduct([b, alone, a, other]);
    expect(kafkaSourceOptions(product, b).streamPrefix).toBe('customer360/a');
    expect(kafkaSourceOptions(product, a).streamPrefix).toBe('customer360/a');
    expect(kafkaSourceOptions(product, other).streamPrefix).toBe('customer360/aa');
    expect(kafkaSourceOptions(product, alone).streamPrefix).toBe('customer360/c');
  });
});
