import { CellarError, isCellarError } from '../../errors.js';

/** A SQLite failure as a CellarError: CELLAR_ERR_STORE_IO with the file, the step and a hint. */
export function toStoreError(err: unknown, what: string, path: string): CellarError {
  if (isCellarError(err)) return err;
  const code = sqliteCode(err);
  const message = err instanceof Error ? err.message : String(err);
  // SQLite's messages name tables, columns and constraints, never bound values, so they are safe
  // to pass on: no entity data reaches an error.
  return new CellarError('CELLAR_ERR_STORE_IO', `${what} failed on ${path}: ${message}`, {
    hint: hintFor(code),
    cause: err,
  });
}

/** The SQLite error code (`SQLITE_BUSY`…) of a better-sqlite3 error, if it is one. */
export function sqliteCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null || !('code' in err)) return undefined;
  const code = err.code;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : undefined;
}

function hintFor(code: string | undefined): string {
  if (code === undefined) return 'see the cause for details';
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return 'another process holds the file; an embedded store serves one Cellar runtime at a time';
  }
  if (code.startsWith('SQLITE_FULL')) return 'the disk is full; free space, then restart';
  if (
    code.startsWith('SQLITE_READONLY') ||
    code.startsWith('SQLITE_CANTOPEN') ||
    code.startsWith('SQLITE_PERM')
  ) {
    return 'check that the file and its folder exist and are writable by the Cellar user';
  }
  if (code.startsWith('SQLITE_CORRUPT') || code.startsWith('SQLITE_NOTADB')) {
    return 'the file is damaged; restore it from a backup';
  }
  if (code.startsWith('SQLITE_IOERR')) return 'the disk reported an I/O error; check the device';
  if (code.startsWith('SQLITE_CONSTRAINT')) return 'the batch held an invalid entry (a bug in the caller)';
  return 'see the cause for details';
}
