/**
 * The audit record: one line of the audit log. Every request that touches entity data (allowed or
 * refused), every sync flush, every administrative act and every signed checkpoint is one record,
 * chained to the record before it by `prev` and sealed by `hash` (see record-hash.ts).
 *
 * Records never hold entity data. Entity ids arrive already replaced by a keyed hash (64 hex
 * characters, computed by the caller, e.g. `Keyring.hashForAudit`); every other field is a name
 * (principal, roles, action, product, tables, columns), an outcome, an id or a count.
 * `checkRecordFields()` enforces this on append and on verify.
 */

/** The `prev` of the first record: 64 zeros. */
export const ZERO_HASH = '0'.repeat(64);

export const AUDIT_KINDS = ['access', 'flush', 'checkpoint', 'admin'] as const;
export type AuditKind = (typeof AUDIT_KINDS)[number];

export const ACCESS_OUTCOMES = ['allowed', 'denied', 'not-found', 'error'] as const;
export type AccessOutcome = (typeof ACCESS_OUTCOMES)[number];

/**
 * Actions the runtime records today. Other lowercase kebab-case names are accepted too, so that a
 * new route does not need a change here.
 */
export const KNOWN_ACCESS_ACTIONS = [
  'read',
  'query',
  'tokenize',
  'detokenize',
  'erase',
  'audit-read',
  'audit-verify',
] as const;
export type AccessAction = (typeof KNOWN_ACCESS_ACTIONS)[number] | (string & {});

/** Why a checkpoint was written. */
export const CHECKPOINT_CAUSES = ['count', 'interval', 'rotate', 'close', 'recover'] as const;
export type CheckpointCause = (typeof CHECKPOINT_CAUSES)[number];

/** Fields the log assigns to every record. */
export interface ChainFields {
  /** 1, 2, 3, … across all files, without gaps. */
  readonly seq: number;
  /** ISO-8601 UTC with milliseconds. Never decreases along the chain (see docs/audit.md). */
  readonly at: string;
  /** `hash` of the previous record, {@link ZERO_HASH} for the first. */
  readonly prev: string;
  /** BLAKE2b-256 hex of `prev` and the canonical form of every other field. */
  readonly hash: string;
}

/** A request that touched (or tried to touch) entity data. */
export interface AccessFields {
  readonly kind: 'access';
  readonly requestId: string;
  readonly principal: string;
  readonly roles: readonly string[];
  readonly action: AccessAction;
  readonly product?: string;
  /** Keyed hash of the entity id, 64 lowercase hex. Never the raw id. */
  readonly entity?: string;
  readonly tables?: readonly string[];
  readonly columns?: readonly string[];
  readonly outcome: AccessOutcome;
  /** HTTP status sent, when the request came over HTTP. */
  readonly status?: number;
}

/** One sync group commit. */
export interface FlushFields {
  readonly kind: 'flush';
  /** The product flushed, when a flush covers one product. */
  readonly product?: string;
  /** Keyed hashes of the entities written (64 lowercase hex each). */
  readonly entities: readonly string[];
  /** Change events applied by this flush. */
  readonly events: number;
  /** Source positions committed with the blobs: stream → resume token. */
  readonly positions: Readonly<Record<string, string>>;
}

/** An administrative act that touches no single entity (product reload, key rotation…). */
export interface AdminFields {
  readonly kind: 'admin';
  readonly action: string;
  readonly principal: string;
  readonly requestId?: string;
  readonly product?: string;
  readonly outcome: AccessOutcome;
  readonly status?: number;
}

/**
 * A signed statement that the chain up to record `upTo` ends in `upToHash`. Written by the log
 * itself (never by callers) right after the record it covers, so `upTo = seq - 1` and
 * `upToHash = prev`.
 */
export interface CheckpointFields {
  readonly kind: 'checkpoint';
  readonly upTo: number;
  readonly upToHash: string;
  /** Ed25519 public key, hex. */
  readonly publicKey: string;
  /** Ed25519 signature, hex, over `cellar-audit-checkpoint\0<upTo>\0<upToHash>`. */
  readonly signature: string;
  /** Why it was written. A `rotate` checkpoint is the last record of its file. */
  readonly cause: CheckpointCause;
}

/** What a caller hands to `AuditLog.append`. */
export type AuditAppend = AccessFields | FlushFields | AdminFields;

export type AccessRecord = AccessFields & ChainFields;
export type FlushRecord = FlushFields & ChainFields;
export type AdminRecord = AdminFields & ChainFields;
export type CheckpointRecord = CheckpointFields & ChainFields;
export type AuditRecord = AccessRecord | FlushRecord | AdminRecord | CheckpointRecord;
