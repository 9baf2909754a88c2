import { type DecodeResult, decodeError, type SourceTable, type TableFor } from './decode-types.js';

/**
 * A {@link TableFor} over a configured map (source object → product table), trying in turn
 * `schema.table`, then `table`, then the topic. So a map may name source tables with or without
 * their schema (`public.customers` or `customers`), or Kafka topics (`crm.public.customers`).
 */
export function tableLookup(map: ReadonlyMap<string, string>): TableFor {
  return (source: SourceTable) => {
    const candidates = [
      source.schema && source.table ? `${source.schema}.${source.table}` : undefined,
      source.table || undefined,
      source.topic || undefined,
    ];
    for (const candidate of candidates) {
      if (candidate === undefined) continue;
      const table = map.get(candidate);
      if (table !== undefined) return table;
    }
    return undefined;
  };
}

/** Describes a source table for messages: `public.customers`, `customers`, or `topic crm.x`. */
export function describeSourceTable(source: SourceTable): string {
  const parts: string[] = [];
  if (source.table) parts.push(source.schema ? `${source.schema}.${source.table}` : source.table);
  if (source.topic) parts.push(`topic ${source.topic}`);
  return parts.length === 0 ? 'no source table' : parts.join(', ');
}

/**
 * The product table a decoded message goes to, or the dead-letter result saying why there is
 * none: `noTable` when the message names no source table and no topic was given.
 */
export function productTableFor(
  sourceTable: SourceTable,
  tableFor: TableFor,
  noTable: string,
): { readonly table: string } | { readonly error: DecodeResult } {
  if (sourceTable.table === undefined && sourceTable.topic === undefined) {
    return { error: decodeError(noTable, 'CELLAR_ERR_EVENT_UNKNOWN_TABLE') };
  }
  const table = tableFor(sourceTable);
  if (table === undefined) {
    return {
      error: decodeError(
        `source table ${describeSourceTable(sourceTable)} is not mapped to a table of the product`,
        'CELLAR_ERR_EVENT_UNKNOWN_TABLE',
      ),
    };
  }
  return { table };
}
