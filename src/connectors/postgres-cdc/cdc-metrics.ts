import { formatLsn } from './lsn.js';

/** What a `postgres-cdc` source is doing. */
export type CdcPhase = 'idle' | 'snapshot' | 'streaming' | 'stopped';

/** A `postgres-cdc` source's figures at one moment, for /metrics and progress output. */
export interface CdcMetricsSnapshot {
  readonly phase: CdcPhase;
  /** The slot's confirmed position as last sent (`X/Y`): everything before it is durable. */
  readonly slotLsn: string | undefined;
  /** The newest WAL position the stream has received. */
  readonly receivedLsn: string | undefined;
  /** The newest WAL end the server reported. */
  readonly serverLsn: string | undefined;
  /** WAL bytes between the server's end and the confirmed position: what the slot holds back. */
  readonly lagBytes: number;
  /** Age of the oldest change received but not yet durable, seconds; 0 when there is none. */
  readonly lagSeconds: number;
  /** Events delivered per second over the last {@link RATE_WINDOW_S} seconds. */
  readonly eventsPerSecond: number;
  readonly eventsTotal: number;
  readonly snapshotRows: number;
  readonly reconnects: number;
}

/** Seconds over which the event rate is averaged. */
export const RATE_WINDOW_S = 10;

/** The counters behind {@link CdcMetricsSnapshot}, updated by the source as it goes. */
export class CdcMetrics {
  phase: CdcPhase = 'idle';
  confirmed: bigint | undefined;
  received: bigint | undefined;
  server: bigint | undefined;
  eventsTotal = 0;
  snapshotRows = 0;
  reconnects = 0;
  /** Commit time of the oldest transaction not yet durable, epoch ms. */
  oldestPendingMs: () => number | undefined = () => undefined;
  readonly #buckets = new Map<number, number>();

  delivered(count: number, now = Date.now()): void {
    this.eventsTotal += count;
    const second = Math.floor(now / 1000);
    this.#buckets.set(second, (this.#buckets.get(second) ?? 0) + count);
    for (const key of this.#buckets.keys()) if (key <= second - RATE_WINDOW_S) this.#buckets.delete(key);
  }

  receivedAt(lsn: bigint): void {
    if (this.received === undefined || lsn > this.received) this.received = lsn;
    this.serverAt(lsn);
  }

  serverAt(lsn: bigint): void {
    if (this.server === undefined || lsn > this.server) this.server = lsn;
  }

  snapshot(now = Date.now()): CdcMetricsSnapshot {
    const second = Math.floor(now / 1000);
    let recent = 0;
    for (const [key, count] of this.#buckets) if (key > second - RATE_WINDOW_S) recent += count;
    const oldest = this.oldestPendingMs();
    const lag = this.server !== undefined && this.confirmed !== undefined ? this.server - this.confirmed : 0n;
    return {
      phase: this.phase,
      slotLsn: this.confirmed === undefined ? undefined : formatLsn(this.confirmed),
      receivedLsn: this.received === undefined ? undefined : formatLsn(this.received),
      serverLsn: this.server === undefined ? undefined : formatLsn(this.server),
      lagBytes: lag > 0n ? Number(lag) : 0,
      lagSeconds: oldest === undefined ? 0 : Math.max(0, (now - oldest) / 1000),
      eventsPerSecond: recent / RATE_WINDOW_S,
      eventsTotal: this.eventsTotal,
      snapshotRows: this.snapshotRows,
      reconnects: this.reconnects,
    };
  }
}
