/**
 * Finding where the chain ends when a log is reopened. Only the tail is examined (a full check is
 * `verifyAudit`'s job): the last record must parse, be well-formed and carry its own hash. A torn
 * last line — a crash during a write, before that write was made durable and so before anyone was
 * told it was — is cut off and reported as a warning, never silently.
 */
import { open, stat } from 'node:fs/promises';
import { CellarError } from '../../errors.js';
import { type AuditFile, auditFileName, ioError } from './audit-files.js';
import { type AuditRecord, ZERO_HASH } from './audit-record.js';
import { readLinesBackward } from './line-reader.js';
import { storedRecordProblem } from './record-guard.js';
import { recordHash } from './record-hash.js';

/** Something recovery repaired, for the caller to report. */
export interface AuditWarning {
  readonly code: 'torn-tail';
  readonly file: string;
  /** Bytes cut off. */
  readonly bytes: number;
  readonly message: string;
}

/** Where appending resumes. */
export interface RecoveredTail {
  /** The last record, or undefined for an empty log. */
  readonly last: AuditRecord | undefined;
  /** The file the next record goes to, unless `sealed`. */
  readonly fileNumber: number;
  /** Its current size in bytes. */
  readonly fileBytes: number;
  /** It already exists (append to it) rather than being created. */
  readonly fileExists: boolean;
  /** The last record is a rotation checkpoint: the next record starts file `fileNumber + 1`. */
  readonly sealed: boolean;
  readonly warnings: readonly AuditWarning[];
}

/** Recovers the chain tail from `files` (chain order), repairing a torn last line. */
export async function recoverTail(files: readonly AuditFile[]): Promise<RecoveredTail> {
  const lastFile = files.at(-1);
  if (lastFile === undefined) {
    return { last: undefined, fileNumber: 1, fileBytes: 0, fileExists: false, sealed: false, warnings: [] };
  }
  const warnings: AuditWarning[] = [];
  let last = await lastRecord(lastFile, warnings);
  const fileBytes = await sizeOf(lastFile);
  if (last === undefined) {
    const previous = files.at(-2);
    if (previous !== undefined) {
      last = await lastRecord(previous, undefined);
      if (last?.kind !== 'checkpoint' || last.cause !== 'rotate') {
        throw corrupt(
          `${lastFile.name} is empty but ${previous.name} does not end with its rotation checkpoint`,
        );
      }
    } else if (lastFile.number !== 1) {
      throw corrupt(`the only log file is ${lastFile.name}; the chain starts in ${auditFileName(1)}`);
    }
    return { last, fileNumber: lastFile.number, fileBytes, fileExists: true, sealed: false, warnings };
  }
  const sealed = last.kind === 'checkpoint' && last.cause === 'rotate';
  return { last, fileNumber: lastFile.number, fileBytes, fileExists: true, sealed, warnings };
}

/**
 * The last complete record of `file`. With `warnings`, an unterminated last line is cut off and
 * reported there; without, it is damage.
 */
async function lastRecord(
  file: AuditFile,
  warnings: AuditWarning[] | undefined,
): Promise<AuditRecord | undefined> {
  for await (const line of readLinesBackward(file.path)) {
    if (!line.terminated) {
      if (warnings === undefined) throw corrupt(`the last line of ${file.name} is incomplete`);
      const bytes = await truncate(file, line.offset);
      warnings.push({
        code: 'torn-tail',
        file: file.name,
        bytes,
        message: `cut ${bytes} bytes of an incomplete last line from ${file.name} (a write torn by a crash; it was never acknowledged)`,
      });
      continue;
    }
    return parseTail(file, line.text, line.oversized);
  }
  return undefined;
}

function parseTail(file: AuditFile, text: string, oversized: boolean): AuditRecord {
  if (oversized) throw corrupt(`the last line of ${file.name} is too long to be a record`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw corrupt(`the last line of ${file.name} is not JSON`);
  }
  const problem = storedRecordProblem(value);
  if (problem !== undefined) throw corrupt(`the last record of ${file.name} is malformed: ${problem}`);
  const record = value as AuditRecord;
  if (recordHash(record) !== record.hash)
    throw corrupt(`the last record of ${file.name} does not match its hash`);
  if (record.seq === 1 && record.prev !== ZERO_HASH)
    throw corrupt(`record 1 in ${file.name} does not start a chain`);
  return record;
}

async function truncate(file: AuditFile, length: number): Promise<number> {
  try {
    const handle = await open(file.path, 'r+');
    try {
      const before = (await handle.stat()).size;
      await handle.truncate(length);
      await handle.datasync();
      return before - length;
    } finally {
      await handle.close();
    }
  } catch (err) {
    throw ioError(`cannot cut the torn last line of ${file.path}`, err);
  }
}

async function sizeOf(file: AuditFile): Promise<number> {
  try {
    return (await stat(file.path)).size;
  } catch (err) {
    throw ioError(`cannot read ${file.path}`, err);
  }
}

function corrupt(what: string): CellarError {
  return new CellarError('CELLAR_ERR_AUDIT_CORRUPT', `the audit log cannot be continued: ${what}`, {
    hint: 'run `cellar audit verify --dir <dir>` to locate the damage; the log is never extended past it',
  });
}
