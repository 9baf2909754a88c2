import { displayFile } from '../config/document-error.js';
import { formatMask } from '../product/parse-mask.js';
import { redactOptions } from '../product/product-json.js';
import type { ColumnDef, Product, TableDef } from '../product/types.js';
import { formatColumns } from './output.js';

function routeText(product: Product, table: TableDef): string {
  const route = table.route;
  if (route.kind === 'root') return `root; entity id in ${route.column}`;
  if (route.kind === 'column') return `entity id in ${route.column}`;
  const parentKey = product.tablesByName.get(route.table)?.primaryKey[0] ?? '?';
  return `through ${route.table}.${parentKey} by ${route.key}`;
}

function columnRow(column: ColumnDef): string[] {
  const type = column.scale === undefined ? column.type : `${column.type}(${column.scale})`;
  const flags = [column.pii ? 'pii' : '', column.tokenize === undefined ? '' : `tokenize ${column.tokenize}`];
  if (column.deterministic) flags.push('deterministic');
  const masks = Object.entries(column.masks).map(([profile, mask]) => `${profile}=${formatMask(mask)}`);
  return [`    ${column.name}`, type, flags.filter((f) => f !== '').join(' '), masks.join(' ')];
}

function tableLines(product: Product): string[] {
  const lines = ['tables'];
  for (const table of product.tables) {
    const parts = [routeText(product, table), `primary key (${table.primaryKey.join(', ')})`];
    if (table.children.length > 0) parts.push(`children: ${table.children.join(', ')}`);
    lines.push(`  ${table.name}  ${parts.join('; ')}`);
    lines.push(...formatColumns(table.columns.map(columnRow)));
  }
  return lines;
}

function maskLines(product: Product): string[] {
  const lines = ['masks per role'];
  for (const [role, plan] of Object.entries(product.maskPlans)) {
    const rows: string[][] = [];
    for (const [table, columns] of Object.entries(plan.tables)) {
      const masked = Object.entries(columns).flatMap(([c, mask]) =>
        mask === null ? [] : [`${c} ${formatMask(mask)}`],
      );
      if (masked.length > 0) rows.push([`    ${table}`, masked.join(', ')]);
    }
    if (product.access[role]?.clear === true) lines.push(`  ${role}  (clear: every column as stored)`);
    else if (rows.length === 0) lines.push(`  ${role}  (no masks)`);
    else lines.push(`  ${role}`, ...formatColumns(rows));
  }
  if (lines.length === 1) lines.push('  (no roles)');
  return lines;
}

function accessLines(product: Product): string[] {
  const roles = Object.entries(product.access);
  if (roles.length === 0) return ['access', '  (no roles: every request is refused)'];
  const yes = (flag: boolean) => (flag ? 'yes' : '-');
  const rows = [['  role', 'read', 'query', 'clear', 'detokenize', 'erase', 'mask profile']];
  for (const [role, r] of roles) {
    rows.push([
      `  ${role}`,
      yes(r.read),
      yes(r.query),
      yes(r.clear),
      yes(r.detokenize),
      yes(r.erase),
      r.mask,
    ]);
  }
  return ['access', ...formatColumns(rows)];
}

function sourceLines(product: Product): string[] {
  if (product.sources.length === 0) return ['sources', '  (none)'];
  const lines = ['sources'];
  for (const source of product.sources) {
    const options = redactOptions(source.options) as Record<string, unknown>;
    const shown = Object.entries(options).map(
      ([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`,
    );
    lines.push(`  ${source.name}  ${source.type}${shown.length > 0 ? `  ${shown.join(', ')}` : ''}`);
    for (const [object, table] of source.tables) lines.push(`    ${object} → ${table}`);
  }
  return lines;
}

/**
 * A compiled product as readable text: header, tables with columns (type, pii, tokenization,
 * masks per profile), the mask each role sees, access rules and sources (secrets hidden).
 */
export function describeProductText(product: Product): string[] {
  const header = formatColumns([
    ['  owner', product.owner],
    ['  entity', `${product.entity.name} (root table ${product.root.name})`],
    ['  description', product.description || '-'],
    ['  file', displayFile(product.file)],
  ]);
  return [
    `${product.name}@${product.version}  ${product.title}`,
    ...header,
    '',
    ...tableLines(product),
    '',
    ...maskLines(product),
    '',
    ...accessLines(product),
    '',
    ...sourceLines(product),
  ];
}
