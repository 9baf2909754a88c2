import { CellarError } from '../../errors.js';
import type { Product, SourceDef } from '../../product/types.js';
import { pgSourceOptions } from './cdc-options.js';
import { withClient } from './pg-session.js';
import { dropPublication } from './publication.js';
import { dropSlot } from './replication-slot.js';

/** What `cellar source drop-slot` did. */
export interface DropSlotResult {
  readonly slot: string;
  readonly slotDropped: boolean;
  readonly publication: string;
  /** `kept`: the publication was not created by Cellar, so it is left alone. */
  readonly publicationOutcome: 'dropped' | 'kept' | 'absent';
}

/**
 * Removes a `postgres-cdc` source's replication slot (so the server stops keeping WAL for it) and
 * the publication, if Cellar created it. Waits briefly for a WAL sender still holding the slot;
 * throws CELLAR_ERR_SOURCE_UNAVAILABLE if a running sync keeps it.
 *
 * Caveat: the stored position stays; the next sync of the source finds no slot and takes a new
 * snapshot (emptying the source's tables in every entity first).
 */
export async function dropSourceSlot(product: Product, source: SourceDef): Promise<DropSlotResult> {
  if (source.type !== 'postgres-cdc') {
    throw new CellarError(
      'CELLAR_ERR_SOURCE_CONFIG',
      `source ${product.name}/${source.name} has type ${source.type}; only postgres-cdc sources have a slot`,
    );
  }
  const options = pgSourceOptions(product, source);
  return withClient(options.url, options.where, async (client) => {
    const slotDropped = await dropSlot(client, options.slot, options.where);
    const publication = await dropPublication(client, options);
    return {
      slot: options.slot,
      slotDropped,
      publication: options.publication,
      publicationOutcome: publication,
    };
  });
}
