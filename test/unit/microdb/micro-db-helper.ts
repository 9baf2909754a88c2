import { afterEach } from 'vitest';
import { type ErrorCode, isCellarError } from '../../../src/errors.js';
import type { MicroDb } from '../../../src/microdb/micro-db.js';

/** Returns `track(db)`, which closes every tracked micro-DB after each test of the calling file. */
export function closeAfterEach(): (db: MicroDb) => MicroDb {
  const open: MicroDb[] = [];
  afterEach(() => {
    for (const db of open.splice(0)) db.close();
  });
  return (db) => {
    open.push(db);
    return db;
  };
}

/** The code of the CellarError `fn` throws (fails the test when it throws none). */
export function errorCode(fn: () => unknown): ErrorCode {
  try {
    fn();
  } catch (err) {
    if (isCellarError(err)) return err.code;
    throw err;
  }
  throw new Error('expected a CellarError');
}
