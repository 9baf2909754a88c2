import type { Client } from 'pg';
import type { Product, TableDef } from '../../product/types.js';
import type { FieldHint, Row } from '../../sync/change-event.js';
import { quoteIdent } from '../postgres-cdc/cdc-options.js';
import { tableHints } from '../postgres-cdc/snapshot-reader.js';
import { type CheckedTable, selectList } from '../postgres-cdc/source-catalog.js';

/** One entity as the source tables hold it now. */
export interface PulledEntity {
  readonly id: string;
  /** False when the source has no root row for the id: the entity does not exist there. */
  readonly found: boolean;
  /** Product table → rows (values in PostgreSQL text form), in the product's table order. */
  readonly rows: ReadonlyMap<string, readonly Row[]>;
  readonly hints: ReadonlyMap<string, Readonly<Record<string, FieldHint>>>;
}

interface TableQuery {
  readonly def: TableDef;
  readonly source: CheckedTable;
  readonly sql: string;
  /** For a parent-routed table: the parent table and the key column holding its primary key. */
  readonly parent: { readonly table: string; readonly key: string } | undefined;
}

/**
 * Builds one entity straight from the source tables with SQL, in one REPEATABLE READ read-only
 * transaction (a consistent picture): the root row by entity id, tables holding the entity id by
 * that column, and tables reached through a parent by the primary keys of the parent rows just
 * read (so grandchildren come through their parents, level by level).
 */
export class EntityQuery {
  readonly #queries: readonly TableQuery[];

  constructor(
    private readonly product: Product,
    tables: readonly CheckedTable[],
  ) {
    const queries: TableQuery[] = [];
    for (const def of product.tables) {
      for (const source of tables.filter((t) => t.table.productTable === def.name)) {
        queries.push(tableQuery(def, source));
      }
    }
    this.#queries = queries;
  }

  async pull(client: Client, id: string): Promise<PulledEntity> {
    const rows = new Map<string, Row[]>();
    const hints = new Map<string, Readonly<Record<string, FieldHint>>>();
    await client.query('begin isolation level repeatable read read only');
    try {
      for (const q of this.#queries) {
        let params: unknown[];
        if (q.parent === undefined) params = [id];
        else {
          const parentDef = this.product.tablesByName.get(q.parent.table);
          const pk = parentDef?.primaryKey[0] ?? '';
          const keys = (rows.get(q.parent.table) ?? [])
            .map((r) => r[pk])
            .filter((v) => v !== null && v !== undefined);
          if (keys.length === 0) continue;
          params = [keys];
        }
        const result = await client.query<unknown[]>({ text: q.sql, values: params, rowMode: 'array' });
        const names = q.source.columns.map((c) => c.name);
        const list = rows.get(q.def.name) ?? [];
        for (const values of result.rows) {
          const row: Record<string, unknown> = {};
          names.forEach((name, i) => {
            row[name] = values[i] ?? null;
          });
          list.push(row);
        }
        rows.set(q.def.name, list);
        hints.set(q.def.name, tableHints(q.source));
      }
      await client.query('commit');
    } catch (err) {
      await client.query('rollback').catch(() => undefined);
      throw err;
    }
    const found = (rows.get(this.product.root.name)?.length ?? 0) > 0;
    return { id, found, rows: found ? rows : new Map(), hints };
  }
}

function tableQuery(def: TableDef, source: CheckedTable): TableQuery {
  const base = `select ${selectList(source.columns)} from ${source.table.sql}`;
  const route = def.route;
  if (route.kind === 'parent') {
    const keyType = source.allColumns.get(route.key)?.sqlType ?? 'text';
    return {
      def,
      source,
      sql: `${base} where ${quoteIdent(route.key)} = any($1::${keyType}[])`,
      parent: { table: route.table, key: route.key },
    };
  }
  return { def, source, sql: `${base} where ${quoteIdent(route.column)} = $1`, parent: undefined };
}
