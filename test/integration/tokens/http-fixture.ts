/**
 * The serving process of the token and erasure HTTP tests: the API fixture's product, keys and
 * customers, plus a logger whose every line is kept (to prove no value or token reaches a log).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { REDACTED_PATHS } from '../../../src/api/logger.js';
import { CellarService } from '../../../src/api/service.js';
import { loadConfig } from '../../../src/config/load-config.js';
import { batch, EventBuilder, MemoryConnector } from '../../../src/connectors/memory/memory-connector.js';
import { type TempRuntime, tempRuntime } from '../../support/temp-runtime.js';
import { ADA, authSection, customerSpec, GRACE } from '../../unit/api/api-fixture.js';

export { ADA, bearer, GRACE, KEYS } from '../../unit/api/api-fixture.js';

export interface HttpFixture {
  readonly temp: TempRuntime;
  readonly service: CellarService;
  /** Every log line written so far. */
  readonly logs: string[];
  /** The audit files' text, after flushing the log. */
  auditText(): Promise<string>;
  close(): Promise<void>;
}

export async function openHttpFixture(extraConfig = ''): Promise<HttpFixture> {
  const temp = tempRuntime({
    spec: customerSpec(),
    extraConfig: [authSection(), 'server: { rateLimit: { enabled: false } }', extraConfig].join('\n'),
  });
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(chunk.toString('utf8'));
      done();
    },
  });
  const logger = pino({ level: 'trace', redact: { paths: [...REDACTED_PATHS], censor: '[redacted]' } }, sink);
  const service = await CellarService.open(loadConfig(temp.configFile, {}), { env: {}, logger });
  const e = new EventBuilder('memory/test');
  const connector = new MemoryConnector('customer360/memory', [
    batch(e.create('customers', ADA), e.create('customers', GRACE)),
  ]);
  await service.engine.run([{ product: service.runtime.products.get('customer360'), connector }], {
    follow: false,
  });
  return {
    temp,
    service,
    logs,
    async auditText() {
      await service.audit?.flush();
      const dir = join(temp.dir, 'data', 'audit');
      return readdirSync(dir)
        .filter((f) => f.endsWith('.jsonl'))
        .sort()
        .map((f) => readFileSync(join(dir, f), 'utf8'))
        .join('');
    },
    async close() {
      await service.shutdown();
      temp.cleanup();
    },
  };
}
