/**
 * Verification of an audit directory, streamed file by file, line by line (memory stays bounded
 * by the longest line). Finds the first record that is edited, removed, reordered, spliced in,
 * appended out of chain, badly signed, or out of place among the files, and says where.
 *
 * What it proves and what it cannot (an attacker who rewrites the whole tail, or cuts records off
 * the end) is in docs/audit.md; `publicKey` and `anchor` close most of that gap.
 */
import { type AuditFile, auditFileName, listAuditFiles } from './audit-files.js';
import type { AuditRecord } from './audit-record.js';
import { type Break, type BreakCode, type ChainAnchor, ChainChecker } from './chain-check.js';
import { readLinesForward } from './line-reader.js';

export type { BreakCode, ChainAnchor } from './chain-check.js';

export interface VerifyOptions {
  /** Trusted checkpoint key(s), hex. Without it, any key whose signature checks is accepted. */
  readonly publicKey?: string | readonly string[];
  /** A record attested earlier (e.g. a `lastSeq`/`lastHash` kept elsewhere) that must still be there. */
  readonly anchor?: ChainAnchor;
}

/** Where the chain first breaks. */
export interface BrokenAt {
  /** File name within the directory. */
  readonly file: string;
  /** 1-based line; 0 when the break is the file itself (missing, empty, misnamed). */
  readonly line: number;
  /** The seq the broken line claims, when it has one. */
  readonly seq?: number;
  readonly code: BreakCode;
  readonly reason: string;
}

export type VerifyResult =
  | {
      readonly ok: true;
      readonly records: number;
      readonly files: number;
      readonly lastSeq: number;
      /** Hash of the last record: keep it elsewhere and pass it back as `anchor`. */
      readonly lastHash: string;
      readonly checkpoints: number;
      /** Records after this seq are not covered by any checkpoint signature. */
      readonly lastCheckpointSeq: number;
      /** Keys that signed checkpoints. More than one without a pinned key deserves a look. */
      readonly publicKeys: readonly string[];
    }
  | { readonly ok: false; readonly firstBroken: BrokenAt };

/** Verifies the audit log in `dir`. Throws CELLAR_ERR_AUDIT_IO only when files cannot be read. */
export async function verifyAudit(dir: string, options: VerifyOptions = {}): Promise<VerifyResult> {
  const { files, strays } = await listAuditFiles(dir);
  const stray = strays[0];
  if (stray !== undefined) {
    return broken(stray, 0, undefined, {
      code: 'stray-file',
      reason: 'unexpected file name: an audit file outside the numbered sequence',
    });
  }
  const keys = options.publicKey;
  const checker = new ChainChecker({
    publicKeys:
      keys === undefined
        ? undefined
        : new Set((typeof keys === 'string' ? [keys] : keys).map((k) => k.toLowerCase())),
    anchor: options.anchor,
  });
  let records = 0;
  for (let i = 0; i < files.length; i++) {
    const file = files[i]!;
    const outcome = await verifyFile(file, i + 1, i === files.length - 1, checker);
    if (typeof outcome !== 'number') return { ok: false, firstBroken: outcome };
    records += outcome;
  }
  const anchor = options.anchor;
  if (anchor !== undefined && checker.lastSeq < anchor.seq) {
    const last = files.at(-1);
    return broken(last?.name ?? auditFileName(1), 0, undefined, {
      code: 'anchor-missing',
      reason: `anchor missing: the log ends at seq ${checker.lastSeq}, before the anchored seq ${anchor.seq} (records were cut from its end)`,
    });
  }
  return {
    ok: true,
    records,
    files: files.length,
    lastSeq: checker.lastSeq,
    lastHash: checker.lastHash,
    checkpoints: checker.checkpoints,
    lastCheckpointSeq: checker.lastCheckpointSeq,
    publicKeys: checker.publicKeys,
  };
}

/** Checks one file; returns its record count or where it breaks. */
async function verifyFile(
  file: AuditFile,
  expectedNumber: number,
  isLast: boolean,
  checker: ChainChecker,
): Promise<number | BrokenAt> {
  const gap: Break | undefined =
    file.number === expectedNumber
      ? undefined
      : { code: 'file-gap', reason: `file sequence gap: ${auditFileName(expectedNumber)} is missing` };
  let lines = 0;
  let sealed = false;
  for await (const line of readLinesForward(file.path)) {
    lines = line.number;
    const value = line.oversized ? undefined : parse(line.text);
    const seq = seqOf(value);
    const fault: Break | undefined =
      gap ??
      (sealed
        ? {
            code: 'after-rotation',
            reason: 'record after the rotation checkpoint: this file should have rotated',
          }
        : value === undefined
          ? {
              code: 'unparseable',
              reason: line.oversized ? 'unparseable line: too long' : 'unparseable line',
            }
          : !line.terminated
            ? { code: 'torn-line', reason: 'torn last line: the record lacks its line end' }
            : checker.check(value));
    if (fault !== undefined) return brokenAt(file.name, line.number, seq, fault);
    const record = value as AuditRecord;
    sealed = record.kind === 'checkpoint' && record.cause === 'rotate';
  }
  if (gap !== undefined) return brokenAt(file.name, 0, undefined, gap);
  if (lines === 0 && !isLast) {
    return brokenAt(file.name, 0, undefined, {
      code: 'empty-file',
      reason: 'empty file in the middle of the log',
    });
  }
  if (!isLast && !sealed) {
    return brokenAt(file.name, lines, checker.lastSeq, {
      code: 'missing-rotation',
      reason: 'the file ends without its rotation checkpoint: records were removed from its end',
    });
  }
  return lines;
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function seqOf(value: unknown): number | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const seq = (value as { seq?: unknown }).seq;
  return typeof seq === 'number' && Number.isSafeInteger(seq) ? seq : undefined;
}

function brokenAt(file: string, line: number, seq: number | undefined, fault: Break): BrokenAt {
  return seq === undefined
    ? { file, line, code: fault.code, reason: fault.reason }
    : { file, line, seq, code: fault.code, reason: fault.reason };
}

function broken(file: string, line: number, seq: number | undefined, fault: Break): VerifyResult {
  return { ok: false, firstBroken: brokenAt(file, line, seq, fault) };
}
