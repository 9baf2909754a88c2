import { formatMask } from './parse-mask.js';
import type { AccessRule, EntityRoute, Product } from './types.js';

/** A column as JSON: masks as mask text (`partial(1,0)`). */
export interface ColumnJson {
  readonly name: string;
  readonly type: string;
  readonly scale?: number;
  readonly pii: boolean;
  readonly tokenize?: string;
  readonly deterministic: boolean;
  readonly masks: Readonly<Record<string, string>>;
}

export interface TableJson {
  readonly name: string;
  readonly root: boolean;
  readonly primaryKey: readonly string[];
  readonly route: EntityRoute;
  readonly children: readonly string[];
  readonly columns: readonly ColumnJson[];
  readonly ddl: string;
}

export interface SourceJson {
  readonly name: string;
  readonly type: string;
  readonly tables: Readonly<Record<string, string>>;
  /** Options with secrets replaced by `***`. */
  readonly options: Readonly<Record<string, unknown>>;
}

/** A compiled product as plain JSON (maps turned into objects, masks into text, secrets hidden). */
export interface ProductJson {
  readonly name: string;
  readonly version: string;
  readonly title: string;
  readonly owner: string;
  readonly description: string;
  readonly entity: { readonly name: string };
  readonly file: string;
  readonly tables: readonly TableJson[];
  readonly sources: readonly SourceJson[];
  readonly access: Readonly<Record<string, AccessRule>>;
  /** role → table → column → mask text, or null for "shown as stored". */
  readonly maskPlans: Readonly<Record<string, Record<string, Record<string, string | null>>>>;
}

const SECRET_KEY = /pass(word)?|secret|credential|api[-_]?key|private/i;
const HIDDEN = '***';

/** Hides the password of a URL-like text (`postgres://user:pw@host/db` → `user:***@`). */
function hideUrlPassword(text: string): string {
  return text.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*):[^@/\s]*@/i, `$1:${HIDDEN}@`);
}

/**
 * A copy of source options safe to show: values under secret-sounding keys (password, secret,
 * credential, api key, private) become `***`, and so do passwords inside URLs.
 */
export function redactOptions(value: unknown, key = ''): unknown {
  if (key !== '' && SECRET_KEY.test(key) && value !== null && typeof value !== 'object') return HIDDEN;
  if (typeof value === 'string') return hideUrlPassword(value);
  if (Array.isArray(value)) return value.map((item) => redactOptions(item));
  if (value !== null && typeof value === 'object') {
    const copy: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) copy[k] = redactOptions(v, k);
    return copy;
  }
  return value;
}

/** The JSON form of a compiled product, for `cellar product describe --json` and descriptors. */
export function productToJson(product: Product): ProductJson {
  const maskPlans: Record<string, Record<string, Record<string, string | null>>> = {};
  for (const [role, plan] of Object.entries(product.maskPlans)) {
    const tables: Record<string, Record<string, string | null>> = {};
    for (const [table, columns] of Object.entries(plan.tables)) {
      tables[table] = Object.fromEntries(
        Object.entries(columns).map(([c, mask]) => [c, mask === null ? null : formatMask(mask)]),
      );
    }
    maskPlans[role] = tables;
  }
  return {
    name: product.name,
    version: product.version,
    title: product.title,
    owner: product.owner,
    description: product.description,
    entity: { name: product.entity.name },
    file: product.file,
    tables: product.tables.map((t) => ({
      name: t.name,
      root: t.root,
      primaryKey: [...t.primaryKey],
      route: { ...t.route },
      children: [...t.children],
      columns: t.columns.map((c) => ({
        name: c.name,
        type: c.type,
        ...(c.scale === undefined ? {} : { scale: c.scale }),
        pii: c.pii,
        ...(c.tokenize === undefined ? {} : { tokenize: c.tokenize }),
        deterministic: c.deterministic,
        masks: Object.fromEntries(Object.entries(c.masks).map(([p, m]) => [p, formatMask(m)])),
      })),
      ddl: t.ddl,
    })),
    sources: product.sources.map((s) => ({
      name: s.name,
      type: s.type,
      tables: Object.fromEntries(s.tables),
      options: redactOptions(s.options) as Record<string, unknown>,
    })),
    access: Object.fromEntries(Object.entries(product.access).map(([role, rule]) => [role, { ...rule }])),
    maskPlans,
  };
}
