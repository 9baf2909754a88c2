/**
 * Options of `AuditLog.open`, their defaults (units in the names) and their validation.
 */
import { CellarError } from '../../errors.js';
import type { SigningSeed } from './checkpoint-signer.js';

export const DEFAULT_CHECKPOINT_EVERY = 1000;
export const DEFAULT_CHECKPOINT_INTERVAL_MS = 60_000;
export const DEFAULT_ROTATE_BYTES = 64 * 1024 * 1024;
export const DEFAULT_GROUP_COMMIT_MS = 2;
/** Smallest `rotateBytes` accepted: below it a file would hold only a handful of records. */
export const MIN_ROTATE_BYTES = 1024;

export interface AuditLogOptions {
  /** The audit directory; created (mode 0700) when missing. */
  readonly dir: string;
  /** 32-byte Ed25519 seed of the checkpoint signing key, raw or in secure memory. */
  readonly signingSeed: SigningSeed;
  /** Records between count checkpoints. Default {@link DEFAULT_CHECKPOINT_EVERY}. */
  readonly checkpointEvery?: number;
  /** Longest time records stay uncovered by a checkpoint, ms; 0 disables. Default {@link DEFAULT_CHECKPOINT_INTERVAL_MS}. */
  readonly checkpointIntervalMs?: number;
  /** A file past this size, in bytes, is sealed and the next starts. Default {@link DEFAULT_ROTATE_BYTES}. */
  readonly rotateBytes?: number;
  /** Group-commit window, ms. Default {@link DEFAULT_GROUP_COMMIT_MS}. */
  readonly groupCommitMs?: number;
}

/** Options with defaults applied, validated, frozen. */
export interface Settings {
  readonly checkpointEvery: number;
  readonly checkpointIntervalMs: number;
  readonly rotateBytes: number;
  readonly groupCommitMs: number;
}

/** Applies defaults and checks ranges. Throws CELLAR_ERR_CONFIG_INVALID naming the option. */
export function validateSettings(options: AuditLogOptions): Settings {
  const settings: Settings = {
    checkpointEvery: options.checkpointEvery ?? DEFAULT_CHECKPOINT_EVERY,
    checkpointIntervalMs: options.checkpointIntervalMs ?? DEFAULT_CHECKPOINT_INTERVAL_MS,
    rotateBytes: options.rotateBytes ?? DEFAULT_ROTATE_BYTES,
    groupCommitMs: options.groupCommitMs ?? DEFAULT_GROUP_COMMIT_MS,
  };
  check('checkpointEvery', settings.checkpointEvery, 1, 10_000_000);
  check('checkpointIntervalMs', settings.checkpointIntervalMs, 0, 86_400_000);
  check('rotateBytes', settings.rotateBytes, MIN_ROTATE_BYTES, Number.MAX_SAFE_INTEGER);
  check('groupCommitMs', settings.groupCommitMs, 0, 1000);
  if (typeof options.dir !== 'string' || options.dir.length === 0) {
    throw new CellarError('CELLAR_ERR_CONFIG_INVALID', 'audit log option dir must be a non-empty path');
  }
  return Object.freeze(settings);
}

function check(name: string, value: number, min: number, max: number): void {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new CellarError(
      'CELLAR_ERR_CONFIG_INVALID',
      `audit log option ${name} must be an integer from ${min} to ${max}`,
    );
  }
}
