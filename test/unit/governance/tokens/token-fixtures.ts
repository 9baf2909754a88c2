import { MemoryConnector } from '../../../../src/connectors/memory/memory-connector.js';
import { openSync } from '../../../../src/runtime/open-sync.js';
import type { Runtime } from '../../../../src/runtime/runtime.js';
import type { ChangeBatch } from '../../../../src/sync/change-event.js';
import type { SyncEngine } from '../../../../src/sync/sync-engine.js';
import { type TempRuntime, tempRuntime } from '../../../support/temp-runtime.js';

/**
 * A product with every kind of tokenized column: format-preserving (ssn), format-preserving and
 * deterministic (card), opaque (note), opaque and deterministic on a child table (iban), and a
 * parent-routed grandchild with a token of its own (cards.pan) to follow rows moving between
 * entities.
 */
export const BANK_SPEC = `
product: bank
version: 1.0.0
title: Bank
owner: tests
description: customers with accounts and cards
entity: { name: customer }
tables:
  customers:
    root: true
    primaryKey: [id]
    entityId: id
    columns:
      id: { type: integer }
      name: { type: text, pii: true }
      ssn: { type: text, pii: true, tokenize: format-preserving, mask: { clerk: redact } }
      card: { type: text, pii: true, tokenize: format-preserving, deterministic: true }
      note: { type: text, tokenize: opaque }
  accounts:
    primaryKey: [id]
    entityId: customer_id
    columns:
      id: { type: integer }
      customer_id: { type: integer }
      iban: { type: text, pii: true, tokenize: opaque, deterministic: true }
  cards:
    primaryKey: [id]
    parent: { table: accounts, key: account_id }
    columns:
      id: { type: integer }
      account_id: { type: integer }
      pan: { type: text, pii: true, tokenize: format-preserving }
access:
  clerk: { read: true, mask: clerk }
  viewer: { read: true }
  dpo: { read: true, clear: true, detokenize: true, erase: true }
  detokenizer: { detokenize: true }
`;

/** A temp data directory holding the bank product. */
export function bankRuntime(extraConfig?: string): TempRuntime {
  return tempRuntime({ spec: BANK_SPEC, ...(extraConfig === undefined ? {} : { extraConfig }) });
}

/** Syncs `batches` through a fresh engine of `runtime` (source `test`), then returns the engine. */
export async function syncInto(
  runtime: Runtime,
  batches: readonly ChangeBatch[],
  name = 'test',
): Promise<SyncEngine> {
  const { engine } = await openSync(runtime);
  await engine.run(
    [{ product: runtime.products.get('bank'), connector: new MemoryConnector(name, batches) }],
    {
      follow: false,
    },
  );
  return engine;
}

export const ADA = {
  id: 1,
  name: 'Ada',
  ssn: '078-05-1120',
  card: '4539 1488 0343 6467',
  note: 'vip since 1843',
};
export const BOB = { id: 2, name: 'Bob', ssn: '219-09-9999', card: '4539 1488 0343 6467', note: 'new' };
