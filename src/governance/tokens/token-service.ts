import { CellarError } from '../../errors.js';
import type { Product } from '../../product/types.js';
import type { EntityHandle } from '../../runtime/entity-handle.js';
import type { Runtime } from '../../runtime/runtime.js';
import type { EntityKey, TokenOwner } from '../../store/blob-store.js';
import type { SyncEngine } from '../../sync/sync-engine.js';
import { writeEntities } from './entity-writer.js';
import { type StoreWork, storeWork } from './store-work.js';
import { resolveTokenColumn } from './token-columns.js';
import { type TokenSettings, tokenSettings } from './token-settings.js';
import { Tokenizer, type TokenPlan } from './tokenizer.js';

/** Index fetches a tokenize request may need: the first candidates, then a few redraws. */
const MAX_PLAN_ROUNDS = 6;

/** Tokens issued for one tokenize request, in the order of its values. */
export interface TokenizeResult {
  readonly product: string;
  /** The column as `table.column`. */
  readonly column: string;
  readonly tokens: readonly string[];
  /** The entity's keyed hash for the audit log (`Keyring.hashForAudit`). */
  readonly entityHash: string;
}

/** What one token of a detokenize request came to. */
export type DetokenizeItem =
  | { readonly token: string; readonly status: 'ok'; readonly value: string }
  | { readonly token: string; readonly status: 'not-found' }
  | { readonly token: string; readonly status: 'denied' };

/** One entity (or product, when refused) a detokenize request touched: one audit record each. */
export interface DetokenizeAccess {
  readonly product: string | undefined;
  /** The entity's keyed audit hash; absent when refused or not found before the entity was read. */
  readonly entityHash: string | undefined;
  readonly outcome: 'allowed' | 'denied' | 'not-found';
  /** Tokens of the request that fell in this group. */
  readonly tokens: number;
}

/**
 * Tokenization as a service: issue tokens for values into an entity's vault, and exchange tokens
 * for values. The HTTP routes and tests use it; authorization is the caller's (the detokenize
 * check is per token's product, so it is passed in as a predicate).
 */
export class TokenService {
  private constructor(
    private readonly runtime: Runtime,
    private readonly work: StoreWork,
    private readonly tokenizer: Tokenizer,
    readonly settings: TokenSettings,
  ) {}

  /** The service of a runtime; with `engine`, it shares the engine's queue and token index. */
  static create(runtime: Runtime, engine?: SyncEngine): TokenService {
    const work = storeWork(runtime, engine);
    const settings = tokenSettings(runtime.config);
    return new TokenService(runtime, work, new Tokenizer(runtime.keyring, work.tokens, settings), settings);
  }

  /**
   * Issues a token for each value (a `deterministic` column gives a value the token it already
   * has) into the vault of entity `id`, durably before resolving. Rejects with
   * CELLAR_ERR_PRODUCT_NOT_FOUND, CELLAR_ERR_TOKEN_COLUMN, CELLAR_ERR_TOKEN_BATCH or
   * CELLAR_ERR_ENTITY_NOT_FOUND.
   */
  async tokenize(
    productName: string,
    id: string,
    columnName: string,
    values: readonly string[],
  ): Promise<TokenizeResult> {
    this.#checkBatch(values.length, 'values');
    const product = this.runtime.products.get(productName);
    const column = resolveTokenColumn(product, columnName);
    const tokens = await this.work.isolated(async ({ tokens: index }) => {
      const handle = await this.#find(product, this.runtime.repo.entityKey(product, id));
      if (handle === undefined) throw notFound(product);
      const slot = {};
      let plan: TokenPlan = { kind: 'need', hashes: [] };
      for (let round = 0; round < MAX_PLAN_ROUNDS && plan.kind === 'need'; round += 1) {
        plan = this.tokenizer.plan({ slot, product, column, values, vault: handle.db.vault });
        if (plan.kind === 'need') await index.fetch(plan.hashes);
      }
      if (plan.kind === 'need') {
        throw new CellarError(
          'CELLAR_ERR_INTERNAL',
          `tokens for ${product.name}.${column.name} kept colliding`,
        );
      }
      const issued = this.tokenizer.apply(plan, handle.db.vault, {
        product: product.name,
        entity: handle.key,
      });
      if (plan.decisions.some((d) => d.kind !== 'existing'))
        await writeEntities(this.runtime, [handle], index);
      return issued;
    });
    return {
      product: product.name,
      column: column.name,
      tokens,
      entityHash: this.runtime.keyring.hashForAudit(product.name, id),
    };
  }

