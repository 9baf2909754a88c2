/**
 * The embedded demo served in-process: the shipped config/ copied into a temp folder (its
 * `dataDir: ../data` then lands there too), rate limiting off, the sample synced to its end by
 * the service's own engine. What `npm start` serves, driven with `app.inject()`.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { CellarService } from '../../../src/api/service.js';
import { loadConfig } from '../../../src/config/load-config.js';
import type { AuditRecord } from '../../../src/governance/audit/audit-record.js';
import { REPO_ROOT } from '../../support/cli.js';

/** The documented demo keys (docs/auth.md). */
export const DEMO_KEYS = {
  support: 'demo-support-key',
  analyst: 'demo-analyst-key',
  dpo: 'demo-dpo-key',
  auditor: 'demo-auditor-key',
} as const;

export interface DemoCopy {
  readonly dir: string;
  readonly configFile: string;
  readonly auditDir: string;
  /** Every audit record on disk, oldest first. */
  auditRecords(): AuditRecord[];
  cleanup(): void;
}

/** Copies config/ into a fresh temp folder, with `server` settings changed as given. */
export function copyDemo(server: Readonly<Record<string, unknown>> = {}): DemoCopy {
  const dir = mkdtempSync(join(tmpdir(), 'cellar-api-'));
  cpSync(join(REPO_ROOT, 'config'), join(dir, 'config'), { recursive: true });
  const configFile = join(dir, 'config', 'cellar.yaml');
  const doc = parseDocument(readFileSync(configFile, 'utf8'));
  for (const [key, value] of Object.entries(server)) doc.setIn(['server', key], value);
  writeFileSync(configFile, doc.toString());
  const auditDir = join(dir, 'data', 'audit');
  return {
    dir,
    configFile,
    auditDir,
    auditRecords() {
      const records: AuditRecord[] = [];
      for (const file of readdirSync(auditDir)
        .filter((f) => f.endsWith('.jsonl'))
        .sort()) {
        for (const line of readFileSync(join(auditDir, file), 'utf8').split('\n')) {
          if (line !== '') records.push(JSON.parse(line) as AuditRecord);
        }
      }
      return records;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** The demo copied, opened and synced to the end of the sample. */
export async function openDemoService(): Promise<{
  demo: DemoCopy;
  service: CellarService;
  close(): Promise<void>;
}> {
  const demo = copyDemo({ rateLimit: { enabled: false } });
  const service = await CellarService.open(loadConfig(demo.configFile, {}), { env: {} });
  service.startSync({ follow: false });
  await service.syncDone();
  if (service.syncState !== 'drained')
    throw new Error(`the demo sample did not sync: ${String(service.syncFailure)}`);
  return {
    demo,
    service,
    async close() {
      await service.shutdown();
      demo.cleanup();
    },
  };
}
