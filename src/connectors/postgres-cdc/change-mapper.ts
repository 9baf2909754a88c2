import { CellarError } from '../../errors.js';
import type { Product } from '../../product/types.js';
import type { FieldHint, Op, Row } from '../../sync/change-event.js';
import type { PgSourceOptions } from './cdc-options.js';
import type { PgoutputMessage, Tuple } from './pgoutput-messages.js';

/** A row change mapped to the product, without its position and time (the stream adds them). */
export interface MappedChange {
  readonly op: Op;
  readonly table: string;
  readonly before: Row | null;
  readonly after: Row | null;
  readonly hints: Readonly<Record<string, FieldHint>>;
}

interface MappedColumn {
  readonly index: number;
  readonly name: string;
  readonly isKey: boolean;
}

interface MappedRelation {
  readonly table: string;
  /** Columns the product table declares, with their place in the relation's tuples. */
  readonly columns: readonly MappedColumn[];
  readonly hints: Readonly<Record<string, FieldHint>>;
}

type RelationMessage = Extract<PgoutputMessage, { tag: 'relation' }>;
type ChangeMessage = Extract<PgoutputMessage, { tag: 'insert' | 'update' | 'delete' | 'truncate' }>;

const NO_HINTS: Readonly<Record<string, FieldHint>> = Object.freeze({});

/**
 * Turns pgoutput row messages into product changes. Relation messages (sent before a table's
 * first change on each connection, and again after its schema changes) say which table a
 * relation id is and where each column sits in its tuples.
 *
 * - Tables the source does not map, and columns the product table does not declare, are ignored.
 * - Values stay PostgreSQL text, each with `hints[col].pgType` set to the column's type name.
 * - An unchanged TOAST value (not sent by the server) leaves its column out of the row: an absent
 *   column keeps the stored value.
 * - `before`: an update carries the old key when the replica identity changed (REPLICA IDENTITY
 *   DEFAULT: a primary-key change) or the whole old row (FULL), else none; a delete carries the
 *   old key (only the key columns) or the old row.
 */
export class ChangeMapper {
  readonly #relations = new Map<number, MappedRelation | null>();

  constructor(
    private readonly product: Product,
    private readonly options: PgSourceOptions,
    private readonly typeNames: Map<number, string>,
  ) {}

  relation(msg: RelationMessage): void {
    const source = this.options.tablesByKey.get(`${msg.schema}.${msg.name}`);
    const def = source === undefined ? undefined : this.product.tablesByName.get(source.productTable);
    if (source === undefined || def === undefined) {
      this.#relations.set(msg.relationId, null);
      return;
    }
    const columns: MappedColumn[] = [];
    const hints: Record<string, FieldHint> = {};
    msg.columns.forEach((column, index) => {
      if (!def.columnsByName.has(column.name)) return;
      columns.push({ index, name: column.name, isKey: column.isKey });
      const pgType = this.typeNames.get(column.typeOid);
      if (pgType !== undefined) hints[column.name] = Object.freeze({ pgType });
    });
    this.#relations.set(msg.relationId, { table: def.name, columns, hints: Object.freeze(hints) });
  }

  /** Learns the name of a type the server describes (types created after the start). */
  type(typeOid: number, name: string): void {
    this.typeNames.set(typeOid, name);
  }

  changes(msg: ChangeMessage): MappedChange[] {
    if (msg.tag === 'truncate') {
      const out: MappedChange[] = [];
      for (const id of msg.relationIds) {
        const rel = this.#relation(id);
        if (rel !== null) out.push({ op: 't', table: rel.table, before: null, after: null, hints: NO_HINTS });
      }
      return out;
    }
    const rel = this.#relation(msg.relationId);
    if (rel === null) return [];
    const { table, hints } = rel;
    switch (msg.tag) {
      case 'insert':
        return [{ op: 'c', table, before: null, after: this.#row(rel, msg.newTuple, false), hints }];
      case 'update': {
        const before = msg.oldTuple === undefined ? null : this.#row(rel, msg.oldTuple, msg.oldKind === 'K');
        return [{ op: 'u', table, before, after: this.#row(rel, msg.newTuple, false), hints }];
      }
      case 'delete':
        return [
          { op: 'd', table, before: this.#row(rel, msg.oldTuple, msg.oldKind === 'K'), after: null, hints },
        ];
    }
  }

  #relation(id: number): MappedRelation | null {
    const rel = this.#relations.get(id);
    if (rel === undefined) {
      throw new CellarError(
        'CELLAR_ERR_SOURCE_UNAVAILABLE',
        `${this.options.where}: a change names relation ${id}, which the server never described`,
      );
    }
    return rel;
  }

  #row(rel: MappedRelation, tuple: Tuple, keyOnly: boolean): Row {
    const row: Record<string, unknown> = {};
    for (const column of rel.columns) {
      if (keyOnly && !column.isKey) continue;
      const value = tuple[column.index];
      if (value !== undefined) row[column.name] = value;
    }
    return row;
  }
}
