import type { Runtime } from '../../runtime/runtime.js';
import type { RouteTable } from '../../sync/route-table.js';
import type { SyncEngine } from '../../sync/sync-engine.js';
import { TokenIndex } from './token-index.js';

/** The in-memory views of the store that work beside sync must keep in step with what it writes. */
export interface WorkCaches {
  /** The engine's routing index view; absent when no engine runs in this process. */
  readonly routes: RouteTable | undefined;
  readonly tokens: TokenIndex;
}

/**
 * How work that reads or changes entities beside sync runs (tokenizing and erasing through the
 * API or the CLI): through the sync engine's queue when an engine runs in this process, else in a
 * queue of its own.
 *
 * Caveat without an engine: the API's own entity reads run in another queue, so an entity loaded
 * by a read at the very moment it is tokenized may be replaced in the cache by an older copy; the
 * tokens are stored either way, and the next load shows them.
 */
export interface StoreWork {
  /** Runs `fn` alone among the steps that may load or replace cached entities. */
  exclusive<T>(fn: () => Promise<T>): Promise<T>;
  /** Runs `fn` alone with nothing pending (the engine flushes first), for writes beside sync. */
  isolated<T>(fn: (caches: WorkCaches) => Promise<T>): Promise<T>;
  /** The token index shared with sync's tokenizer (one per process and store). */
  readonly tokens: TokenIndex;
}

/** One per engine (or per runtime without one): every caller shares its queue and token index. */
const shared = new WeakMap<object, StoreWork>();

/**
 * The {@link StoreWork} of a runtime: the engine's when given, else a queue of its own — the same
 * object for every caller with the same engine (or runtime).
 */
export function storeWork(runtime: Runtime, engine?: SyncEngine): StoreWork {
  const owner = engine ?? runtime;
  let work = shared.get(owner);
  if (work === undefined) {
    work = makeStoreWork(runtime, engine);
    shared.set(owner, work);
  }
  return work;
}

function makeStoreWork(runtime: Runtime, engine: SyncEngine | undefined): StoreWork {
  if (engine !== undefined) {
    const tokens = engine.tokens ?? new TokenIndex(runtime.blobs);
    return {
      tokens,
      exclusive: (fn) => engine.exclusive(fn),
      isolated: (fn) => engine.isolated((caches) => fn({ routes: caches.routes, tokens })),
    };
  }
  const tokens = new TokenIndex(runtime.blobs);
  let tail: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = tail.then(fn);
    tail = run.catch(() => undefined);
    return run;
  };
  return { tokens, exclusive, isolated: (fn) => exclusive(() => fn({ routes: undefined, tokens })) };
}
