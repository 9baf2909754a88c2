/**
 * The tamper-evident audit log writer. Records are hash-chained (record-hash.ts), signed
 * checkpoints are written every `checkpointEvery` records, every `checkpointIntervalMs`, at
 * rotation, at close and after recovering from a crash; files rotate past `rotateBytes`; appends
 * are group-committed and each append's promise resolves only once its record is durable.
 *
 * One writer per directory (dir-lock.ts). Sequence numbers and chain position are assigned when
 * `append` is called, so records are stored in call order whatever the batching.
 */
import { CellarError } from '../../errors.js';
import { ensureAuditDir, listAuditFiles } from './audit-files.js';
import { type AuditLogOptions, type Settings, validateSettings } from './audit-log-options.js';
import type {
  AuditAppend,
  AuditKind,
  AuditRecord,
  CheckpointCause,
  CheckpointFields,
} from './audit-record.js';
import { ZERO_HASH } from './audit-record.js';
import { CheckpointSigner } from './checkpoint-signer.js';
import { acquireDirLock, type DirLock } from './dir-lock.js';
import { GroupWriter } from './group-writer.js';
import { appendProblem } from './record-guard.js';
import { sealLine } from './record-hash.js';
import { type AuditWarning, recoverTail } from './tail-recovery.js';

export {
  type AuditLogOptions,
  DEFAULT_CHECKPOINT_EVERY,
  DEFAULT_CHECKPOINT_INTERVAL_MS,
  DEFAULT_GROUP_COMMIT_MS,
  DEFAULT_ROTATE_BYTES,
  MIN_ROTATE_BYTES,
} from './audit-log-options.js';
export type { SigningSeed } from './checkpoint-signer.js';
export type { AuditWarning } from './tail-recovery.js';

/** An open audit log. Create with {@link AuditLog.open}; end with {@link AuditLog.close}. */
export class AuditLog {
  /** The audit directory. */
  readonly dir: string;
  /** Hex Ed25519 public key of the checkpoints: what `verifyAudit` should pin. */
  readonly publicKey: string;
  /** What opening repaired (a torn last line cut off). Empty after a clean shutdown. */
  readonly warnings: readonly AuditWarning[];

  readonly #settings: Settings;
  readonly #signer: CheckpointSigner;
  readonly #lock: DirLock;
  readonly #writer: GroupWriter;
  readonly #timer: NodeJS.Timeout | undefined;
  #seq: number;
  #hash: string;
  #lastAtMs: number;
  #lastKind: AuditKind | undefined;
  #fileNumber: number;
  #fileBytes: number;
  #sealed: boolean;
  #sinceCheckpoint = 0;
  #closing: Promise<void> | undefined;

