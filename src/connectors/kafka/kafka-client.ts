import { Kafka, type KafkaConfig, logLevel } from 'kafkajs';
import { CellarError } from '../../errors.js';
import type { KafkaSourceOptions } from './kafka-source-options.js';

/**
 * The kafkajs client of a Kafka source. kafkajs's own logging is off: it writes to the console,
 * which only `src/cli/` may; what matters reaches the caller as errors instead (a crash that
 * kafkajs does not recover from rejects the source's `start`).
 */
export function kafkaClient(options: KafkaSourceOptions): Kafka {
  const config: KafkaConfig = {
    clientId: options.clientId,
    brokers: [...options.brokers],
    logLevel: process.env.KDBG ? logLevel.DEBUG : logLevel.NOTHING,
    ssl: options.ssl,
  };
  const sasl = options.sasl;
  if (sasl === undefined) return new Kafka(config);
  // kafkajs types each mechanism apart; the three share username and password.
  const { username, password } = sasl;
  if (sasl.mechanism === 'plain')
    return new Kafka({ ...config, sasl: { mechanism: 'plain', username, password } });
  if (sasl.mechanism === 'scram-sha-256') {
    return new Kafka({ ...config, sasl: { mechanism: 'scram-sha-256', username, password } });
  }
  return new Kafka({ ...config, sasl: { mechanism: 'scram-sha-512', username, password } });
}

/** Wraps a kafkajs failure as CELLAR_ERR_SOURCE_UNAVAILABLE naming the source and what it was doing. */
export function unavailable(source: string, doing: string, err: unknown): CellarError {
  const detail = err instanceof Error ? `: ${err.message}` : '';
  return new CellarError('CELLAR_ERR_SOURCE_UNAVAILABLE', `source ${source} failed ${doing}${detail}`, {
    cause: err,
    hint: 'check that the brokers are reachable, the topics exist and the credentials are right',
  });
}
