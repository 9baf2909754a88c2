/**
 * The compiled form of a data product: what the rest of the runtime consumes. Produced by
 * `compileProduct()` from a validated spec; frozen, never mutated.
 */

/** Column types a spec may declare. See docs/product-spec.md for each type's stored and JSON form. */
export const COLUMN_TYPES = [
  'integer',
  'decimal',
  'real',
  'text',
  'boolean',
  'date',
  'timestamp',
  'timestamptz',
  'uuid',
  'json',
  'bytes',
] as const;
export type ColumnType = (typeof COLUMN_TYPES)[number];

/** Mask functions. `clear` means "shown as stored". */
export const MASK_FUNCTIONS = [
  'clear',
  'redact',
  'partial',
  'email',
  'hash',
  'null',
  'year',
  'round',
] as const;
export type MaskFunction = (typeof MASK_FUNCTIONS)[number];

/** One mask, parsed from text such as `partial(1,0)` or `round(2)`. */
export interface MaskSpec {
  readonly fn: MaskFunction;
  readonly args: readonly number[];
}

export type TokenKind = 'opaque' | 'format-preserving';

export interface ColumnDef {
  readonly name: string;
  readonly type: ColumnType;
  /** Digits after the point, for `decimal` (and Debezium base64 decimals without a schema). */
  readonly scale: number | undefined;
  readonly pii: boolean;
  /** Set when the column is tokenized on write. */
  readonly tokenize: TokenKind | undefined;
  /** Same value in the same entity → same token. */
  readonly deterministic: boolean;
  /** Mask per mask profile (usually a role name) or `default`. Absent: shown as stored. */
  readonly masks: Readonly<Record<string, MaskSpec>>;
}

/** How a table's rows find their entity. */
export type EntityRoute =
  /** The root table: the entity id is this column of the row. */
  | { readonly kind: 'root'; readonly column: string }
  /** A child table holding the entity id in one of its columns. */
  | { readonly kind: 'column'; readonly column: string }
  /**
   * A child reaching its entity through a parent row: `key` (a column of this table) references
   * the single-column primary key of `table`.
   */
  | { readonly kind: 'parent'; readonly table: string; readonly key: string };

export interface TableDef {
  readonly name: string;
  readonly root: boolean;
  readonly primaryKey: readonly string[];
  readonly columns: readonly ColumnDef[];
  readonly columnsByName: ReadonlyMap<string, ColumnDef>;
  readonly route: EntityRoute;
  /** Tables whose route is `parent` pointing at this table. */
  readonly children: readonly string[];
  /** `CREATE TABLE` statement for the micro-DB. */
  readonly ddl: string;
}

export type SourceType = 'postgres-cdc' | 'postgres-pull' | 'kafka' | 'file';

export interface SourceDef {
  /** The source's name within its product (`crm`, `events`, `sample`). */
  readonly name: string;
  readonly type: SourceType;
  /** Source object (schema.table, topic) → product table. Empty for `file`. */
  readonly tables: ReadonlyMap<string, string>;
  /** Type-specific settings, `${VAR}` already interpolated, paths resolved against the spec file. */
  readonly options: Readonly<Record<string, unknown>>;
}

export interface AccessRule {
  readonly read: boolean;
  readonly query: boolean;
  /** Sees stored values, no masks. */
  readonly clear: boolean;
  readonly detokenize: boolean;
  readonly erase: boolean;
  /** Mask profile used for this role (defaults to the role's own name). */
  readonly mask: string;
}

/**
 * Per-role mask plan: for every table and column, the mask to apply, or `null` to show the stored
 * value. Built once at compile time; the serving layer turns it into SQL or functions.
 */
export interface MaskPlan {
  readonly role: string;
  readonly tables: Readonly<Record<string, Readonly<Record<string, MaskSpec | null>>>>;
}

export interface Product {
  readonly name: string;
  readonly version: string;
  readonly title: string;
  readonly owner: string;
  readonly description: string;
  readonly entity: { readonly name: string };
  /** Tables in dependency order: root first, every parent before its children. */
  readonly tables: readonly TableDef[];
  readonly tablesByName: ReadonlyMap<string, TableDef>;
  readonly root: TableDef;
  readonly sources: readonly SourceDef[];
  readonly access: Readonly<Record<string, AccessRule>>;
  readonly maskPlans: Readonly<Record<string, MaskPlan>>;
  /** Absolute path of the spec file it came from. */
  readonly file: string;
}
