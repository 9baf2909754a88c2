/**
 * The durable home of encrypted micro-DB blobs and of everything that must change atomically with
 * them. Keys are keyed hashes ({@link EntityKey}), never raw entity ids, so nothing on disk names
 * an entity in the clear.
 *
 * Every method may reject with CELLAR_ERR_STORE_IO; after `close` they reject with
 * CELLAR_ERR_STORE_CLOSED.
 */

/** 32-byte keyed hash of (product, entity id) — see crypto/entity-key.ts. Hex-encoded. */
export type EntityKey = string;

export interface StoredBlob {
  readonly product: string;
  readonly key: EntityKey;
  /** Incremented on every write of this entity; bound into the blob's associated data. */
  readonly version: number;
  readonly data: Uint8Array;
  /** When the blob was last written, epoch ms. */
  readonly updatedAt: number;
}

/** A routing-index entry: (product, table, primary key) hashed → entity. */
export interface RouteEntry {
  /** Keyed hash of product, table and primary-key values, hex. */
  readonly row: string;
  /** The entity the row belongs to, or null to remove the entry. */
  readonly entity: EntityKey | null;
}

/** An encrypted dead letter: an input sync could not apply. */
export interface DeadLetter {
  readonly stream: string;
  readonly token: string;
  readonly code: string;
  /** Reason text. Never contains entity data (values are only in `payload`). */
  readonly reason: string;
  /** Encrypted raw input and context. */
  readonly payload: Uint8Array;
  readonly at: number;
}

/** An encrypted parked event: a child row waiting for its parent. */
export interface ParkedEvent {
  /** Keyed hash of (product, parent table, parent key) the event waits for, hex. */
  readonly waitsFor: string;
  readonly seq: number;
  readonly payload: Uint8Array;
  /** Epoch ms after which it goes to the dead letters. */
  readonly expiresAt: number;
}

/**
 * A token-index entry: keyed hash of a token → the entity whose vault holds it. Tokens are
 * unique across every product, so the hash alone finds the owner.
 */
export interface TokenEntry {
  /** Keyed hash of the token, hex (see `Keyring.tokenKey`); never the token itself. */
  readonly token: string;
  /** The owner, or null to remove the entry. */
  readonly owner: TokenOwner | null;
}

/** Where a token's value lives: one entity of one product. */
export interface TokenOwner {
  readonly product: string;
  readonly entity: EntityKey;
}

/** An entity of a product, named by its key. */
export interface EntityRef {
  readonly product: string;
  readonly key: EntityKey;
}

/**
 * A product template as recorded in the store: the empty micro-DB image its blobs were compressed
 * against (a schema, no entity data) and the product schema it was built from, as JSON.
 */
export interface StoredTemplate {
  readonly dictionaryId: number;
  readonly image: Buffer;
  readonly schema: string;
}

/** Everything one group commit writes, atomically. */
export interface CommitBatch {
  readonly puts: readonly StoredBlob[];
  readonly deletes: readonly { readonly product: string; readonly key: EntityKey }[];
  readonly routes: readonly RouteEntry[];
  /** stream → resume token. */
  readonly positions: ReadonlyMap<string, string>;
  readonly deadLetters: readonly DeadLetter[];
  readonly park: readonly ParkedEvent[];
  /** Parked events released (applied or dead-lettered): their (waitsFor, seq). */
  readonly unpark: readonly { readonly waitsFor: string; readonly seq: number }[];
  /** Token-index changes, in order (the last entry for a token wins). Absent: none. */
  readonly tokens?: readonly TokenEntry[];
  /** Entities whose every token-index entry is removed, after {@link tokens}. Absent: none. */
  readonly dropTokens?: readonly EntityRef[];
  /**
   * Entities whose every routing-index entry is removed, after {@link routes} (erasure). Costs a
   * pass over the routing index per entity: for rare use only. Absent: none.
   */
  readonly dropRoutes?: readonly EntityKey[];
}

export interface BlobStore {
  /** The blob for key, or undefined when there is none. */
  get(product: string, key: EntityKey): Promise<StoredBlob | undefined>;
  /** The blobs that exist among keys; missing keys are simply absent from the map. */
  getMany(product: string, keys: readonly EntityKey[]): Promise<Map<EntityKey, StoredBlob>>;
  /** Every blob of a product, in key order, `pageSize` at a time. */
  scan(product: string, pageSize?: number): AsyncIterable<StoredBlob>;
  /** Number of entities of a product and the newest write time (0 when none). */
  stats(product: string): Promise<{ readonly entities: number; readonly lastWriteAt: number }>;
  /** Applies the batch atomically and durably (survives power loss once resolved). Idempotent. */
  commit(batch: CommitBatch): Promise<void>;
  /** Stored resume tokens, stream → token. */
  positions(): Promise<Map<string, string>>;
  /** Entities for routing-index rows; unknown rows are absent from the map. */
  routes(rows: readonly string[]): Promise<Map<string, EntityKey>>;
  /** Parked events waiting for any of the given parent hashes, oldest first. */
  parked(waitsFor: readonly string[]): Promise<ParkedEvent[]>;
  /** Parked events whose wait has expired at `now`. */
  expiredParked(now: number): Promise<ParkedEvent[]>;
  /** Dead letters, newest first, and their total count. */
  deadLetters(limit: number): Promise<{ readonly total: number; readonly items: DeadLetter[] }>;
  /** Owners of token-index entries (by token hash); unknown hashes are absent from the map. */
  tokenOwners(tokens: readonly string[]): Promise<Map<string, TokenOwner>>;
  /** Records a product template unless one with its dictionary id is recorded (durably). */
  putTemplate(product: string, template: StoredTemplate): Promise<void>;
  /** Every recorded template of a product. */
  templates(product: string): Promise<StoredTemplate[]>;
  /** Forgets a recorded template (when no blob uses it any more). */
  dropTemplate(product: string, dictionaryId: number): Promise<void>;
  close(): Promise<void>;
}
