import type {} from 'vitest';
import type { TestProject } from 'vitest/node';
import { startPostgres } from '../integration/harness/postgres.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /**
     * Superuser URL of the run's one PostgreSQL server (`postgres` database). Tests call
     * `createDatabase(inject('databaseUrl'), uniqueName('…'))` to get a database of their own.
     */
    databaseUrl: string;
  }
}

/**
 * Starts the integration tests' shared PostgreSQL server (or takes `DATABASE_URL`) and provides
 * its URL as `inject('databaseUrl')`. Returns the teardown that stops it. Kafka clusters are cheap,
 * so each test starts its own with `startKafka()`.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const postgres = await startPostgres();
  project.provide('databaseUrl', postgres.url);
  return () => postgres.stop();
}
