import type { Product } from '../../product/types.js';
import type { ChangeEvent, Row, SourcePosition } from '../../sync/change-event.js';
import type { PulledEntity } from './entity-query.js';

/**
 * Orders for pulled events: epoch milliseconds shifted left 20 bits, plus a counter, so they keep
 * growing across pulls and restarts (as long as the clock does) and leave room for a million
 * events per millisecond.
 */
export class PullClock {
  #last = 0n;

  next(now = Date.now()): bigint {
    const fromClock = BigInt(now) << 20n;
    this.#last = fromClock > this.#last ? fromClock : this.#last + 1n;
    return this.#last;
  }
}

/** Primary keys of rows an entity holds now, per product table, each key as its columns' text. */
export type CurrentKeys = ReadonlyMap<string, readonly (readonly string[])[]>;

function keyText(values: readonly unknown[]): string {
  return JSON.stringify(values.map((v) => String(v)));
}

/**
 * The change events that make an entity what the source holds:
 * - a delete of every row in `current` the source no longer has (children first), so an entity
 *   pulled again loses what was deleted at the source (keys compare as text: exact for integer,
 *   text and uuid keys);
 * - an `r` event for every pulled row, root first, parents before children;
 * - when the source has no root row: a delete of the root row, which removes the entity.
 *
 * `position(i)` gives the i-th event's position; `ts` is the pull time.
 */
export function pulledEvents(
  product: Product,
  pulled: PulledEntity,
  mappedTables: ReadonlySet<string>,
  position: (index: number) => SourcePosition,
  ts: number,
  current?: CurrentKeys,
): ChangeEvent[] {
  const events: ChangeEvent[] = [];
  const add = (e: Omit<ChangeEvent, 'position' | 'ts'>) =>
    events.push({ ...e, ts, position: position(events.length) });
  const root = product.root;
  if (!pulled.found) {
    const rootKeys =
      current?.get(root.name) ?? (sameColumns(root.primaryKey, entityColumn(product)) ? [[pulled.id]] : []);
    for (const key of rootKeys)
      add({ op: 'd', table: root.name, before: rowOf(root.primaryKey, key), after: null });
    return events;
  }
  if (current !== undefined) {
    for (const def of [...product.tables].reverse()) {
      if (!mappedTables.has(def.name)) continue;
      const keep = new Set(
        (pulled.rows.get(def.name) ?? []).map((r) => keyText(def.primaryKey.map((c) => r[c]))),
      );
      for (const key of current.get(def.name) ?? []) {
        if (!keep.has(keyText(key)))
          add({ op: 'd', table: def.name, before: rowOf(def.primaryKey, key), after: null });
      }
    }
  }
  for (const def of product.tables) {
    const hints = pulled.hints.get(def.name);
    for (const after of pulled.rows.get(def.name) ?? []) {
      add({ op: 'r', table: def.name, before: null, after, ...(hints ? { hints } : {}) });
    }
  }
  return events;
}

function entityColumn(product: Product): string {
  const route = product.root.route;
  return route.kind === 'parent' ? '' : route.column;
}

function sameColumns(pk: readonly string[], column: string): boolean {
  return pk.length === 1 && pk[0] === column;
}

function rowOf(columns: readonly string[], values: readonly string[]): Row {
  const row: Record<string, unknown> = {};
  columns.forEach((c, i) => {
    row[c] = values[i] ?? null;
  });
  return row;
}
