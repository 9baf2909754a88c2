import type { Keyring } from '../../crypto/keyring.js';
import type { AuditLog } from '../../governance/audit/audit-log.js';
import type { FlushResult } from '../../sync/flusher.js';
import type { SyncEngine } from '../../sync/sync-engine.js';

/**
 * Records every group commit of `engine` in the audit log: one `flush` record with the keyed
 * hashes of the entities written or removed, the events applied since the previous flush, and
 * the source positions committed. The engine awaits the record before it acknowledges the
 * sources, so an acknowledged position always has its record.
 */
export function auditFlushes(engine: SyncEngine, audit: AuditLog, keyring: Keyring): void {
  let appliedBefore = engine.stats.applied;
  engine.onFlush(async (result: FlushResult, positions: ReadonlyMap<string, string>) => {
    const applied = engine.stats.applied;
    const events = Math.max(0, applied - appliedBefore);
    appliedBefore = applied;
    const products = new Set(result.entityIds.map((e) => e.product));
    const [only] = products;
    await audit.append({
      kind: 'flush',
      ...(products.size === 1 && only !== undefined ? { product: only } : {}),
      entities: result.entityIds.map((e) => keyring.hashForAudit(e.product, e.id)),
      events,
      positions: Object.fromEntries(positions),
    });
  });
}
