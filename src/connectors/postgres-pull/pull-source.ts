import pg from 'pg';
import { CellarError } from '../../errors.js';
import type { Product, SourceDef } from '../../product/types.js';
import type { ChangeBatch } from '../../sync/change-event.js';
import { clientConfig, sourceError } from '../postgres-cdc/pg-session.js';
import { checkSourceTables } from '../postgres-cdc/source-catalog.js';
import { EntityQuery, type PulledEntity } from './entity-query.js';
import { type CurrentKeys, PullClock, pulledEvents } from './pull-events.js';
import { type PullOptions, type PullSyncPolicy, pullOptions } from './pull-options.js';

/** A pulled entity and the batch that makes the entity what the source holds. */
export interface PullResult {
  readonly entity: PulledEntity;
  readonly batch: ChangeBatch;
}

/**
 * Pulls single entities from a PostgreSQL source on demand — for `sync: { mode: on-demand, ttl }`,
 * where a read of a missing or stale entity pulls it first. Connections come from a pool of at
 * most `concurrency`; the tables and columns are checked on the first pull.
 *
 * Events are on stream `<product>/<source>`, tokens `pull:<order>`, orders from a clock (see
 * {@link PullClock}) so that a later pull of the same entity always wins over an earlier one.
 * Hand the batch to the sync engine (or an applier) like any connector's.
 */
export class PostgresPullSource {
  readonly name: string;
  readonly stream: string;
  readonly options: PullOptions;
  readonly #pool: pg.Pool;
  readonly #clock = new PullClock();
  #query: Promise<EntityQuery> | undefined;

  constructor(
    private readonly product: Product,
    source: SourceDef,
  ) {
    this.options = pullOptions(product, source);
    this.name = `${product.name}/${source.name}`;
    this.stream = this.name;
    this.#pool = new pg.Pool({
      ...clientConfig(this.options.pg.url, 'cellar-pull'),
      max: this.options.concurrency,
    });
    this.#pool.on('error', () => undefined); // an idle connection that broke; the next checkout reconnects
  }

  /** The source's on-read sync rule, when it has one. */
  get policy(): PullSyncPolicy | undefined {
    return this.options.policy;
  }

  /**
   * Reads entity `id` from the source tables and returns it with the events that bring the
   * micro-DB in line. Give `current` (the primary keys the entity holds now, as text) to also
   * delete rows the source no longer has. Throws CELLAR_ERR_SOURCE_UNAVAILABLE or
   * CELLAR_ERR_SOURCE_CONFIG.
   */
  async pullEntity(id: string, current?: CurrentKeys): Promise<PullResult> {
    const where = this.options.pg.where;
    const query = await this.#entityQuery();
    const client = await this.#pool.connect().catch((err: unknown) => {
      throw sourceError(err, where, 'cannot connect');
    });
    let entity: PulledEntity;
    try {
      entity = await query.pull(client, id);
    } catch (err) {
      client.release(err instanceof Error ? err : true);
      throw sourceError(err, where, 'cannot read the entity');
    }
    client.release();
    const mapped = new Set(this.options.pg.tables.map((t) => t.productTable));
    const events = pulledEvents(
      this.product,
      entity,
      mapped,
      () => {
        const order = this.#clock.next();
        return { stream: this.stream, token: `pull:${order}`, order };
      },
      Date.now(),
      current,
    );
    return { entity, batch: { events, rejected: [] } };
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }

  #entityQuery(): Promise<EntityQuery> {
    this.#query ??= this.#pool
      .connect()
      .then(async (client) => {
        try {
          return new EntityQuery(
            this.product,
            await checkSourceTables(client, this.product, this.options.pg),
          );
        } finally {
          client.release();
        }
      })
      .catch((err: unknown) => {
        this.#query = undefined; // a later pull tries again
        throw sourceError(err, this.options.pg.where, 'cannot check the source tables');
      });
    return this.#query;
  }
}

/** Creates the on-demand puller of a `postgres-pull` (or `postgres-cdc`) source. */
export function createPullSource(product: Product, source: SourceDef): PostgresPullSource {
  if (source.type !== 'postgres-pull' && source.type !== 'postgres-cdc') {
    throw new CellarError(
      'CELLAR_ERR_SOURCE_CONFIG',
      `source ${product.name}/${source.name} cannot be pulled from`,
    );
  }
  return new PostgresPullSource(product, source);
}
