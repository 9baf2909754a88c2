import type { SourceTable, TableFor } from '../debezium/decode-types.js';
import { tableLookup } from '../debezium/table-lookup.js';

/**
 * How a Kafka source finds a record's product table.
 *
 * - Without `sourceTables`: the shared lookup over `topics` — the record's own `schema.table`, then
 *   `table`, then its topic — so a record of a subscribed topic always finds a table.
 * - With `sourceTables` (topics that carry several tables, as Debezium's topic routing writes
 *   them): a record that names its source table is looked up there only (`schema.table`, then
 *   `table`), and an unlisted table is unknown; a record that names none takes its topic's table.
 */
export function kafkaTableFor(
  topics: ReadonlyMap<string, string>,
  sourceTables: ReadonlyMap<string, string> | undefined,
): TableFor {
  if (sourceTables === undefined) return tableLookup(topics);
  const bySourceTable = tableLookup(sourceTables);
  return (source: SourceTable) => {
    if (source.table === undefined) return source.topic === undefined ? undefined : topics.get(source.topic);
    return bySourceTable({
      ...(source.schema === undefined ? {} : { schema: source.schema }),
      table: source.table,
    });
  };
}
