/**
 * One writer per audit directory. Two writers would fork the hash chain, so `AuditLog.open` takes
 * a lock file (`audit.lock`, holding the writer's pid) and refuses a directory another live
 * process, or another `AuditLog` in this process, holds.
 *
 * Caveat: liveness is judged by pid on this host. A lock left by a crashed process is taken over;
 * a directory shared between hosts or containers with separate pid spaces is not protected.
 */
import { open, readFile, realpath, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { CellarError } from '../../errors.js';
import { ioError } from './audit-files.js';

export const LOCK_FILE_NAME = 'audit.lock';

/** Directories locked by this process (real paths). */
const heldHere = new Set<string>();

export interface DirLock {
  /** Removes the lock file. Idempotent. */
  release(): Promise<void>;
}

/** Takes the writer lock on `dir` (which must exist). Throws CELLAR_ERR_AUDIT_LOCKED when held. */
export async function acquireDirLock(dir: string): Promise<DirLock> {
  const real = await realpath(dir);
  if (heldHere.has(real)) throw locked(dir, process.pid);
  const path = join(real, LOCK_FILE_NAME);
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await open(path, 'wx', 0o600);
      try {
        await handle.writeFile(`${process.pid}\n`);
      } finally {
        await handle.close();
      }
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) {
        if (err instanceof CellarError) throw err;
        throw ioError(`cannot create the lock file ${path}`, err);
      }
      const holder = await readHolder(path);
      if (holder !== undefined && holder !== process.pid && isAlive(holder)) throw locked(dir, holder);
      // Stale: its process is gone (or it was ours, from an AuditLog that was never closed).
      await unlink(path).catch((e: NodeJS.ErrnoException) => {
        if (e.code !== 'ENOENT') throw ioError(`cannot remove the stale lock file ${path}`, e);
      });
    }
  }
  heldHere.add(real);
  let released = false;
  return {
    async release() {
      if (released) return;
      released = true;
      heldHere.delete(real);
      await unlink(path).catch((e: NodeJS.ErrnoException) => {
        if (e.code !== 'ENOENT') throw ioError(`cannot remove the lock file ${path}`, e);
      });
    },
  };
}

async function readHolder(path: string): Promise<number | undefined> {
  try {
    const pid = Number((await readFile(path, 'utf8')).trim());
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    // Vanished or unreadable between open and read: treat as stale; the retry decides.
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function locked(dir: string, pid: number): CellarError {
  return new CellarError(
    'CELLAR_ERR_AUDIT_LOCKED',
    `the audit directory ${dir} is in use by process ${pid}`,
    {
      hint: 'only one Cellar process may write an audit directory; stop the other one or give each its own audit.dir',
    },
  );
}
