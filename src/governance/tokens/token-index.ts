import type { BlobStore, EntityKey, TokenEntry, TokenOwner } from '../../store/blob-store.js';

/** How many committed token-index entries are remembered in memory. */
export const DEFAULT_TOKEN_CACHE_ENTRIES = 200_000;

/**
 * The token index as tokenization sees it: keyed hash of a token → the entity that holds it, with
 * claims not yet committed layered over the store. It is what makes tokens unique across every
 * entity and product: a token is issued only when its hash is known to be free here.
 *
 * Lookups are synchronous; hashes not known in memory must be fetched first ({@link fetch}).
 * One instance per process and store: sync (the applier and flusher) and the token API share it,
 * so that neither can issue a token the other has claimed but not yet committed.
 */
export class TokenIndex {
  /** Committed entries seen recently (null: known free). Insertion-ordered for cheap trimming. */
  readonly #known = new Map<string, TokenOwner | null>();
  /** Changes since the last commit. */
  readonly #pending = new Map<string, TokenOwner | null>();

  constructor(
    private readonly store: BlobStore,
    private readonly maxKnown = DEFAULT_TOKEN_CACHE_ENTRIES,
  ) {}

  /** The owner of a token hash; `null` when it is free; `undefined` when it must be fetched. */
  lookup(hash: string): TokenOwner | null | undefined {
    if (this.#pending.has(hash)) return this.#pending.get(hash) ?? null;
    return this.#known.get(hash);
  }

  /** Records that `owner` now holds the token (issued, or moved with its row). */
  claim(hash: string, owner: TokenOwner): void {
    this.#pending.set(hash, owner);
  }

  /**
   * Forgets every uncommitted claim of an entity and every remembered entry pointing at it (the
   * entity is being erased: its tokens must not come back with the next commit).
   */
  dropEntity(product: string, entity: EntityKey): void {
    for (const map of [this.#pending, this.#known]) {
      for (const [hash, owner] of map) {
        if (owner !== null && owner.product === product && owner.entity === entity) map.delete(hash);
      }
    }
  }

  /** Loads from the store every hash not already known. */
  async fetch(hashes: Iterable<string>): Promise<void> {
    const missing = [...new Set(hashes)].filter((hash) => this.lookup(hash) === undefined);
    if (missing.length === 0) return;
    const found = await this.store.tokenOwners(missing);
    for (const hash of missing) {
      // A claim made while the store was read wins over what the store said.
      if (!this.#pending.has(hash)) this.#remember(hash, found.get(hash) ?? null);
    }
  }

  /** The uncommitted claims, for the next commit. */
  pendingEntries(): TokenEntry[] {
    return [...this.#pending].map(([token, owner]) => ({ token, owner }));
  }

  /** Called once a commit holding {@link pendingEntries} is durable. */
  committed(entries: readonly TokenEntry[]): void {
    for (const { token, owner } of entries) {
      if (this.#pending.get(token) === owner) this.#pending.delete(token);
      this.#remember(token, owner);
    }
  }

  #remember(hash: string, owner: TokenOwner | null): void {
    this.#known.delete(hash);
    this.#known.set(hash, owner);
    if (this.#known.size > this.maxKnown) {
      const oldest = this.#known.keys().next().value;
      if (oldest !== undefined) this.#known.delete(oldest);
    }
  }
}
