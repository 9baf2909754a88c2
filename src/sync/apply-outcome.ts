import { type CellarError, isCellarError } from '../errors.js';
import type { Product, TableDef } from '../product/types.js';
import type { EntityHandle } from '../runtime/entity-handle.js';
import type { EntityKey } from '../store/blob-store.js';
import type { Applier } from './applier.js';
import type { ChangeEvent } from './change-event.js';
import type { ParkingLot } from './parking-lot.js';
import type { SyncStats } from './sync-stats.js';

/** What applying one event came to. */
export type ApplyOutcome =
  | {
      readonly kind: 'applied';
      readonly touched: readonly EntityHandle[];
      readonly released: readonly string[];
    }
  | { readonly kind: 'replay' }
  /** Nothing to do; `unknownRow` when a delete named a row no entity holds (parked events for it are void). */
  | { readonly kind: 'noop'; readonly unknownRow?: string }
  /** Waits for `waitsFor` (a parent row or an entity); `row` is the row the event changes. */
  | { readonly kind: 'park'; readonly waitsFor: string; readonly row?: string }
  | { readonly kind: 'truncate'; readonly table: TableDef }
  /** The event's entity was erased and is suppressed: the event is dropped. Nothing was changed. */
  | { readonly kind: 'suppressed' }
  /** Routes, entities or token-index entries must be loaded first; apply again. Nothing was changed. */
  | {
      readonly kind: 'need';
      readonly rows: readonly string[];
      readonly entities: readonly EntityKey[];
      readonly tokens?: readonly string[];
    };

export interface ApplyOptions {
  /** Re-applying a parked event: its position is older than the entity's watermark. */
  readonly ignoreWatermark?: boolean;
  readonly changeHistoryLimit: number;
}

/** What one try of the applier came to: its outcome, or the error that makes the event a dead letter. */
export type Attempt = ApplyOutcome | { readonly kind: 'error'; readonly error: CellarError };

/** One try of the applier; a CellarError (the event is bad) comes back as an outcome. */
export function attemptApply(
  applier: Applier,
  product: Product,
  event: ChangeEvent,
  options: ApplyOptions,
): Attempt {
  try {
    return applier.apply(product, event, options);
  } catch (err) {
    if (!isCellarError(err)) throw err;
    return { kind: 'error', error: err };
  }
}

/**
 * Counts an outcome that needs nothing awaited — applied with no parked event waiting for what it
 * released, replay, noop, suppressed — and returns true; returns false, doing nothing, for the
 * others (loads, parking, truncates, dead letters, releases), which the engine awaits.
 *
 * Why: most events settle here, and the engine then applies them without a promise and a
 * microtask each.
 */
export function settleNow(
  stats: SyncStats,
  parking: ParkingLot,
  product: Product,
  event: ChangeEvent,
  outcome: Attempt,
): boolean {
  switch (outcome.kind) {
    case 'applied':
      if (outcome.released.some((key) => parking.isWaiting(key))) return false;
      stats.applied += 1;
      stats.lastEventTs.set(product.name, event.ts);
      return true;
    case 'replay':
      stats.replayed += 1;
      return true;
    case 'noop':
      stats.noop += 1;
      if (outcome.unknownRow) stats.parked -= parking.discardRow(outcome.unknownRow);
      return true;
    case 'suppressed':
      stats.suppressed += 1;
      return true;
    default:
      return false;
  }
}
