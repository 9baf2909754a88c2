import type { Client } from 'pg';
import { CellarError } from '../../errors.js';
import type { Product, SourceDef } from '../../product/types.js';
import type { ChangeEvent } from '../../sync/change-event.js';
import type { Connector, ConnectorContext } from '../connector.js';
import { AckTracker } from './ack-tracker.js';
import { backoffMs, sleep } from './backoff.js';
import { CdcMetrics, type CdcMetricsSnapshot } from './cdc-metrics.js';
import { type PgSourceOptions, pgSourceOptions } from './cdc-options.js';
import { type CdcPosition, parseCdcToken } from './cdc-position.js';
import { ChangeMapper } from './change-mapper.js';
import { parseLsn, reachableLsn } from './lsn.js';
import { isRetryable, sourceError, withClient } from './pg-session.js';
import { ensurePublication } from './publication.js';
import { dropSlot, findSlot, type SlotInfo } from './replication-slot.js';
import { type SnapshotResult, takeSnapshot } from './snapshot-phase.js';
import {
  type CheckedTable,
  checkSourceTables,
  loadTypeNames,
  requireLogicalReplication,
  type ServerFacts,
  serverFacts,
} from './source-catalog.js';
import { StreamRunner } from './stream-runner.js';

/** What the checks at start found out. */
interface Preflight {
  readonly facts: ServerFacts;
  readonly tables: readonly CheckedTable[];
  readonly typeNames: Map<number, string>;
  readonly slot: SlotInfo | undefined;
  readonly catchUpLsn: bigint | undefined;
}

/** The state of one `start`, kept until `stop` so the final acknowledgement still reaches the slot. */
interface ActiveRun {
  readonly controller: AbortController;
  ack?: AckTracker;
  runner?: StreamRunner;
}

/**
 * Change-data-capture from PostgreSQL by logical replication (pgoutput).
 *
 * On start it checks the server and the tables (a product column missing from its source table
 * is CELLAR_ERR_SOURCE_CONFIG, naming it), makes sure the publication exists, then either:
 * - **snapshots**, when there is no slot or no stored proof that a snapshot completed: it
 *   (re)creates the slot, reads every table as of the snapshot the slot exported (`r` events),
 *   and marks the last snapshot event `snapshot-done`; when an earlier, unfinished pass (or a
 *   lost slot) left data behind, the tables are truncated first so rows deleted meanwhile do not
 *   linger;
 * - or **resumes** the slot from the stored position.
 * It then streams from the slot (see {@link StreamRunner}) until aborted or, for a one-off sync,
 * until it has passed the WAL position read at start.
 *
 * `acknowledge` confirms to the slot only transactions whose every change is durable. Figures
 * for /metrics are on {@link metrics}.
 */
export class PostgresCdcConnector implements Connector {
  readonly name: string;
  /** The one stream this source writes positions for: `<product>/<source>`. */
  readonly stream: string;
  readonly options: PgSourceOptions;
  readonly #metrics = new CdcMetrics();
  #active: ActiveRun | undefined;

  constructor(
    private readonly product: Product,
    source: SourceDef,
  ) {
    if (source.type !== 'postgres-cdc') {
      throw new CellarError(
        'CELLAR_ERR_SOURCE_CONFIG',
        `source ${product.name}/${source.name} has type ${source.type}, not postgres-cdc`,
      );
    }
    this.options = pgSourceOptions(product, source);
    this.name = `${product.name}/${source.name}`;
    this.stream = this.name;
  }

  /** Lag, throughput and slot position now. */
  get metrics(): CdcMetricsSnapshot {
    return this.#metrics.snapshot();
  }

  async start(ctx: ConnectorContext): Promise<void> {
    if (this.#active !== undefined) {
      throw new CellarError('CELLAR_ERR_INTERNAL', `connector ${this.name} is already running`);
    }
    const active: ActiveRun = { controller: new AbortController() };
    this.#active = active;
    try {
      await this.#run(ctx, active);
    } catch (err) {
      await active.runner?.close();
      if (this.#active === active) this.#active = undefined;
      throw err;
    }
  }

  async #run(ctx: ConnectorContext, active: ActiveRun): Promise<void> {
    const signal = AbortSignal.any([ctx.signal, active.controller.signal]);
    const stored = this.#storedPosition(ctx);
    // Snapshot events delivered by an attempt that then failed: a retry continues after them.
    let delivered: bigint | undefined;
    let engineFailed = false;
    const deliver = async (events: readonly ChangeEvent[]): Promise<void> => {
      try {
        await ctx.deliver({ events, rejected: [] });
      } catch (err) {
        engineFailed = true;
        throw err;
      }
      const last = events[events.length - 1];
      if (last !== undefined) delivered = last.position.order;
    };
    const plan = await this.#retrying(
      signal,
      ctx.follow,
      () => engineFailed,
      async () => {
        const pre = await this.#preflight(ctx.follow);
        if (
          pre.slot !== undefined &&
          stored !== undefined &&
          delivered === undefined &&
          (stored.kind === 'stream' || stored.done)
        ) {
          const startLsn = stored.kind === 'stream' ? stored.commitLsn : (pre.slot.confirmedFlush ?? 0n);
          return { pre, startLsn, skipOrder: stored.order };
        }
        const known: CdcPosition | undefined =
          delivered === undefined ? stored : { kind: 'snapshot', order: delivered, done: false };
        const snap = await this.#snapshot(signal, pre, known, deliver);
        return snap === undefined
          ? undefined
          : { pre, startLsn: snap.consistentPoint, skipOrder: snap.lastOrder };
      },
    );
    if (plan === undefined) return;
    const { pre, startLsn, skipOrder } = plan;

