import type { Client } from 'pg';
import { CellarError } from '../../errors.js';
import type { Product, SourceDef } from '../../product/types.js';
import type { ChangeEvent } from '../../sync/change-event.js';
import type { Connector, ConnectorContext } from '../connector.js';
import { quoteIdent } from '../postgres-cdc/cdc-options.js';
import { connectClient, sourceError } from '../postgres-cdc/pg-session.js';
import { checkSourceTables } from '../postgres-cdc/source-catalog.js';
import { EntityQuery, type PulledEntity } from './entity-query.js';
import { PullClock, pulledEvents } from './pull-events.js';
import { type PullOptions, pullOptions } from './pull-options.js';

/** Root ids read per page while walking the root table. */
export const BACKFILL_PAGE_SIZE = 500;

/** How far a backfill has come. */
export interface BackfillProgress {
  readonly done: number;
  /** Root rows when the pass began (the source may change meanwhile). */
  readonly total: number | undefined;
}

const DONE = 'backfill-done';
const START = 'backfill-start';
const AFTER = 'backfill-after:';

/**
 * The initial load of a product from PostgreSQL (`cellar backfill`): walks the root table in
 * entity-id order and pulls each entity whole (see {@link EntityQuery}), `concurrency` at a time,
 * delivering them in id order.
 *
 * Resumable: the stream is `<product>/<source>/backfill`; an event's token says which entities are
 * complete (`backfill-after:<id>`: every id up to and including it). A restart continues after
 * the stored id; after a finished pass (`backfill-done`) a new pass starts from the beginning.
 * Orders come from a clock ({@link PullClock}), so a later pass always wins over an earlier one.
 */
export class BackfillConnector implements Connector {
  readonly name: string;
  readonly stream: string;
  readonly options: PullOptions;
  #done = 0;
  #total: number | undefined;
  #run: AbortController | undefined;

  constructor(
    private readonly product: Product,
    source: SourceDef,
    opts: { readonly concurrency?: number } = {},
  ) {
    const options = pullOptions(product, source);
    this.options =
      opts.concurrency === undefined ? options : Object.freeze({ ...options, concurrency: opts.concurrency });
    this.name = `${product.name}/${source.name}`;
    this.stream = `${this.name}/backfill`;
  }

  get progress(): BackfillProgress {
    return { done: this.#done, total: this.#total };
  }

  async start(ctx: ConnectorContext): Promise<void> {
    if (this.#run !== undefined)
      throw new CellarError('CELLAR_ERR_INTERNAL', `connector ${this.name} is already running`);
    const run = new AbortController();
    this.#run = run;
    const signal = AbortSignal.any([ctx.signal, run.signal]);
    const where = this.options.pg.where;
    const clients: Client[] = [];
    let delivering = false;
    try {
      for (let i = 0; i <= this.options.concurrency; i++)
        clients.push(await connectClient(this.options.pg.url, where));
      const [walker, ...pullers] = clients as [Client, ...Client[]];
      const query = new EntityQuery(
        this.product,
        await checkSourceTables(walker, this.product, this.options.pg),
      );
      const rootSource = this.options.pg.tables.find((t) => t.productTable === this.product.root.name);
      const route = this.product.root.route;
      if (rootSource === undefined || route.kind === 'parent') return; // pullOptions made sure of both
      const column = quoteIdent(route.column);
      const counted = await walker.query<{ n: string }>(`select count(*)::text as n from ${rootSource.sql}`);
      this.#total = Number(counted.rows[0]?.n ?? 0);
      let after = this.#resumeAfter(ctx.positions.get(this.stream));
      const clock = new PullClock();
      const mapped = new Set(this.options.pg.tables.map((t) => t.productTable));
      let held: ChangeEvent[] | undefined;
      for (;;) {
        // ORDER BY names the table's column: an output alias of the same name would sort as text.
        const key = `src.${column}`;
        const page = await walker.query<{ cellar_key: string }>(
          `select ${key}::text as cellar_key from ${rootSource.sql} src${after === undefined ? '' : ` where ${key} > $1`} order by ${key} limit ${BACKFILL_PAGE_SIZE}`,
          after === undefined ? [] : [after],
        );
        const ids = page.rows.map((r) => r.cellar_key);
        for (let i = 0; i < ids.length; i += pullers.length) {
          if (signal.aborted) return;
          const window = ids.slice(i, i + pullers.length);
          const pulled = await Promise.all(window.map((id, k) => query.pull(pullers[k] as Client, id)));
          const events = this.#events(pulled, after, clock, mapped);
          if (held !== undefined) {
            delivering = true;
            await ctx.deliver({ events: held, rejected: [] });
            delivering = false;
          }
          held = events;
          this.#done += window.length;
          after = window[window.length - 1];
        }
        if (ids.length < BACKFILL_PAGE_SIZE) break;
      }
      if (held !== undefined && held.length > 0 && !signal.aborted) {
        const last = held[held.length - 1] as ChangeEvent;
        held[held.length - 1] = { ...last, position: { ...last.position, token: DONE } };
        delivering = true;
        await ctx.deliver({ events: held, rejected: [] });
        delivering = false;
      }
    } catch (err) {
      if (delivering) throw err;
      throw sourceError(err, where, 'backfill failed');
    } finally {
      this.#run = undefined;
      await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
    }
  }

  async acknowledge(_positions: ReadonlyMap<string, string>): Promise<void> {}

  async stop(): Promise<void> {
    this.#run?.abort();
  }

  /** Events of a window of entities; each event's token names the last entity complete before it. */
  #events(
    pulled: readonly PulledEntity[],
    before: string | undefined,
    clock: PullClock,
    mapped: ReadonlySet<string>,
  ): ChangeEvent[] {
    const out: ChangeEvent[] = [];
    let complete = before;
    const ts = Date.now();
    for (const entity of pulled) {
      const events = pulledEvents(
        this.product,
        entity,
        mapped,
        () => {
          const order = clock.next();
          return {
            stream: this.stream,
            token: complete === undefined ? START : `${AFTER}${complete}`,
            order,
          };
        },
        ts,
      );
      const last = events[events.length - 1];
      if (last !== undefined)
        events[events.length - 1] = {
          ...last,
          position: { ...last.position, token: `${AFTER}${entity.id}` },
        };
      out.push(...events);
      complete = entity.id;
    }
    return out;
  }

  /** The id to continue after, or undefined to start from the beginning. */
  #resumeAfter(token: string | undefined): string | undefined {
    if (token === undefined || token === DONE || token === START) return undefined;
    if (token.startsWith(AFTER)) return token.slice(AFTER.length);
    throw new CellarError(
      'CELLAR_ERR_SOURCE_CONFIG',
      `source ${this.name}: the stored backfill position is not a backfill position`,
    );
  }
}
