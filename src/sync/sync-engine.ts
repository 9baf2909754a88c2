import type { Connector } from '../connectors/connector.js';
import { CellarError } from '../errors.js';
import type { TokenIndex } from '../governance/tokens/token-index.js';
import type { Product } from '../product/types.js';
import type { EntityRepository } from '../runtime/entity-repository.js';
import type { BlobStore } from '../store/blob-store.js';
import type { Applier } from './applier.js';
import { type Attempt, attemptApply, settleNow } from './apply-outcome.js';
import type { ChangeBatch, ChangeEvent, RejectedInput } from './change-event.js';
import type { DeadLetterQueue } from './dead-letters.js';
import { eventToJson } from './event-json.js';
import type { Flusher, FlushResult } from './flusher.js';
import type { ParkingLot } from './parking-lot.js';
import { PositionBook } from './position-book.js';
import type { RouteTable } from './route-table.js';
import { SyncStats } from './sync-stats.js';
import { TruncateRunner } from './truncate-runner.js';

export interface SyncEngineOptions {
  readonly flushIntervalMs: number;
  readonly maxDirtyEntities: number;
  readonly orphanWaitMs: number;
  readonly changeHistoryLimit: number;
}

/** A connector bound to the product whose tables its events name. */
export interface BoundSource {
  readonly product: Product;
  readonly connector: Connector;
}

export interface SyncEngineDeps {
  readonly blobs: BlobStore;
  readonly repo: EntityRepository;
  readonly routes: RouteTable;
  readonly applier: Applier;
  readonly flusher: Flusher;
  readonly parking: ParkingLot;
  readonly deadLetters: DeadLetterQueue;
  readonly productsByName: ReadonlyMap<string, Product>;
  /** The token index the applier's tokenizer and the flusher share (absent: no tokenization). */
  readonly tokens?: TokenIndex;
}

/** Called after every group commit (the audit log records flushes through it). */
export type FlushListener = (
  result: FlushResult,
  positions: ReadonlyMap<string, string>,
) => Promise<void> | void;

/** Load rounds an event may need: routes, entities, token-index entries, redrawn token candidates. */
const MAX_LOAD_ROUNDS = 8;

/**
 * Runs sources into micro-DBs: applies each delivered batch in order, group-commits dirty
 * entities with the source positions they reached, then acknowledges the sources. Everything that
 * touches engine state runs one step at a time through {@link exclusive}.
 */
export class SyncEngine {
  readonly stats = new SyncStats();
  readonly #positions = new PositionBook();
  #tail: Promise<unknown> = Promise.resolve();
  #failure: unknown;
  readonly #listeners: FlushListener[] = [];
  readonly #truncate: TruncateRunner;