    const ack = new AckTracker(
      stored?.order ?? 0n,
      startLsn > 0n ? startLsn : (pre.slot?.confirmedFlush ?? 0n),
    );
    this.#metrics.confirmed = ack.confirmed;
    this.#metrics.oldestPendingMs = () => ack.oldestPendingMs();
    this.#metrics.phase = 'streaming';
    const runner = new StreamRunner({
      options: this.options,
      stream: this.stream,
      mapper: new ChangeMapper(this.product, this.options, pre.typeNames),
      ack,
      metrics: this.#metrics,
      deliver,
      signal,
      startLsn,
      skipOrder,
      catchUpLsn: pre.catchUpLsn,
    });
    active.ack = ack;
    active.runner = runner;
    await runner.run();
  }

  async acknowledge(positions: ReadonlyMap<string, string>): Promise<void> {
    const token = positions.get(this.stream);
    const active = this.#active;
    if (token === undefined || active?.ack === undefined) return;
    if (active.ack.acknowledged(parseCdcToken(token, this.name).order)) {
      this.#metrics.confirmed = active.ack.confirmed;
      active.runner?.sendStatus();
    }
  }

  async stop(): Promise<void> {
    const active = this.#active;
    if (active === undefined) return;
    active.controller.abort();
    await active.runner?.close();
    if (this.#active === active) this.#active = undefined;
    this.#metrics.phase = 'stopped';
  }

  #storedPosition(ctx: ConnectorContext): CdcPosition | undefined {
    const token = ctx.positions.get(this.stream);
    return token === undefined ? undefined : parseCdcToken(token, this.name);
  }

  async #preflight(follow: boolean): Promise<Preflight> {
    const { options, product } = this;
    return withClient(options.url, options.where, async (client: Client) => {
      const facts = await serverFacts(client);
      requireLogicalReplication(facts, options.where);
      const tables = await checkSourceTables(client, product, options);
      await ensurePublication(client, options).catch((err: unknown) => {
        throw sourceError(err, options.where, `cannot set up publication ${options.publication}`);
      });
      const typeNames = await loadTypeNames(client);
      const slot = await findSlot(client, options.slot, options.where);
      let catchUpLsn: bigint | undefined;
      if (!follow) {
        const { rows } = await client.query<{ lsn: string }>(
          'select pg_current_wal_insert_lsn()::text as lsn',
        );
        catchUpLsn = reachableLsn(parseLsn(rows[0]?.lsn ?? '0/0'), facts.walPageSize, facts.walSegmentSize);
      }
      return { facts, tables, typeNames, slot, catchUpLsn };
    }).catch((err: unknown) => {
      throw sourceError(err, options.where, 'cannot prepare the source');
    });
  }

  /** Drops a slot that cannot be resumed and snapshots into a new one. Undefined when aborted. */
  async #snapshot(
    signal: AbortSignal,
    pre: Preflight,
    known: CdcPosition | undefined,
    deliver: (events: readonly ChangeEvent[]) => Promise<void>,
  ): Promise<SnapshotResult | undefined> {
    const { options } = this;
    if (pre.slot !== undefined) {
      await withClient(options.url, options.where, (client) => dropSlot(client, options.slot, options.where));
    }
    this.#metrics.phase = 'snapshot';
    return takeSnapshot({
      product: this.product,
      options,
      stream: this.stream,
      tables: pre.tables,
      versionNum: pre.facts.versionNum,
      // Data from an unfinished pass, or from before the slot was lost, may hold deleted rows.
      resync: known !== undefined,
      firstOrder: (known?.order ?? 0n) + 1n,
      signal,
      metrics: this.#metrics,
      deliver,
    });
  }

  /**
   * Runs `fn`, retrying with backoff while it fails for reasons that may pass (never after the
   * engine itself failed). A one-off sync gives up after `reconnectAttempts`. Undefined when aborted.
   */
  async #retrying<T>(
    signal: AbortSignal,
    follow: boolean,
    engineFailed: () => boolean,
    fn: () => Promise<T>,
  ): Promise<T | undefined> {
    const { options } = this;
    for (let attempt = 1; ; attempt++) {
      if (signal.aborted) return undefined;
      try {
        return await fn();
      } catch (err) {
        if (engineFailed() || !isRetryable(err) || (!follow && attempt >= options.reconnectAttempts))
          throw err;
        this.#metrics.reconnects += 1;
        await sleep(backoffMs(attempt, options.reconnectMinMs, options.reconnectMaxMs), signal);
      }
    }
  }
}

/** Creates the connector for a `postgres-cdc` source. Throws CELLAR_ERR_SOURCE_CONFIG on bad options. */
export function createPostgresCdcConnector(product: Product, source: SourceDef): PostgresCdcConnector {
  return new PostgresCdcConnector(product, source);
}
