import type { Keyring } from '../crypto/keyring.js';
import { CellarError } from '../errors.js';
import { RowTokenizer } from '../governance/tokens/row-tokens.js';
import type { Tokenizer } from '../governance/tokens/tokenizer.js';
import type { StoredValue } from '../microdb/column-values.js';
import type { Product, TableDef } from '../product/types.js';
import type { EntityHandle } from '../runtime/entity-handle.js';
import type { EntityRepository } from '../runtime/entity-repository.js';
import type { EntityKey } from '../store/blob-store.js';
import type { ApplyOptions, ApplyOutcome } from './apply-outcome.js';
import type { Prefetched, Resolved, RowKeys, Target } from './apply-routing.js';
import type { ChangeEvent } from './change-event.js';
import { allRowKeys, moveAllRows, moveRowTree } from './entity-moves.js';
import type { RouteTable } from './route-table.js';
import {
  entityIdOf,
  primaryKeyOf,
  requirePrimaryKey,
  type StoredRow,
  sameKey,
  toStoredRow,
} from './stored-row.js';

/**
 * Applies change events to micro-DBs, one at a time and synchronously: routing (root id, entity
 * column, parent row, routing index), upsert/delete, moving rows between entities, tokenize on
 * write (given a tokenizer), watermarks and change history; events of erased (suppressed) entities
 * are dropped. Everything async (fetching routes, loading entities, token-index entries) is asked
 * for with a `need` outcome before anything changes, so an event is applied whole or not at all.
 */
export class Applier {
  /**
   * Coerced rows and the keyed hashes of events seen by {@link prefetchKeys}, reused by
   * {@link apply} (each hash costs a few µs): the row's, and its route's (the parent row's, or
   * the entity's).
   */
  readonly #coerced = new WeakMap<ChangeEvent, Prefetched>();
  readonly #tokens: RowTokenizer | undefined;

  constructor(
    private readonly keyring: Keyring,
    private readonly routes: RouteTable,
    private readonly repo: EntityRepository,
    /** Tokenizes `tokenize` columns on write; without it values are stored as they come. */
    tokenizer?: Tokenizer,
  ) {
    this.#tokens = tokenizer && new RowTokenizer(tokenizer);
  }