  /**
   * The value of each token, in order: `ok` with the value, `not-found` (no such token, its entity
   * was erased, or its product is not served here), or `denied` when `mayDetokenize` refuses the
   * token's product. Tokens still waiting for a sync flush are found too.
   */
  async detokenize(
    tokens: readonly string[],
    mayDetokenize: (product: Product) => boolean,
  ): Promise<{ readonly items: DetokenizeItem[]; readonly access: DetokenizeAccess[] }> {
    this.#checkBatch(tokens.length, 'tokens');
    const { keyring, blobs, products } = this.runtime;
    const hashes = tokens.map((token) => keyring.tokenKey(token));
    const owners = new Map<string, TokenOwner>();
    const unknown: string[] = [];
    for (const hash of new Set(hashes)) {
      const owner = this.work.tokens.lookup(hash);
      if (owner) owners.set(hash, owner);
      else if (owner === undefined) unknown.push(hash);
    }
    for (const [hash, owner] of await blobs.tokenOwners(unknown)) owners.set(hash, owner);

    const items: DetokenizeItem[] = tokens.map((token) => ({ token, status: 'not-found' }));
    const access: DetokenizeAccess[] = [];
    const groups = new Map<string, { owner: TokenOwner; at: number[] }>();
    hashes.forEach((hash, at) => {
      const owner = owners.get(hash);
      if (owner === undefined) return;
      const group = groups.get(`${owner.product}\0${owner.entity}`) ?? { owner, at: [] };
      group.at.push(at);
      groups.set(`${owner.product}\0${owner.entity}`, group);
    });
    const missing = tokens.length - [...groups.values()].reduce((n, g) => n + g.at.length, 0);
    if (missing > 0)
      access.push({ product: undefined, entityHash: undefined, outcome: 'not-found', tokens: missing });

    for (const { owner, at } of groups.values()) {
      const product = products.find(owner.product);
      if (product === undefined) {
        access.push({ product: undefined, entityHash: undefined, outcome: 'not-found', tokens: at.length });
        continue;
      }
      if (!mayDetokenize(product)) {
        for (const i of at) items[i] = { token: tokens[i]!, status: 'denied' };
        access.push({ product: product.name, entityHash: undefined, outcome: 'denied', tokens: at.length });
        continue;
      }
      const found = await this.#read(product, owner.entity, (handle) => {
        for (const i of at) {
          const entry = handle.db.vault.get(tokens[i]!);
          if (entry !== undefined) items[i] = { token: entry.token, status: 'ok', value: entry.value };
        }
        return keyring.hashForAudit(product.name, handle.entityId);
      });
      access.push({
        product: product.name,
        entityHash: found,
        outcome: found === undefined ? 'not-found' : 'allowed',
        tokens: at.length,
      });
    }
    return { items, access };
  }

  /** `read(handle)` of a stored entity, or undefined when it is gone (erased since it was indexed). */
  async #read<T>(
    product: Product,
    key: EntityKey,
    read: (handle: EntityHandle) => T,
  ): Promise<T | undefined> {
    const cached = this.runtime.repo.cached(key);
    if (cached !== undefined && !cached.removed) return read(cached);
    return this.work.exclusive(async () => {
      const handle = await this.#find(product, key);
      return handle === undefined ? undefined : read(handle);
    });
  }

  async #find(product: Product, key: EntityKey): Promise<EntityHandle | undefined> {
    try {
      return await this.runtime.repo.find(product, key);
    } catch (err) {
      // A blob whose key was erased (a backup copy put back) cannot be opened: it does not exist.
      if (err instanceof CellarError && err.code === 'CELLAR_ERR_KEY_NOT_FOUND') return undefined;
      throw err;
    }
  }

  #checkBatch(count: number, what: string): void {
    if (count < 1 || count > this.settings.maxBatch) {
      throw new CellarError(
        'CELLAR_ERR_TOKEN_BATCH',
        `a request must carry from 1 to ${this.settings.maxBatch} ${what}; this one has ${count}`,
        { hint: 'split it into batches of at most tokens.maxBatch (docs/tokens.md)' },
      );
    }
  }
}

function notFound(product: Product): CellarError {
  return new CellarError('CELLAR_ERR_ENTITY_NOT_FOUND', `${product.name} has no entity with that id`);
}