  constructor(
    private readonly deps: SyncEngineDeps,
    private readonly options: SyncEngineOptions,
  ) {
    this.#truncate = new TruncateRunner(deps.blobs, deps.repo, deps.routes, options.maxDirtyEntities, () =>
      this.#flushLocked(),
    );
  }

  onFlush(listener: FlushListener): void {
    this.#listeners.push(listener);
  }

  /**
   * Runs the sources until they are drained (`follow: false`) or until `signal` aborts, then makes
   * everything applied durable. Rejects on the first unrecoverable error, after stopping every source.
   */
  async run(sources: readonly BoundSource[], opts: { follow: boolean; signal?: AbortSignal }): Promise<void> {
    const controller = new AbortController();
    const abort = () => controller.abort();
    opts.signal?.addEventListener('abort', abort, { once: true });
    this.#positions.load(await this.deps.blobs.positions());
    const timer = setInterval(() => {
      void this.exclusive(() => this.#tick()).catch((err) => this.#fail(err, controller));
    }, this.options.flushIntervalMs);
    try {
      const runs = sources.map(({ product, connector }) =>
        connector
          .start({
            positions: this.#positions.committed,
            follow: opts.follow,
            signal: controller.signal,
            deliver: (batch) => this.#deliver(product, connector, batch),
          })
          .catch((err) => this.#fail(err, controller)),
      );
      await Promise.all(runs);
      if (this.#failure === undefined) await this.exclusive(() => this.#flushLocked());
    } finally {
      clearInterval(timer);
      opts.signal?.removeEventListener('abort', abort);
      await Promise.allSettled(sources.map(({ connector }) => connector.stop()));
    }
    if (this.#failure !== undefined) throw this.#failure;
  }

  /** Makes everything applied so far durable and acknowledged. */
  flush(): Promise<FlushResult | undefined> {
    return this.exclusive(() => this.#flushLocked());
  }

  /** Runs `fn` after every step queued before it, alone. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#tail.then(fn);
    this.#tail = run.catch(() => undefined);
    return run;
  }

  /**
   * Runs `fn` alone after making everything applied so far durable: for writes beside sync (erasure,
   * tokenizing through the API), given the caches they must keep in step with what they write.
   */
  isolated<T>(
    fn: (caches: { routes: RouteTable; tokens: TokenIndex | undefined }) => Promise<T>,
  ): Promise<T> {
    return this.exclusive(async () => {
      await this.#flushLocked();
      return fn({ routes: this.deps.routes, tokens: this.deps.tokens });
    });
  }

  /** The token index sync tokenizes with, shared with the token API (absent: no tokenization). */
  get tokens(): TokenIndex | undefined {
    return this.deps.tokens;
  }

  /** Stored positions after the last commit, stream → token. */
  committedPositions(): ReadonlyMap<string, string> {
    return this.#positions.committed;
  }

  async #deliver(product: Product, connector: Connector, batch: ChangeBatch): Promise<void> {
    if (this.#failure !== undefined)
      throw new CellarError('CELLAR_ERR_SYNC_STOPPED', 'sync stopped after an error');
    await this.exclusive(async () => {
      const positions = [...batch.events.map((e) => e.position), ...batch.rejected.map((r) => r.position)];
      // Owners first: applying may dead-letter, and a stream's owner is told of its dead letters.
      this.#positions.own(positions, connector);
      await this.#applyBatch(product, batch);
      this.#noteSourceTime(connector, batch);
      this.#positions.applied(positions);
      if (this.deps.repo.cache.dirtyCount >= this.options.maxDirtyEntities) {
        this.stats.backpressure += 1;
        await this.#flushLocked();
      }
    });
  }

  /** Records the newest source time a batch carried, per connector (freshness per source). */
  #noteSourceTime(connector: Connector, batch: ChangeBatch): void {
    let newest = this.stats.lastEventTsBySource.get(connector.name) ?? Number.NEGATIVE_INFINITY;
    for (const event of batch.events) if (event.ts > newest) newest = event.ts;
    if (Number.isFinite(newest)) this.stats.lastEventTsBySource.set(connector.name, newest);
  }

  async #applyBatch(product: Product, batch: ChangeBatch): Promise<void> {
    const rows: string[] = [];
    const entities: string[] = [];
    const tokens: string[] = [];
    for (const event of batch.events) {
      const keys = this.deps.applier.prefetchKeys(product, event);
      rows.push(...keys.rows);
      entities.push(...keys.entities);
      tokens.push(...keys.tokens);
    }
    await this.deps.routes.fetch(rows);
    await this.deps.repo.preload(product, entities);
    await this.deps.tokens?.fetch(tokens);
    for (const event of batch.events) {
      const pending = this.#applyNow(product, event);
      if (pending !== undefined) await pending;
    }
    for (const r of batch.rejected) await this.#deadLetter(product.name, r);
    this.stats.batches += 1;
  }

  /** Applies one event; a promise (no microtask per event) only when it must be awaited: see settleNow. */
  #applyNow(product: Product, event: ChangeEvent): Promise<void> | undefined {
    const outcome = this.#attempt(product, event, false);
    return this.#settled(product, event, outcome)
      ? undefined
      : this.#applyOne(product, event, false, outcome);
  }

  #attempt(product: Product, event: ChangeEvent, ignoreWatermark: boolean): Attempt {
    const { changeHistoryLimit } = this.options;
    return attemptApply(this.deps.applier, product, event, { ignoreWatermark, changeHistoryLimit });
  }

  #settled(product: Product, event: ChangeEvent, outcome: Attempt): boolean {
    return settleNow(this.stats, this.deps.parking, product, event, outcome);
  }

  /** Applies one event, loading what it needs; `first`: the outcome of a try already made. */
  async #applyOne(product: Product, event: ChangeEvent, ignoreWatermark: boolean, first?: Attempt) {
    for (let round = 0; round < MAX_LOAD_ROUNDS; round++) {
      const outcome = round === 0 && first ? first : this.#attempt(product, event, ignoreWatermark);
      if (outcome.kind !== 'applied' && this.#settled(product, event, outcome)) return;
      switch (outcome.kind) {
        case 'error':
          await this.#deadLetter(product.name, {
            position: event.position,
            code: outcome.error.code,
            reason: outcome.error.message,
            raw: eventToJson(event),
          });
          return;
        case 'need':
          await this.deps.routes.fetch(outcome.rows);
          await this.deps.repo.preload(product, outcome.entities);
          await this.deps.tokens?.fetch(outcome.tokens ?? []);
          continue;
        case 'park':
          await this.deps.parking.park(
            product.name,
            outcome.waitsFor,
            event,
            Date.now() + this.options.orphanWaitMs,
            outcome.row,
          );
          this.stats.parked += 1;
          return;
        case 'truncate':
          this.stats.applied += await this.#truncate.run(product, outcome.table, event);
          return;
        case 'applied':
          this.stats.applied += 1;
          this.stats.lastEventTs.set(product.name, event.ts);
          await this.#release(outcome.released);
          return;
        default:
          return;
      }
    }
    throw new Error(`an event for ${event.table} still needed data after ${MAX_LOAD_ROUNDS} loads`);
  }

  async #deadLetter(product: string, input: RejectedInput): Promise<void> {
    await this.deps.deadLetters.add(product, input.position, input.code, input.reason, input.raw);
    this.stats.rejected += 1;
    await this.#positions.owner(input.position.stream)?.deadLetter?.(input);
  }

  async #release(waitsFor: readonly string[]): Promise<void> {
    for (const key of waitsFor) {
      for (const parked of this.deps.parking.release(key)) {
        const product = this.deps.productsByName.get(parked.product);
        if (product) await this.#applyOne(product, parked.event, true);
      }
    }
  }

  async #tick(): Promise<void> {
    await this.#flushLocked();
  }

  async #expireOrphans(): Promise<void> {
    for (const parked of this.deps.parking.expired(Date.now())) {
      await this.#deadLetter(parked.product, {
        position: parked.event.position,
        code: 'CELLAR_ERR_EVENT_ORPHAN',
        reason: `a ${parked.event.table} row waited ${this.options.orphanWaitMs} ms for its parent, which never arrived`,
        raw: eventToJson(parked.event),
      });
    }
  }

  async #flushLocked(): Promise<FlushResult | undefined> {
    await this.#expireOrphans();
    const positions = this.#positions.pending();
    if (!this.deps.flusher.hasWork && positions.size === 0) return undefined;
    const result = await this.deps.flusher.flush(positions);
    this.#positions.committedNow(positions);
    this.stats.recordFlush(result);
    for (const listener of this.#listeners) await listener(result, positions);
    await this.#positions.acknowledge(positions);
    return result;
  }

  #fail(err: unknown, controller: AbortController): void {
    this.#failure ??= err;
    controller.abort();
  }
}
