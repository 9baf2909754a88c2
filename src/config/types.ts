/**
 * The validated runtime configuration (`config/cellar.yaml`). Loaded and validated once by
 * `loadConfig()`; frozen. Relative paths in the file are resolved against the file's folder.
 */

export const DEFAULT_CACHE_MAX_ENTITIES = 10_000;
export const DEFAULT_CACHE_MAX_BYTES = 256 * 1024 * 1024;
export const DEFAULT_FLUSH_INTERVAL_MS = 50;
export const DEFAULT_MAX_DIRTY_ENTITIES = 5_000;
export const DEFAULT_ORPHAN_WAIT_MS = 30_000;
export const DEFAULT_CHANGE_HISTORY_LIMIT = 100;
export const DEFAULT_SERVER_PORT = 8080;

export interface StoreConfig {
  readonly type: 'sqlite';
  /** Blob store file (blobs, positions, routing index, dead letters). */
  readonly path: string;
  /** Key store file, kept apart from the blobs. */
  readonly keysPath: string;
}

export interface MasterKeyConfig {
  /** Environment variable holding the base64 or hex 32-byte key. Default `CELLAR_MASTER_KEY`. */
  readonly env: string;
  /** Key file (base64 or hex, one line). */
  readonly file: string | undefined;
  /** Create the key file (mode 0600) on first run — the embedded demo only. */
  readonly createIfMissing: boolean;
}

export interface CacheConfig {
  /** Open micro-DBs kept in memory, at most. Default {@link DEFAULT_CACHE_MAX_ENTITIES}. */
  readonly maxEntities: number;
  /** Bytes of micro-DB images kept in memory, at most. Default {@link DEFAULT_CACHE_MAX_BYTES}. */
  readonly maxBytes: number;
}

export interface SyncConfig {
  /** Longest time applied changes wait before a group commit, ms. */
  readonly flushIntervalMs: number;
  /** Dirty entities that trigger a flush and pause sources until it completes. */
  readonly maxDirtyEntities: number;
  /** How long a child row waits for its parent before it is dead-lettered, ms. */
  readonly orphanWaitMs: number;
  /** Recent changes kept in each entity's `_cellar_changes`. */
  readonly changeHistoryLimit: number;
}

/** Requests one principal (or, before authentication, one client address) may make per window. */
export const DEFAULT_RATE_LIMIT_MAX = 1000;
/** The rate limit's window, ms. */
export const DEFAULT_RATE_LIMIT_WINDOW_MS = 1000;

export interface RateLimitConfig {
  /** False: no rate limiting (benchmarks). Default true. */
  readonly enabled: boolean;
  /** Requests allowed per window. Default {@link DEFAULT_RATE_LIMIT_MAX}. */
  readonly max: number;
  /** Window length, ms. Default {@link DEFAULT_RATE_LIMIT_WINDOW_MS}. */
  readonly timeWindowMs: number;
}

export interface ServerConfig {
  readonly host: string;
  readonly port: number;
  /**
   * Per-principal rate limit, as written (`server.rateLimit`); absent when the file sets none —
   * the HTTP layer then applies the defaults above.
   */
  readonly rateLimit?: Partial<RateLimitConfig>;
}

export interface CellarConfig {
  /** Absolute path of the configuration file. */
  readonly file: string;
  /** Absolute data directory (the default home of store, keys, audit). */
  readonly dataDir: string;
  readonly store: StoreConfig;
  readonly masterKey: MasterKeyConfig;
  /** Absolute paths of the product spec files. */
  readonly products: readonly string[];
  readonly cache: CacheConfig;
  readonly sync: SyncConfig;
  readonly server: ServerConfig;
  /** Sections owned by later layers (auth, audit…), validated by them. */
  readonly extra: Readonly<Record<string, unknown>>;
}
