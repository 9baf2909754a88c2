import type { CellarConfig } from '../../config/types.js';
import type { BlobStore } from '../../store/blob-store.js';
import type { KeyStore, RotationState } from '../../store/key-store.js';

/** Keys re-wrapped per key-store transaction (each one durable, with the progress it reached). */
export const DEFAULT_ROTATION_BATCH_KEYS = 500;

/** What a rotation works on: the configuration (where master keys come from) and both stores. */
export interface RotationContext {
  readonly config: CellarConfig;
  readonly keys: KeyStore;
  readonly blobs: BlobStore;
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** Progress as a rotation reports it: after every batch. */
export interface RotationProgress {
  readonly phase: 'rewrap' | 'reencrypt';
  /** Keys (rewrap) or entities (reencrypt) handled so far in this phase, this run included. */
  readonly done: number;
  /** How many there are in all (an estimate: keys may come and go meanwhile). */
  readonly total: number;
}

export interface RotateOptions {
  /** Also replace every entity's data key and re-encrypt its blob (`--reencrypt`). */
  readonly reencrypt?: boolean;
  /** Products whose blobs `reencrypt` rewrites (the configuration's products). */
  readonly products?: readonly string[];
  /** Keys per transaction. Default {@link DEFAULT_ROTATION_BATCH_KEYS}. */
  readonly batchKeys?: number;
  readonly onProgress?: (progress: RotationProgress) => void;
  /** Called after each durable batch (tests use it to stop a rotation mid-way). */
  readonly afterBatch?: () => void | Promise<void>;
}

/** What a rotation run did. */
export interface RotationReport {
  /** The master key version every key is wrapped by now. */
  readonly target: number;
  /** True when this run continued a rotation an earlier run had started. */
  readonly resumed: boolean;
  /** True when this run created the target version's key. */
  readonly created: boolean;
  /** Keys re-wrapped and entities re-encrypted by this run. */
  readonly rewrapped: number;
  readonly reencrypted: number;
  readonly state: RotationState;
}
