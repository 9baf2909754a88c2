import { execFileSync } from 'node:child_process';

/** The account PostgreSQL runs as when the tests run as root. */
export interface OsUser {
  readonly uid: number;
  readonly gid: number;
}

/**
 * The `postgres` OS user when this process is root (created as a system user if missing, since
 * `initdb` and `postgres` refuse to run as root), or undefined when not root: then the servers run
 * as the current user.
 */
export function osUser(): OsUser | undefined {
  if (process.getuid?.() !== 0) return undefined;
  if (lookup() === undefined) {
    try {
      execFileSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres'], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
    } catch (err) {
      throw new Error(`creating the 'postgres' OS user failed: ${(err as Error).message}`, { cause: err });
    }
  }
  const user = lookup();
  if (!user) throw new Error(`the 'postgres' OS user cannot be found after creating it`);
  return user;
}

function lookup(): OsUser | undefined {
  try {
    const uid = Number(
      execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }),
    );
    const gid = Number(
      execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }),
    );
    return Number.isInteger(uid) && Number.isInteger(gid) ? { uid, gid } : undefined;
  } catch {
    return undefined;
  }
}

/** Spawn options that run a child as `user` (none when `user` is undefined). */
export function runAs(user: OsUser | undefined): { uid?: number; gid?: number } {
  return user ? { uid: user.uid, gid: user.gid } : {};
}
