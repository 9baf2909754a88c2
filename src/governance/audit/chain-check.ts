/**
 * The record-by-record rules of audit verification: shape, hash, link to the previous record,
 * sequence, time order, and checkpoint signatures. `verify.ts` feeds it the records of every file
 * in order and adds the file-level rules.
 */
import { type AuditRecord, ZERO_HASH } from './audit-record.js';
import { verifyCheckpointSignature } from './checkpoint-signer.js';
import { storedRecordProblem } from './record-guard.js';
import { recordHash } from './record-hash.js';

/** What kind of break verification found. */
export type BreakCode =
  | 'unparseable'
  | 'malformed'
  | 'torn-line'
  | 'hash-mismatch'
  | 'prev-mismatch'
  | 'seq-gap'
  | 'seq-repeat'
  | 'time-backwards'
  | 'checkpoint-target'
  | 'checkpoint-key'
  | 'checkpoint-signature'
  | 'file-gap'
  | 'stray-file'
  | 'empty-file'
  | 'after-rotation'
  | 'missing-rotation'
  | 'anchor-mismatch'
  | 'anchor-missing';

export interface Break {
  readonly code: BreakCode;
  readonly reason: string;
}

/** A record verification has attested, for pinning outside the log. */
export interface ChainAnchor {
  readonly seq: number;
  readonly hash: string;
}

export interface ChainCheckOptions {
  /** Trusted checkpoint keys (hex). When given, a checkpoint by any other key is a break. */
  readonly publicKeys: ReadonlySet<string> | undefined;
  /** A record known from elsewhere: the chain must contain it unchanged. */
  readonly anchor: ChainAnchor | undefined;
}

/** Checks records one at a time, in chain order. */
export class ChainChecker {
  readonly #options: ChainCheckOptions;
  #seq = 0;
  #hash = ZERO_HASH;
  #atMs = 0;
  #checkpoints = 0;
  #lastCheckpointSeq = 0;
  readonly #keys = new Set<string>();

  constructor(options: ChainCheckOptions) {
    this.#options = options;
  }

  get lastSeq(): number {
    return this.#seq;
  }
  get lastHash(): string {
    return this.#hash;
  }
  get checkpoints(): number {
    return this.#checkpoints;
  }
  /** `upTo` of the last checkpoint: records after it are protected by the hash chain alone. */
  get lastCheckpointSeq(): number {
    return this.#lastCheckpointSeq;
  }
  /** Keys that signed checkpoints, in order of first use. */
  get publicKeys(): readonly string[] {
    return [...this.#keys];
  }

  /** Checks the next record; returns the break it shows, or undefined and advances. */
  check(value: unknown): Break | undefined {
    const problem = storedRecordProblem(value);
    if (problem !== undefined) return { code: 'malformed', reason: `malformed record: ${problem}` };
    const record = value as AuditRecord;
    if (recordHash(record) !== record.hash) {
      return { code: 'hash-mismatch', reason: 'hash mismatch: the record was edited after it was written' };
    }
    if (record.prev !== this.#hash) {
      return {
        code: 'prev-mismatch',
        reason:
          this.#seq === 0
            ? 'prev mismatch: the first record does not start the chain (earlier records were removed)'
            : `prev mismatch: the record does not follow seq ${this.#seq} (a record was removed, reordered or spliced in)`,
      };
    }
    const expected = this.#seq + 1;
    if (record.seq !== expected) {
      const code = record.seq < expected ? 'seq-repeat' : 'seq-gap';
      return { code, reason: `${code === 'seq-gap' ? 'seq gap' : 'seq repeat'}: expected seq ${expected}` };
    }
    const atMs = Date.parse(record.at);
    if (atMs < this.#atMs) {
      return {
        code: 'time-backwards',
        reason: 'time goes backwards: the record is older than the one before it',
      };
    }
    const anchor = this.#options.anchor;
    if (anchor !== undefined && anchor.seq === record.seq && anchor.hash !== record.hash) {
      return {
        code: 'anchor-mismatch',
        reason: `anchor mismatch: record ${anchor.seq} is not the anchored record`,
      };
    }
    if (record.kind === 'checkpoint') {
      const broken = this.#checkCheckpoint(record);
      if (broken !== undefined) return broken;
    }
    this.#seq = record.seq;
    this.#hash = record.hash;
    this.#atMs = atMs;
    return undefined;
  }

  #checkCheckpoint(record: AuditRecord & { kind: 'checkpoint' }): Break | undefined {
    if (record.upTo !== record.seq - 1 || record.upToHash !== record.prev) {
      return {
        code: 'checkpoint-target',
        reason: `checkpoint points at the wrong record: it must cover seq ${record.seq - 1} and its hash`,
      };
    }
    const trusted = this.#options.publicKeys;
    if (trusted !== undefined && !trusted.has(record.publicKey)) {
      return {
        code: 'checkpoint-key',
        reason: 'untrusted checkpoint key: signed by a key that was not pinned',
      };
    }
    if (!verifyCheckpointSignature(record.publicKey, record.upTo, record.upToHash, record.signature)) {
      return { code: 'checkpoint-signature', reason: 'bad checkpoint signature' };
    }
    this.#checkpoints += 1;
    this.#lastCheckpointSeq = record.upTo;
    this.#keys.add(record.publicKey);
    return undefined;
  }
}
