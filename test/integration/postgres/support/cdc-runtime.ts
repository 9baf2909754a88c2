import { openSync } from '../../../../src/runtime/open-sync.js';
import type { Runtime } from '../../../../src/runtime/runtime.js';
import type { StoredRow } from '../../../../src/sync/stored-row.js';
import type { SyncStats } from '../../../../src/sync/sync-stats.js';
import type { TempRuntime } from '../../../support/temp-runtime.js';

/** Runs every configured source of the runtime once (`cellar sync` without --follow), in this process. */
export async function syncOnce(temp: TempRuntime): Promise<SyncStats> {
  const runtime = await temp.open();
  try {
    const { engine, sources } = await openSync(runtime);
    await engine.run(sources, { follow: false });
    return engine.stats;
  } finally {
    await runtime.close();
  }
}

/** Opens the runtime, runs `fn`, closes it. */
export async function withRuntime<T>(temp: TempRuntime, fn: (runtime: Runtime) => Promise<T>): Promise<T> {
  const runtime = await temp.open();
  try {
    return await fn(runtime);
  } finally {
    await runtime.close();
  }
}

/** The stored rows of one table of an entity, or undefined when the entity does not exist. */
export async function storedRows(
  temp: TempRuntime,
  product: string,
  id: string,
  table: string,
): Promise<StoredRow[] | undefined> {
  return withRuntime(temp, async (runtime) => {
    const p = runtime.products.get(product);
    const handle = await runtime.repo.find(p, runtime.repo.entityKey(p, id));
    return handle?.db.allRows(table) as StoredRow[] | undefined;
  });
}
