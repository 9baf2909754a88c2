/**
 * A serving process for API tests: a temp data directory with the demo product's spec (without
 * its file source), a few customers synced through the real engine from memory, the demo API
 * keys, audit on, and the app built by CellarService (runtime → masking → sync → audit → app).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hashApiKey } from '../../../src/api/auth/api-keys.js';
import { CellarService } from '../../../src/api/service.js';
import { loadConfig } from '../../../src/config/load-config.js';
import { batch, EventBuilder, MemoryConnector } from '../../../src/connectors/memory/memory-connector.js';
import type { AuditRecord } from '../../../src/governance/audit/audit-record.js';
import { REPO_ROOT } from '../../support/cli.js';
import { type TempRuntime, tempRuntime } from '../../support/temp-runtime.js';

/** The demo keys and the role each holds (docs/auth.md). */
export const KEYS = {
  support: 'demo-support-key',
  analyst: 'demo-analyst-key',
  dpo: 'demo-dpo-key',
  auditor: 'demo-auditor-key',
} as const;

export const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

/** The customer360 spec as shipped, minus its sources (tests feed the engine from memory). */
export function customerSpec(): string {
  const text = readFileSync(join(REPO_ROOT, 'config/products/customer360.yaml'), 'utf8');
  const start = text.indexOf('\nsources:');
  const end = text.indexOf('\naccess:');
  return text.slice(0, start) + text.slice(end);
}

export const ADA = {
  id: 1001,
  first_name: 'Ada',
  last_name: 'Lovelace',
  email: 'ada.lovelace@example.com',
  ssn: '078-05-1120',
  phone: '+44 20 7946 0018',
  birth_date: '1815-12-10',
  created_at: '2015-08-06T19:30:10.183411',
};

export const GRACE = {
  id: 1002,
  first_name: 'Grace',
  last_name: 'Hopper',
  email: 'grace.hopper@example.org',
  ssn: '123-45-6789',
  phone: '+1 212 555 0129',
  birth_date: '1906-12-09',
  created_at: '2016-01-01T00:00:00.000000',
};

/** Ada's orders and items, as synced. */
export const ADA_ORDERS = [
  {
    id: 10001,
    customer_id: 1001,
    total: '408.34',
    status: 'delivered',
    placed_at: '2020-04-23T19:45:33.303345',
  },
  { id: 10002, customer_id: 1001, total: '162.63', status: 'paid', placed_at: '2021-08-13T08:25:36.327761' },
  {
    id: 10003,
    customer_id: 1001,
    total: '186.73',
    status: 'shipped',
    placed_at: '2023-03-09T02:34:24.422541',
  },
];
export const ADA_ITEMS = [
  { id: 100001, order_id: 10001, sku: 'SKU-20952', qty: 2 },
  { id: 100002, order_id: 10002, sku: 'SKU-19594', qty: 4 },
];

export function authSection(): string {
  const entry = (name: string, key: string, role: string) =>
    `    - { name: ${name}, hash: "${hashApiKey(key)}", roles: [${role}] }`;
  return [
    'auth:',
    '  apiKeys:',
    entry('demo-support', KEYS.support, 'support'),
    entry('demo-analyst', KEYS.analyst, 'analyst'),
    entry('demo-dpo', KEYS.dpo, 'dpo'),
    entry('demo-auditor', KEYS.auditor, 'auditor'),
    entry('demo-nobody', 'no-role-key', 'stranger'),
  ].join('\n');
}

export interface ApiFixture {
  readonly temp: TempRuntime;
  readonly service: CellarService;
  /** Audit records on disk, oldest first (after flushing the log). */
  auditRecords(): Promise<AuditRecord[]>;
  close(): Promise<void>;
}

/** Opens the service over a fresh temp directory and syncs Ada and Grace into it. */
export async function openApiFixture(extraConfig = ''): Promise<ApiFixture> {
  const temp = tempRuntime({
    spec: customerSpec(),
    extraConfig: [authSection(), 'server: { rateLimit: { enabled: false } }', extraConfig].join('\n'),
  });
  const service = await CellarService.open(loadConfig(temp.configFile, {}), { env: {} });
  const e = new EventBuilder('memory/test');
  const product = service.runtime.products.get('customer360');
  const connector = new MemoryConnector('customer360/memory', [
    batch(
      e.create('customers', ADA),
      e.create('customers', GRACE),
      ...ADA_ORDERS.map((o) => e.create('orders', o)),
      ...ADA_ITEMS.map((i) => e.create('order_items', i)),
    ),
  ]);
  await service.engine.run([{ product, connector }], { follow: false });
  const auditDir = join(temp.dir, 'data', 'audit');
  return {
    temp,
    service,
    async auditRecords() {
      await service.audit?.flush();
      const records: AuditRecord[] = [];
      for (const file of readdirSync(auditDir)
        .filter((f) => f.endsWith('.jsonl'))
        .sort()) {
        const text = readFileSync(join(auditDir, file), 'utf8');
        for (const line of text.split('\n')) if (line !== '') records.push(JSON.parse(line) as AuditRecord);
      }
      return records;
    },
    async close() {
      await service.shutdown();
      temp.cleanup();
    },
  };
}
