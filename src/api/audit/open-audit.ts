import { auditEnabled, auditSettings } from '../../governance/audit/audit-config.js';
import { AuditLog } from '../../governance/audit/audit-log.js';
import type { Runtime } from '../../runtime/runtime.js';

/**
 * Opens the audit log a runtime's configuration asks for (`audit` section; docs/audit.md), signed
 * with the key store's `system:audit-signing` key; undefined when `audit.enabled` is false.
 *
 * Caveat: one writer per audit directory — a second process serving the same data directory
 * gets CELLAR_ERR_AUDIT_LOCKED.
 */
export async function openAuditLog(runtime: Runtime): Promise<AuditLog | undefined> {
  if (!auditEnabled(runtime.config)) return undefined;
  const settings = auditSettings(runtime.config);
  const seed = await runtime.keyring.auditSigningSeed();
  try {
    return await AuditLog.open({
      dir: settings.dir,
      signingSeed: seed,
      ...(settings.checkpointEvery === undefined ? {} : { checkpointEvery: settings.checkpointEvery }),
      ...(settings.checkpointIntervalMs === undefined
        ? {}
        : { checkpointIntervalMs: settings.checkpointIntervalMs }),
      ...(settings.rotateBytes === undefined ? {} : { rotateBytes: settings.rotateBytes }),
      ...(settings.groupCommitMs === undefined ? {} : { groupCommitMs: settings.groupCommitMs }),
    });
  } finally {
    // The log derived its signer from the seed while opening; it keeps no reference to it.
    seed.dispose();
  }
}
