/**
 * What the sync engine of a serving process is doing, as `/readyz` reports it. The process that
 * runs the engine (cellar serve) keeps it; the app only reads it.
 */
export type SyncState =
  /** Opened, not yet running. */
  | 'starting'
  /** Sources are being read (initial sync or following). */
  | 'running'
  /** Bounded sources were read to their end and everything is durable. */
  | 'drained'
  /** Shutting down or shut down. */
  | 'stopped'
  /** Stopped after an unrecoverable error (see the process log). */
  | 'failed';

/** States in which the service counts as ready. */
export const READY_SYNC_STATES: ReadonlySet<SyncState> = new Set(['running', 'drained']);
