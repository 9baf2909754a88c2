import type { Client } from 'pg';
import { CellarError } from '../../errors.js';
import type { Product } from '../../product/types.js';
import type { PgSourceOptions, SourceTable } from './cdc-options.js';
import { quoteIdent } from './cdc-options.js';

/** A column of a source table as the catalog describes it. */
export interface SourceColumn {
  readonly name: string;
  /** `pg_type.typname`: `int8`, `numeric`, `_text`… — what `FieldHint.pgType` carries. */
  readonly typeName: string;
  /** `format_type()`: `bigint`, `numeric(30,10)`… — usable in a cast. */
  readonly sqlType: string;
}

/** What a source table offers for the product table it feeds. */
export interface CheckedTable {
  readonly table: SourceTable;
  /** The product table's columns, in the product's order, as the source has them. */
  readonly columns: readonly SourceColumn[];
  /** Every column of the source table by name, spec or not. */
  readonly allColumns: ReadonlyMap<string, SourceColumn>;
}

/**
 * Checks that every source table exists and has every column of the product table it feeds,
 * and describes those columns. Throws CELLAR_ERR_SOURCE_CONFIG naming the first table or
 * column that is missing.
 */
export async function checkSourceTables(
  client: Client,
  product: Product,
  options: PgSourceOptions,
): Promise<CheckedTable[]> {
  const out: CheckedTable[] = [];
  for (const table of options.tables) {
    const { rows } = await client.query<{ attname: string; typname: string; sqltype: string }>(
      `select a.attname, t.typname, format_type(a.atttypid, a.atttypmod) as sqltype
         from pg_attribute a join pg_type t on t.oid = a.atttypid
        where a.attrelid = to_regclass($1) and a.attnum > 0 and not a.attisdropped
        order by a.attnum`,
      [table.sql],
    );
    if (rows.length === 0) {
      throw new CellarError(
        'CELLAR_ERR_SOURCE_CONFIG',
        `${options.where}: source table ${table.key} does not exist`,
        {
          hint: 'create it, or fix the tables map of the source',
        },
      );
    }
    const allColumns = new Map(
      rows.map((r) => [r.attname, { name: r.attname, typeName: r.typname, sqlType: r.sqltype }] as const),
    );
    const def = product.tablesByName.get(table.productTable);
    const columns: SourceColumn[] = [];
    for (const column of def?.columns ?? []) {
      const found = allColumns.get(column.name);
      if (found === undefined) {
        throw new CellarError(
          'CELLAR_ERR_SOURCE_CONFIG',
          `${options.where}: source table ${table.key} has no column ${column.name}, which product table ${table.productTable} declares`,
          { hint: `add the column to ${table.key}, or remove it from the product spec` },
        );
      }
      columns.push(found);
    }
    out.push({ table, columns, allColumns });
  }
  return out;
}

/** Every type's name by oid (`pg_type.typname`), for the hints of values read in text form. */
export async function loadTypeNames(client: Client): Promise<Map<number, string>> {
  const { rows } = await client.query<{ oid: string; typname: string }>('select oid, typname from pg_type');
  return new Map(rows.map((r) => [Number(r.oid), r.typname] as const));
}

/** The server facts a CDC source depends on. */
export interface ServerFacts {
  readonly versionNum: number;
  readonly walLevel: string;
  readonly encoding: string;
  readonly walPageSize: bigint;
  readonly walSegmentSize: bigint;
}

export async function serverFacts(client: Client): Promise<ServerFacts> {
  const { rows } = await client.query<Record<string, string>>(
    `select current_setting('server_version_num') as version_num,
            current_setting('wal_level') as wal_level,
            current_setting('server_encoding') as encoding,
            (select setting from pg_settings where name = 'wal_block_size') as page,
            (select setting from pg_settings where name = 'wal_segment_size') as segment`,
  );
  const r = rows[0] ?? {};
  return {
    versionNum: Number(r.version_num),
    walLevel: r.wal_level ?? '',
    encoding: r.encoding ?? '',
    walPageSize: BigInt(r.page ?? '8192'),
    walSegmentSize: BigInt(r.segment ?? '16777216'),
  };
}

/** Refuses a server that cannot feed logical replication as Cellar reads it. */
export function requireLogicalReplication(facts: ServerFacts, where: string): void {
  if (facts.versionNum < 100_000) {
    throw new CellarError(
      'CELLAR_ERR_SOURCE_CONFIG',
      `${where}: PostgreSQL ${facts.versionNum} is too old; logical replication with pgoutput needs 10 or later`,
    );
  }
  if (facts.walLevel !== 'logical') {
    throw new CellarError(
      'CELLAR_ERR_SOURCE_CONFIG',
      `${where}: the server runs with wal_level=${facts.walLevel}, not logical`,
      {
        hint: 'set wal_level = logical in postgresql.conf and restart the server',
      },
    );
  }
  if (facts.encoding !== 'UTF8') {
    throw new CellarError(
      'CELLAR_ERR_SOURCE_CONFIG',
      `${where}: the database encoding is ${facts.encoding}; Cellar reads UTF8 sources only`,
    );
  }
}

/** The comma-separated column list of a select over `columns`. */
export function selectList(columns: readonly SourceColumn[]): string {
  return columns.map((c) => quoteIdent(c.name)).join(', ');
}
