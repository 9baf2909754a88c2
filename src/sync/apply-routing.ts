import type { StoredValue } from '../microdb/column-values.js';
import type { EntityKey } from '../store/blob-store.js';
import type { StoredRow } from './stored-row.js';

/**
 * The applier's working shapes for routing an event to its entity (applier.ts): kept apart so that
 * the applier reads as the steps it takes.
 */

/** The entity an event's row belongs to. */
export interface Target {
  readonly key: EntityKey;
  /** Known when the row names its entity; needed to create one. */
  readonly id?: string;
}

/** What `Applier.prefetchKeys` worked out for an event, kept for `Applier.apply`. */
export interface Prefetched {
  readonly row: StoredRow;
  /** Keyed hash of the row's primary key. */
  readonly rowKey?: string;
  /** Keyed hash of the parent row (a `parent` route) or of the entity (an entity-column route). */
  readonly routeKey?: string;
}

/** A row's primary key before and after the event, and their keyed hashes. */
export interface RowKeys {
  readonly pk: StoredValue[];
  readonly oldPk: StoredValue[];
  readonly rowKey: string;
  readonly oldRowKey: string;
}

/** Where routing led: an entity, a wait for a parent row, a routing-index row to fetch, or nowhere. */
export type Resolved =
  | { readonly kind: 'target'; readonly target: Target }
  | { readonly kind: 'park'; readonly waitsFor: string }
  | { readonly kind: 'need-row'; readonly row: string }
  | { readonly kind: 'none' };
