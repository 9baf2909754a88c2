import type { FlushResult } from './flusher.js';

/** Counters the engine keeps; read by progress output and metrics. */
export class SyncStats {
  applied = 0;
  rejected = 0;
  replayed = 0;
  noop = 0;
  /** Events dropped because their entity was erased (suppressed). */
  suppressed = 0;
  parked = 0;
  batches = 0;
  flushes = 0;
  backpressure = 0;
  entitiesWritten = 0;
  bytesWritten = 0;
  lastFlushMs = 0;
  lastFlushAt = 0;
  /** Source commit time of the newest applied event, per product (epoch ms). */
  readonly lastEventTs = new Map<string, number>();
  /** Source commit time of the newest event applied from each source, by connector name (epoch ms). */
  readonly lastEventTsBySource = new Map<string, number>();

  recordFlush(result: FlushResult): void {
    this.flushes += 1;
    this.entitiesWritten += result.entities;
    this.bytesWritten += result.bytes;
    this.lastFlushMs = result.durationMs;
    this.lastFlushAt = Date.now();
  }
}