  private constructor(
    dir: string,
    settings: Settings,
    signer: CheckpointSigner,
    lock: DirLock,
    tail: Awaited<ReturnType<typeof recoverTail>>,
  ) {
    this.dir = dir;
    this.#settings = settings;
    this.#signer = signer;
    this.publicKey = signer.publicKey;
    this.#lock = lock;
    this.warnings = Object.freeze([...tail.warnings]);
    this.#seq = tail.last?.seq ?? 0;
    this.#hash = tail.last?.hash ?? ZERO_HASH;
    this.#lastAtMs = tail.last === undefined ? 0 : Date.parse(tail.last.at);
    this.#lastKind = tail.last?.kind;
    this.#fileNumber = tail.fileNumber;
    this.#fileBytes = tail.fileBytes;
    this.#sealed = tail.sealed;
    this.#writer = new GroupWriter({
      dir,
      groupCommitMs: settings.groupCommitMs,
      existingFile: tail.fileExists ? tail.fileNumber : undefined,
    });
    if (settings.checkpointIntervalMs > 0) {
      this.#timer = setInterval(() => this.#checkpointIfDue(), settings.checkpointIntervalMs);
      this.#timer.unref();
    }
  }

  /**
   * Opens (or creates) the log in `options.dir`, recovering the chain from the last file. A torn
   * last line is cut and reported in `warnings`; a damaged last record refuses with
   * CELLAR_ERR_AUDIT_CORRUPT; a directory held by another writer with CELLAR_ERR_AUDIT_LOCKED.
   * After a crash (the last record is not a checkpoint) a `recover` checkpoint is written first.
   */
  static async open(options: AuditLogOptions): Promise<AuditLog> {
    const settings = validateSettings(options);
    const signer = CheckpointSigner.fromSeed(options.signingSeed);
    let lock: DirLock | undefined;
    let log: AuditLog | undefined;
    try {
      await ensureAuditDir(options.dir);
      lock = await acquireDirLock(options.dir);
      const tail = await recoverTail((await listAuditFiles(options.dir)).files);
      log = new AuditLog(options.dir, settings, signer, lock, tail);
      if (tail.last !== undefined && tail.last.kind !== 'checkpoint') {
        log.#checkpoint('recover');
        await log.flush();
      }
      return log;
    } catch (err) {
      // The original error is the one to report; closing a half-opened log is only cleanup.
      await log?.close().catch(() => {});
      signer.dispose();
      await lock?.release();
      throw err;
    }
  }

  /** Seq of the last record appended (durable or not); 0 for an empty log. */
  get lastSeq(): number {
    return this.#seq;
  }

  /** Hash of the last record appended; 64 zeros for an empty log. */
  get lastHash(): string {
    return this.#hash;
  }

  /** Records appended and not yet durable (a gauge for metrics). */
  queueDepth(): number {
    return this.#writer.pending;
  }

  /**
   * Appends one record; resolves with it, sealed, once it is durable. Rejects with
   * CELLAR_ERR_AUDIT_RECORD_INVALID when `fields` is malformed — in particular an `entity` that is
   * not a 64-hex keyed hash — with CELLAR_ERR_AUDIT_CLOSED after `close`, and with
   * CELLAR_ERR_AUDIT_IO once a write has failed (the log then refuses everything until reopened).
   */
  append(fields: AuditAppend): Promise<AuditRecord> {
    if (this.#closing !== undefined) {
      return Promise.reject(
        new CellarError('CELLAR_ERR_AUDIT_CLOSED', `the audit log in ${this.dir} is closed`),
      );
    }
    const failure = this.#writer.failure;
    if (failure !== undefined) return Promise.reject(failure);
    const problem = appendProblem(fields);
    if (problem !== undefined) {
      return Promise.reject(
        new CellarError('CELLAR_ERR_AUDIT_RECORD_INVALID', `the audit record was refused: ${problem}`, {
          hint: 'audit records hold names, outcomes and counts; pass entity ids through Keyring.hashForAudit',
        }),
      );
    }
    const { record, done } = this.#enqueue(fields);
    this.#sinceCheckpoint += 1;
    if (this.#fileBytes >= this.#settings.rotateBytes) this.#checkpoint('rotate');
    else if (this.#sinceCheckpoint >= this.#settings.checkpointEvery) this.#checkpoint('count');
    return done.then(() => record);
  }

  /** Resolves when every record appended so far is durable. */
  flush(): Promise<void> {
    return this.#writer.flush();
  }

  /**
   * Writes a final checkpoint (unless the last record is one), waits for it to be durable, and
   * releases the directory. Idempotent. Rejects if that last write fails.
   */
  close(): Promise<void> {
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  async #shutdown(): Promise<void> {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    try {
      if (this.#writer.failure === undefined && this.#seq > 0 && this.#lastKind !== 'checkpoint') {
        this.#checkpoint('close');
      }
      await this.#writer.close();
    } finally {
      this.#signer.dispose();
      await this.#lock.release();
    }
  }

  #checkpointIfDue(): void {
    if (this.#closing === undefined && this.#writer.failure === undefined && this.#sinceCheckpoint > 0) {
      this.#checkpoint('interval');
    }
  }

  /** Signs the chain as it stands and appends the checkpoint (covering the record before it). */
  #checkpoint(cause: CheckpointCause): void {
    const fields: CheckpointFields = {
      kind: 'checkpoint',
      upTo: this.#seq,
      upToHash: this.#hash,
      publicKey: this.#signer.publicKey,
      signature: this.#signer.sign(this.#seq, this.#hash),
      cause,
    };
    const { done } = this.#enqueue(fields);
    // A failed write fails the writer; callers learn it from their own appends and from flush/close.
    done.catch(() => {});
    this.#sinceCheckpoint = 0;
  }

  #enqueue(fields: AuditAppend | CheckpointFields): { record: AuditRecord; done: Promise<void> } {
    const fileNumber = this.#sealed ? this.#fileNumber + 1 : this.#fileNumber;
    // Time never runs backwards along the chain, so readers may stop at a `since` bound.
    const atMs = Math.max(Date.now(), this.#lastAtMs);
    const sealed = sealLine({
      ...fields,
      seq: this.#seq + 1,
      at: new Date(atMs).toISOString(),
      prev: this.#hash,
    });
    const record = sealed.record;
    const line = Buffer.from(sealed.line, 'utf8');
    // Everything that can throw is above: chain state changes only once the record exists.
    if (this.#sealed) {
      this.#fileNumber = fileNumber;
      this.#fileBytes = 0;
    }
    this.#sealed = record.kind === 'checkpoint' && record.cause === 'rotate';
    this.#seq = record.seq;
    this.#hash = record.hash;
    this.#lastAtMs = atMs;
    this.#lastKind = record.kind;
    this.#fileBytes += line.length;
    return { record, done: this.#writer.enqueue(fileNumber, line) };
  }
}
