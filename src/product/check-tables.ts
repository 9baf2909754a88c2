import type { DocumentIssue } from '../config/document-error.js';
import type { ProductSpec, TableSpec } from './spec-schema.js';

type Path = readonly (string | number)[];

/** `expected a column of orders (id, customer_id); got "idd"`. */
function noSuchColumn(table: string, def: TableSpec, name: string): string {
  const known = Object.keys(def.columns).join(', ');
  return `expected a column of ${table} (${known}); got ${JSON.stringify(name)}`;
}

function checkRoot(spec: ProductSpec): DocumentIssue[] {
  const roots = Object.entries(spec.tables).filter(([, def]) => def.root === true);
  if (roots.length === 0) {
    return [
      {
        path: ['tables'],
        message: 'expected exactly one table with root: true (one row per entity); found none',
      },
    ];
  }
  const [first] = roots[0] ?? [];
  return roots.slice(1).map(([name]) => ({
    path: ['tables', name, 'root'],
    message: `expected exactly one root table; ${first} is already the root`,
  }));
}

/** Route and key checks of one table. */
function checkTable(spec: ProductSpec, name: string, def: TableSpec): DocumentIssue[] {
  const issues: DocumentIssue[] = [];
  const at = (...rest: (string | number)[]): Path => ['tables', name, ...rest];
  const has = (column: string) => Object.hasOwn(def.columns, column);

  def.primaryKey.forEach((column, i) => {
    if (!has(column)) issues.push({ path: at('primaryKey', i), message: noSuchColumn(name, def, column) });
    else if (def.primaryKey.indexOf(column) !== i) {
      issues.push({
        path: at('primaryKey', i),
        message: `expected distinct columns; ${column} is listed twice`,
      });
    }
  });
  if (def.entityId !== undefined && !has(def.entityId)) {
    issues.push({ path: at('entityId'), message: noSuchColumn(name, def, def.entityId) });
  }

  if (def.root === true) {
    if (def.entityId === undefined) {
      issues.push({ path: at(), message: 'the root table needs entityId: the column holding the entity id' });
    } else if (def.primaryKey.length !== 1 || def.primaryKey[0] !== def.entityId) {
      const message = `expected [${def.entityId}] (the entityId): the root table holds one row per entity`;
      issues.push({ path: at('primaryKey'), message });
    }
    if (def.parent !== undefined) {
      issues.push({ path: at('parent'), atKey: true, message: 'the root table cannot have a parent' });
    }
    return issues;
  }

  if (def.entityId !== undefined && def.parent !== undefined) {
    const message = 'expected exactly one of entityId or parent; both are given';
    issues.push({ path: at('parent'), atKey: true, message });
  } else if (def.entityId === undefined && def.parent === undefined) {
    const message =
      'expected exactly one of entityId (the column holding the entity id) or parent (the row that leads to it)';
    issues.push({ path: at(), message });
  }
  if (def.parent !== undefined) issues.push(...checkParent(spec, name, def, def.parent));
  return issues;
}

function checkParent(
  spec: ProductSpec,
  name: string,
  def: TableSpec,
  parent: { table: string; key: string },
) {
  const issues: DocumentIssue[] = [];
  const at = (field: string): Path => ['tables', name, 'parent', field];
  const keyDef = def.columns[parent.key];
  if (keyDef === undefined) issues.push({ path: at('key'), message: noSuchColumn(name, def, parent.key) });

  const parentDef = spec.tables[parent.table];
  if (parent.table === name) {
    issues.push({ path: at('table'), message: 'expected another table; a table cannot be its own parent' });
    return issues;
  }
  if (parentDef === undefined || !Object.hasOwn(spec.tables, parent.table)) {
    const others = Object.keys(spec.tables).filter((t) => t !== name);
    const message = `expected one of ${others.join(', ')}; got ${JSON.stringify(parent.table)}`;
    issues.push({ path: at('table'), message });
    return issues;
  }
  const [parentKey, ...more] = parentDef.primaryKey;
  if (more.length > 0 || parentKey === undefined) {
    const message = `expected a parent with a single-column primary key; ${parent.table} has [${parentDef.primaryKey.join(', ')}]`;
    issues.push({ path: at('table'), message });
    return issues;
  }
  const parentKeyType = parentDef.columns[parentKey]?.type;
  if (keyDef !== undefined && parentKeyType !== undefined && keyDef.type !== parentKeyType) {
    const message = `expected a column of type ${parentKeyType} like ${parent.table}.${parentKey}; ${parent.key} is ${keyDef.type}`;
    issues.push({ path: at('key'), message });
  }
  return issues;
}

/** Reports each parent cycle once, at the table of the cycle that comes first in the spec. */
function checkCycles(spec: ProductSpec): DocumentIssue[] {
  const issues: DocumentIssue[] = [];
  const names = Object.keys(spec.tables);
  for (const start of names) {
    const chain: string[] = [];
    let current: string | undefined = start;
    while (current !== undefined && !chain.includes(current)) {
      chain.push(current);
      const next: string | undefined = spec.tables[current]?.parent?.table;
      current = next !== undefined && next !== current && Object.hasOwn(spec.tables, next) ? next : undefined;
    }
    if (current === undefined) continue;
    const cycle = chain.slice(chain.indexOf(current));
    const first = names.find((n) => cycle.includes(n));
    if (first !== start) continue;
    const message = `expected a parent chain ending at the root or a table with entityId; it loops: ${[...cycle, start].join(' → ')}`;
    issues.push({ path: ['tables', start, 'parent', 'table'], message });
  }
  return issues;
}

/**
 * Checks tables and routes: exactly one root holding one row per entity; every other table
 * routed by exactly one of `entityId` or `parent`; key columns exist; parents exist, have a
 * single-column primary key of the same type as `parent.key`, and form no cycle.
 */
export function checkTables(spec: ProductSpec): DocumentIssue[] {
  const issues = checkRoot(spec);
  for (const [name, def] of Object.entries(spec.tables)) issues.push(...checkTable(spec, name, def));
  issues.push(...checkCycles(spec));
  return issues;
}