  /** The routing-index rows, entities and token-index entries an event may need, for prefetching. */
  prefetchKeys(
    product: Product,
    event: ChangeEvent,
  ): { rows: string[]; entities: EntityKey[]; tokens: string[] } {
    const table = product.tablesByName.get(event.table);
    const image = event.op === 'd' ? event.before : event.after;
    if (!table || !image) return { rows: [], entities: [], tokens: [] };
    try {
      const row = toStoredRow(table, image, event.hints);
      const pk = primaryKeyOf(table, row);
      const rowKey = pk ? this.#rowKey(product, table.name, pk) : undefined;
      const rows = rowKey ? [rowKey] : [];
      const entities: EntityKey[] = [];
      let routeKey: string | undefined;
      const route = table.route;
      if (route.kind === 'parent') {
        const parentKey = row[route.key];
        if (parentKey !== undefined && parentKey !== null) {
          routeKey = this.#rowKey(product, route.table, [parentKey]);
          rows.push(routeKey);
        }
      } else {
        const id = entityIdOf(row[route.column] ?? null);
        if (id !== undefined) {
          routeKey = this.repo.entityKey(product, id);
          entities.push(routeKey);
        }
      }
      this.#coerced.set(event, { row, rowKey, routeKey });
      const tokens = event.op === 'd' ? [] : (this.#tokens?.prefetch(event, product, table, row) ?? []);
      return { rows, entities, tokens };
    } catch {
      return { rows: [], entities: [], tokens: [] }; // reported when the event is applied
    }
  }

  apply(product: Product, event: ChangeEvent, options: ApplyOptions): ApplyOutcome {
    const table = product.tablesByName.get(event.table);
    if (!table) {
      throw new CellarError(
        'CELLAR_ERR_EVENT_UNKNOWN_TABLE',
        `product ${product.name} has no table "${event.table}"`,
      );
    }
    if (event.op === 't') return { kind: 'truncate', table };
    const image = event.op === 'd' ? event.before : event.after;
    if (!image) {
      throw new CellarError(
        'CELLAR_ERR_EVENT_DECODE',
        `a "${event.op}" event for ${table.name} has no ${event.op === 'd' ? 'before' : 'after'} image`,
      );
    }
    const seen = this.#coerced.get(event);
    const row = seen?.row ?? toStoredRow(table, image, event.hints);
    const pk = requirePrimaryKey(table, row);
    const oldPk = this.#previousKey(table, event, pk);
    const rowKey = oldPk === pk && seen?.rowKey ? seen.rowKey : this.#rowKey(product, table.name, oldPk);
    const current = this.routes.lookup(rowKey);
    const rows = current === undefined ? [rowKey] : [];

    const resolved = this.#target(product, table, row, current ?? null, event.op === 'd', seen?.routeKey);
    if (resolved.kind === 'need-row') rows.push(resolved.row);
    if (rows.length > 0) return { kind: 'need', rows, entities: [] };

    if (event.op === 'd')
      return this.#delete(product, table, event, oldPk, rowKey, current ?? null, resolved, options);
    // The key of the row as it is now: the hash already made when the key did not change.
    const newRowKey = oldPk === pk ? rowKey : this.#rowKey(product, table.name, pk);
    if (resolved.kind === 'park') return { ...resolved, row: newRowKey };
    if (resolved.kind !== 'target') {
      throw new CellarError(
        'CELLAR_ERR_EVENT_UNROUTABLE',
        `a ${table.name} row names no entity and none is on record`,
      );
    }
    const keys = { pk, oldPk, rowKey: newRowKey, oldRowKey: rowKey };
    return this.#upsert(product, table, event, row, keys, current ?? null, resolved.target, options);
  }

  #upsert(
    product: Product,
    table: TableDef,
    event: ChangeEvent,
    row: StoredRow,
    keys: RowKeys,
    current: EntityKey | null,
    target: Target,
    options: ApplyOptions,
  ): ApplyOutcome {
    const { pk, oldPk } = keys;
    let dest = this.repo.cached(target.key); // once: each lookup probes maps with a 64-digit key
    const other = current && current !== target.key ? current : undefined;
    const missing = !dest && !this.repo.isKnownAbsent(target.key) ? [target.key] : [];
    // Looked up (made most recent) before a create below can evict: the source must stay cached.
    if (other && !this.repo.cached(other) && !this.repo.isKnownAbsent(other)) missing.push(other);
    if (missing.length > 0) return { kind: 'need', rows: [], entities: missing };

    if (!dest || dest.removed) {
      if (this.repo.isSuppressed(target.key)) return { kind: 'suppressed' };
      if (!table.root) return { kind: 'park', waitsFor: target.key, row: keys.rowKey };
      if (target.id === undefined) return { kind: 'noop' };
      dest = this.repo.create(product, target.id, target.key);
    }
    const source = other === undefined ? undefined : this.repo.cached(other);
    const touched = source && !source.removed ? [dest, source] : [dest];
    if (
      !options.ignoreWatermark &&
      touched.every((h) => h.hasApplied(event.position.stream, event.position.order))
    ) {
      return { kind: 'replay' };
    }

    const moving = source && !source.removed ? source : undefined;
    const tokens = this.#tokens?.planRow(event, table, row, { dest, pk, oldPk, moving });
    if (tokens?.kind === 'need') return { kind: 'need', rows: [], entities: [], tokens: tokens.hashes };

    let full = tokens === undefined ? row : (this.#tokens?.apply(tokens, dest, row) ?? row);
    if (moving) {
      const rowKey = (t: string, k: readonly StoredValue[]) => this.#rowKey(product, t, k);
      const carry = this.#tokens?.carry(moving, dest);
      const moved = moveRowTree(product, table, oldPk, moving, dest, this.routes, rowKey, carry);
      if (moved) this.#tokens?.carryUnchanged(table, moving, dest, moved, row);
      full = { ...moved, ...full };
      if (table.root) {
        // The root's key changed: the entity is renamed, and everything it holds goes along.
        moveAllRows(moving, dest, this.routes, rowKey, carry);
        moving.removed = true;
      }
    } else if (!sameKey(oldPk, pk)) {
      const previous = dest.db.getRow(table.name, oldPk);
      dest.db.delete(table.name, oldPk);
      full = { ...previous, ...full };
    }
    if (!sameKey(oldPk, pk)) this.routes.set(keys.oldRowKey, null);
    dest.db.upsert(table.name, full);
    const newRowKey = keys.rowKey;
    this.routes.set(newRowKey, dest.key);

    this.#record(touched, table, event, pk, options);
    const released = [...(table.children.length > 0 ? [newRowKey] : []), ...(table.root ? [dest.key] : [])];
    return { kind: 'applied', touched, released };
  }

  #delete(
    product: Product,
    table: TableDef,
    event: ChangeEvent,
    pk: StoredValue[],
    rowKey: string,
    current: EntityKey | null,
    resolved: Resolved,
    options: ApplyOptions,
  ): ApplyOutcome {
    const key = current ?? (table.root && resolved.kind === 'target' ? resolved.target.key : undefined);
    if (!key) return { kind: 'noop', unknownRow: rowKey };
    const handle = this.repo.cached(key);
    if (!handle) {
      if (!this.repo.isKnownAbsent(key)) return { kind: 'need', rows: [], entities: [key] };
      return this.repo.isSuppressed(key) ? { kind: 'suppressed' } : { kind: 'noop' };
    }
    if (handle.removed) return { kind: 'noop' };
    if (!options.ignoreWatermark && handle.hasApplied(event.position.stream, event.position.order)) {
      return { kind: 'replay' };
    }
    if (table.root) {
      for (const { table: t, pk: rowPk } of allRowKeys(handle))
        this.routes.set(this.#rowKey(product, t.name, rowPk), null);
      handle.removed = true;
    } else {
      handle.db.delete(table.name, pk);
      this.routes.set(rowKey, null);
    }
    this.#record([handle], table, event, pk, options);
    return { kind: 'applied', touched: [handle], released: [] };
  }

  #target(
    product: Product,
    table: TableDef,
    row: StoredRow,
    current: EntityKey | null,
    isDelete: boolean,
    /** The route's hash {@link prefetchKeys} made for this same row, if it did. */
    routeKey: string | undefined,
  ): Resolved {
    const route = table.route;
    if (route.kind === 'parent') {
      const parentKey = row[route.key];
      if (parentKey === undefined || parentKey === null)
        return current ? { kind: 'target', target: { key: current } } : { kind: 'none' };
      const parentRow = routeKey ?? this.#rowKey(product, route.table, [parentKey]);
      const parent = this.routes.lookup(parentRow);
      if (parent === undefined) return isDelete ? { kind: 'none' } : { kind: 'need-row', row: parentRow };
      if (parent === null) return { kind: 'park', waitsFor: parentRow };
      return { kind: 'target', target: { key: parent } };
    }
    const id = entityIdOf(row[route.column] ?? null);
    if (id !== undefined)
      return { kind: 'target', target: { key: routeKey ?? this.repo.entityKey(product, id), id } };
    return current ? { kind: 'target', target: { key: current } } : { kind: 'none' };
  }

  #previousKey(table: TableDef, event: ChangeEvent, pk: StoredValue[]): StoredValue[] {
    if (event.op !== 'u' || !event.before) return pk;
    const before = primaryKeyOf(table, toStoredRow(table, event.before, event.hints));
    return before ?? pk;
  }

  #record(
    touched: readonly EntityHandle[],
    table: TableDef,
    event: ChangeEvent,
    pk: StoredValue[],
    options: ApplyOptions,
  ): void {
    const { stream, token, order } = event.position;
    for (const handle of touched) {
      handle.markApplied(stream, order);
      if (!handle.removed) {
        handle.db.recordChange(
          { op: event.op, table: table.name, pk, stream, token, at: event.ts },
          options.changeHistoryLimit,
        );
      }
      this.repo.cache.markDirty(handle.key);
    }
  }

  #rowKey(product: Product, table: string, pk: readonly StoredValue[]): string {
    return this.keyring.rowKey(product.name, table, pk);
  }
}
