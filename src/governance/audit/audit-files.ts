/**
 * The audit directory: files `audit-000001.jsonl`, `audit-000002.jsonl`, … (six digits, more
 * after 999999), one record per line. The directory is created with mode 0700, files with 0600.
 */
import { mkdir, open, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { CellarError } from '../../errors.js';

const FILE_NAME = /^audit-(\d+)\.jsonl$/;

/** One log file. */
export interface AuditFile {
  readonly name: string;
  /** 1, 2, 3, … in chain order. */
  readonly number: number;
  readonly path: string;
}

/** The log files of a directory in chain order, and audit-like names that are not log files. */
export interface AuditListing {
  readonly files: readonly AuditFile[];
  /** Names that look like log files (`audit-….jsonl`) but are not canonically numbered. */
  readonly strays: readonly string[];
}

/** The file name for file `number`. */
export function auditFileName(number: number): string {
  return `audit-${String(number).padStart(6, '0')}.jsonl`;
}

/** Lists `dir`. Throws CELLAR_ERR_AUDIT_IO when it cannot be read (missing, not a directory…). */
export async function listAuditFiles(dir: string): Promise<AuditListing> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    throw ioError(`cannot list the audit directory ${dir}`, err);
  }
  const files: AuditFile[] = [];
  const strays: string[] = [];
  for (const name of names) {
    const match = FILE_NAME.exec(name);
    if (match === null) continue;
    const number = Number(match[1]);
    if (Number.isSafeInteger(number) && number > 0 && auditFileName(number) === name) {
      files.push({ name, number, path: join(dir, name) });
    } else {
      strays.push(name);
    }
  }
  files.sort((a, b) => a.number - b.number);
  strays.sort();
  return { files, strays };
}

/** Creates `dir` (and parents) with mode 0700 when missing. */
export async function ensureAuditDir(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
  } catch (err) {
    throw ioError(`cannot create the audit directory ${dir}`, err);
  }
}

/** Makes a new or removed directory entry in `dir` durable. */
export async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** A CELLAR_ERR_AUDIT_IO error for a failed file operation. */
export function ioError(what: string, cause: unknown): CellarError {
  const reason = cause instanceof Error ? `: ${cause.message}` : '';
  return new CellarError('CELLAR_ERR_AUDIT_IO', `${what}${reason}`, {
    cause,
    hint: 'check that the audit directory exists, is writable by this user, and the disk is not full',
  });
}
