import type { RowChange } from './conformance-model.js';

/** Source commit times of the changes the suite writes: increasing, from a fixed start. */
let clock = 1_700_000_000_000;

/**
 * A row change as the Debezium PostgreSQL connector writes it with the JsonConverter and
 * `schemas.enable=false`, `decimal.handling.mode=string` (server `crm`, schema `public`): a
 * snapshot read (`op: r`) or a create, update or delete; deletes carry the primary key only, as
 * with REPLICA IDENTITY DEFAULT.
 */
export function debeziumEnvelope(change: RowChange, snapshot: boolean): Record<string, unknown> {
  clock += 1;
  const op = snapshot ? 'r' : change.op === 'insert' ? 'c' : change.op === 'update' ? 'u' : 'd';
  return {
    before: op === 'd' ? { id: change.row.id } : null,
    after: op === 'd' ? null : change.row,
    source: {
      version: '2.7.3.Final',
      connector: 'postgresql',
      name: 'crm',
      ts_ms: clock,
      snapshot: snapshot ? 'true' : 'false',
      db: 'crm',
      schema: 'public',
      table: change.table,
    },
    op,
    ts_ms: clock + 3,
  };
}
