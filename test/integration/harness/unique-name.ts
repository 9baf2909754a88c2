import { randomBytes } from 'node:crypto';

/**
 * A fresh lower-case name `<prefix>_<time>_<random>`, valid as a PostgreSQL database or slot name
 * and as a Kafka topic or group id. Tests use it so that runs against long-lived servers
 * (`DATABASE_URL`, `KAFKA_BROKERS`) never meet the leftovers of an earlier run.
 *
 * `prefix` must start with a letter and hold only `a-z`, `0-9` and `_` (at most 40 characters).
 */
export function uniqueName(prefix: string): string {
  if (!/^[a-z][a-z0-9_]{0,39}$/.test(prefix)) {
    throw new Error(`uniqueName: prefix '${prefix}' must match [a-z][a-z0-9_]{0,39}`);
  }
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
}
