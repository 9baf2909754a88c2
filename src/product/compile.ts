import { dirname, resolve } from 'node:path';
import { deepFreeze } from '../config/deep-freeze.js';
import { CellarError } from '../errors.js';
import { tableDdl } from './ddl.js';
import { frozenMap } from './frozen-map.js';
import type { LoadedSpec } from './load-spec.js';
import { buildMaskPlans } from './mask-plan.js';
import { parseMask } from './parse-mask.js';
import type { ColumnSpec, ProductSpec, SourceSpec, TableSpec } from './spec-schema.js';
import type { AccessRule, ColumnDef, EntityRoute, MaskSpec, Product, SourceDef, TableDef } from './types.js';

function compileColumn(name: string, spec: ColumnSpec): ColumnDef {
  const masks: Record<string, MaskSpec> = {};
  for (const [profile, text] of Object.entries(spec.mask ?? {})) masks[profile] = parseMask(text);
  return Object.freeze({
    name,
    type: spec.type,
    scale: spec.scale,
    pii: spec.pii ?? false,
    tokenize: spec.tokenize,
    deterministic: spec.deterministic ?? false,
    masks: Object.freeze(masks),
  });
}

function routeOf(spec: TableSpec): EntityRoute {
  if (spec.root === true) return { kind: 'root', column: spec.entityId ?? '' };
  if (spec.parent !== undefined) return { kind: 'parent', table: spec.parent.table, key: spec.parent.key };
  return { kind: 'column', column: spec.entityId ?? '' };
}

/**
 * Table names in dependency order: the root, then repeatedly every table (in spec order) whose
 * parent is already placed. Validated specs have no cycles, so every table gets placed.
 */
function tableOrder(spec: ProductSpec): string[] {
  const names = Object.keys(spec.tables);
  const order = names.filter((n) => spec.tables[n]?.root === true);
  while (order.length < names.length) {
    const before = order.length;
    for (const name of names) {
      const parent = spec.tables[name]?.parent?.table;
      if (!order.includes(name) && (parent === undefined || order.includes(parent))) order.push(name);
    }
    if (order.length === before)
      throw new CellarError(
        'CELLAR_ERR_INTERNAL',
        `${spec.product}: tables form a cycle; compile only validated specs`,
      );
  }
  return order;
}

function compileTables(spec: ProductSpec): TableDef[] {
  const order = tableOrder(spec);
  return order.map((name): TableDef => {
    const table = spec.tables[name] as TableSpec;
    const columns = Object.entries(table.columns).map(([c, def]) => compileColumn(c, def));
    const route = Object.freeze(routeOf(table));
    const children = order.filter((other) => spec.tables[other]?.parent?.table === name);
    return Object.freeze({
      name,
      root: table.root === true,
      primaryKey: Object.freeze([...table.primaryKey]),
      columns: Object.freeze(columns),
      columnsByName: frozenMap(columns.map((c) => [c.name, c] as const)),
      route,
      children: Object.freeze(children),
      ddl: tableDdl(name, columns, table.primaryKey, route),
    });
  });
}

const MAPPING_KEYS = new Set(['type', 'tables', 'topics']);

function compileSource(name: string, spec: SourceSpec, specDir: string): SourceDef {
  const options: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(spec as Record<string, unknown>)) {
    if (!MAPPING_KEYS.has(key)) options[key] = value;
  }
  if (spec.type === 'file' && typeof options.path === 'string') options.path = resolve(specDir, options.path);
  return Object.freeze({
    name,
    type: spec.type,
    tables: frozenMap(Object.entries(spec.topics ?? spec.tables ?? {})),
    options: deepFreeze(options),
  });
}

function compileAccess(spec: ProductSpec): Record<string, AccessRule> {
  const access: Record<string, AccessRule> = {};
  for (const [role, rule] of Object.entries(spec.access ?? {})) {
    access[role] = Object.freeze({
      read: rule.read ?? false,
      query: rule.query ?? false,
      clear: rule.clear ?? false,
      detokenize: rule.detokenize ?? false,
      erase: rule.erase ?? false,
      mask: rule.mask ?? role,
    });
  }
  return Object.freeze(access);
}

/**
 * Compiles a validated spec (from `loadSpec`) into the frozen {@link Product} the runtime uses:
 * tables in dependency order with DDL, routes and children; sources with their mapping and
 * options (file paths made absolute); access rules with defaults; a mask plan per role.
 *
 * Caveat: only specs that passed `loadSpec`'s checks may be compiled; anything else may throw.
 */
export function compileProduct(loaded: LoadedSpec): Product {
  const { spec, file } = loaded;
  const tables = compileTables(spec);
  const root = tables[0];
  if (root === undefined || !root.root)
    throw new CellarError(
      'CELLAR_ERR_INTERNAL',
      `${spec.product} has no root table; compile only validated specs`,
    );
  const access = compileAccess(spec);
  const specDir = dirname(file);
  return Object.freeze({
    name: spec.product,
    version: spec.version,
    title: spec.title ?? spec.product,
    owner: spec.owner,
    description: spec.description ?? '',
    entity: Object.freeze({ name: spec.entity.name }),
    tables: Object.freeze(tables),
    tablesByName: frozenMap(tables.map((t) => [t.name, t] as const)),
    root,
    sources: Object.freeze(Object.entries(spec.sources ?? {}).map(([n, s]) => compileSource(n, s, specDir))),
    access,
    maskPlans: buildMaskPlans(access, tables),
    file,
  });
}
