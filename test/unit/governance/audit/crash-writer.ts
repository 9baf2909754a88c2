/**
 * Run as a child process by audit-log.test.ts: appends records to the audit log in argv[2], says
 * how many are durable, then dies by SIGKILL — a crash with no close and no final checkpoint.
 */
import { AuditLog } from '../../../../src/governance/audit/audit-log.js';
import type { AccessFields } from '../../../../src/governance/audit/audit-record.js';

const SEED = new Uint8Array(32).fill(7);
const access = (i: number): AccessFields => ({
  kind: 'access',
  requestId: `crash-${i}`,
  principal: 'support-app',
  roles: ['support'],
  action: 'read',
  outcome: 'allowed',
});

const dir = process.argv[2];
if (dir === undefined) throw new Error('usage: crash-writer.ts DIR');
const log = await AuditLog.open({ dir, signingSeed: SEED, checkpointIntervalMs: 0 });
const records = await Promise.all(Array.from({ length: 25 }, (_, i) => log.append(access(i))));
process.stdout.write(`durable ${records.at(-1)?.seq}\n`);
// Queued but never awaited: may or may not reach the disk before the kill.
void log.append(access(999)).catch(() => {});
process.kill(process.pid, 'SIGKILL');
