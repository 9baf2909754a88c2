import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load-config.js';
import { openRuntime, type Runtime } from '../../src/runtime/runtime.js';

/** A product spec for sync tests: root, entity-column child, parent-routed child and grandchild. */
export const SHOP_SPEC = `
product: shop
version: 1.0.0
title: Shop
owner: tests
description: customers with orders, items and shipments
entity: { name: customer }
tables:
  customers:
    root: true
    primaryKey: [id]
    entityId: id
    columns:
      id: { type: integer }
      name: { type: text, pii: true }
      email: { type: text, pii: true, mask: { default: email } }
  orders:
    primaryKey: [id]
    entityId: customer_id
    columns:
      id: { type: integer }
      customer_id: { type: integer }
      total: { type: decimal, scale: 2 }
      status: { type: text }
  order_items:
    primaryKey: [id]
    parent: { table: orders, key: order_id }
    columns:
      id: { type: integer }
      order_id: { type: integer }
      sku: { type: text }
  shipments:
    primaryKey: [id]
    parent: { table: order_items, key: item_id }
    columns:
      id: { type: integer }
      item_id: { type: integer }
      carrier: { type: text }
access:
  support: { read: true }
`;

export interface TempRuntime {
  readonly dir: string;
  readonly configFile: string;
  open(): Promise<Runtime>;
  cleanup(): void;
}

/** A data directory, config and spec in a fresh temp folder. `open()` may be called repeatedly (restarts). */
export function tempRuntime(
  options: { spec?: string; sync?: Record<string, number>; extraConfig?: string } = {},
): TempRuntime {
  const dir = mkdtempSync(join(tmpdir(), 'cellar-test-'));
  mkdirSync(join(dir, 'products'));
  writeFileSync(join(dir, 'products', 'shop.yaml'), options.spec ?? SHOP_SPEC);
  const sync = Object.entries(options.sync ?? {})
    .map(([k, v]) => `  ${k}: ${v}`)
    .join('\n');
  const configFile = join(dir, 'cellar.yaml');
  writeFileSync(
    configFile,
    [
      'dataDir: ./data',
      'masterKey: { file: ./data/master.key, createIfMissing: true }',
      'products: [./products]',
      sync ? `sync:\n${sync}` : '',
      options.extraConfig ?? '',
    ].join('\n'),
  );
  return {
    dir,
    configFile,
    open: () => openRuntime(loadConfig(configFile, {})),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
