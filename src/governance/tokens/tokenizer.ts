import type { Keyring } from '../../crypto/keyring.js';
import { CellarError } from '../../errors.js';
import type { VaultEntry, VaultStore } from '../../microdb/vault-store.js';
import type { Product } from '../../product/types.js';
import type { TokenOwner } from '../../store/blob-store.js';
import type { TokenColumn } from './token-columns.js';
import { formatPreservingToken, opaqueToken } from './token-format.js';
import type { TokenIndex } from './token-index.js';
import { secureRandom, type TokenRandom } from './token-random.js';
import { DEFAULT_TOKEN_SETTINGS, type TokenSettings } from './token-settings.js';

/**
 * Format-preserving candidates drawn at first (one: in a space as large as an SSN's a collision is
 * rare), then at a time once those are taken (short values have few free tokens left).
 */
const FIRST_FORMAT_CANDIDATES = 1;
const MORE_FORMAT_CANDIDATES = 4;
/** Candidates tried for a format-preserving value before an opaque token is issued instead. */
const MAX_FORMAT_CANDIDATES = 16;
/** Opaque candidates tried before giving up: with 130 random bits a second is never needed. */
const MAX_OPAQUE_CANDIDATES = 4;

/** A token held before for the same row: reused when it still stands for the same value. */
export interface PriorToken {
  readonly token: string;
  /** The vault it is in: the destination's own, or another entity's (a row moving between them). */
  readonly vault: VaultStore;
}

/** What to tokenize: values of one column, for one entity. */
export interface TokenizeInput {
  /** Keeps the drawn candidates stable across retries: the change event, or a request object. */
  readonly slot: object;
  readonly product: Product;
  readonly column: TokenColumn;
  readonly values: readonly string[];
  /** The destination entity's vault; undefined for an entity about to be created (empty vault). */
  readonly vault: VaultStore | undefined;
  /** Tokens the row held before (sync only). */
  readonly prior?: readonly PriorToken[];
}

/** One value's token, and what issuing it takes. */
export type TokenDecision =
  | { readonly kind: 'existing'; readonly token: string }
  | { readonly kind: 'adopt'; readonly token: string; readonly entry: VaultEntry }
  | { readonly kind: 'new'; readonly token: string; readonly hash: string; readonly value: string };

/** A plan for every value, or the token-index hashes to fetch before one can be made. */
export type TokenPlan =
  | { readonly kind: 'ready'; readonly column: TokenColumn; readonly decisions: readonly TokenDecision[] }
  | { readonly kind: 'need'; readonly hashes: readonly string[] };

interface Candidate {
  readonly token: string;
  readonly hash: string;
  readonly opaque: boolean;
}

/**
 * Issues tokens into an entity's vault: reuses a token the row already held for the same value,
 * or (for `deterministic` columns) any token the vault holds for it; otherwise draws a new random
 * token whose hash the {@link TokenIndex} knows to be free, so tokens never collide across
 * entities or products. A format-preserving value whose shape leaves too few free tokens gets an
 * opaque token instead (docs/tokens.md).
 *
 * Two phases, so that sync can apply an event whole or not at all: {@link plan} decides without
 * changing anything (or says which index entries to fetch first), {@link apply} then writes the
 * vault entries and claims the index entries, synchronously.
 */
export class Tokenizer {
  readonly #candidates = new WeakMap<object, Map<string, Candidate[]>>();

  constructor(
    private readonly keyring: Keyring,
    readonly index: TokenIndex,
    private readonly settings: TokenSettings = DEFAULT_TOKEN_SETTINGS,
    private readonly random: TokenRandom = secureRandom,
  ) {}

  /** Token-index hashes to fetch ahead for a value about to be tokenized (sync prefetch). */
  prefetch(slot: object, product: Product, column: TokenColumn, values: readonly string[]): string[] {
    return values.flatMap((value, i) => this.#drawn(slot, product, column, i, value).map((c) => c.hash));
  }

  /** Decides each value's token; changes nothing. */
  plan(input: TokenizeInput): TokenPlan {
    const { column, values, vault } = input;
    const decisions: TokenDecision[] = [];
    const need = new Set<string>();
    const sameCall = new Map<string, TokenDecision>();
    const claimed = new Set<string>();
    for (const [i, value] of values.entries()) {
      const known =
        this.#reuse(input, value) ??
        (column.column.deterministic ? this.#same(vault, column, value, sameCall) : undefined);
      if (known !== undefined) {
        decisions.push(known);
        continue;
      }
      const chosen = this.#choose(input, i, value, claimed, need);
      if (chosen === undefined) continue;
      const decision = { kind: 'new' as const, token: chosen.token, hash: chosen.hash, value };
      claimed.add(chosen.hash);
      sameCall.set(value, decision);
      decisions.push(decision);
    }
    if (need.size > 0) return { kind: 'need', hashes: [...need] };
    return { kind: 'ready', column, decisions };
  }

  /**
   * Writes a ready plan: vault entries into `vault`, index claims for `owner`. Returns the tokens,
   * one per value. Synchronous; `vault` must be the destination the plan was made for.
   */
  apply(
    plan: Extract<TokenPlan, { kind: 'ready' }>,
    vault: VaultStore,
    owner: TokenOwner,
    now = Date.now(),
  ): string[] {
    return plan.decisions.map((decision) => {
      if (decision.kind === 'adopt') this.adopt(decision.entry, vault, owner);
      if (decision.kind === 'new') {
        vault.put({ token: decision.token, column: plan.column.name, value: decision.value, createdAt: now });
        this.index.claim(decision.hash, owner);
      }
      return decision.token;
    });
  }

  /** Copies a token's entry into another entity's vault and points the index at it (a moved row). */
  adopt(entry: VaultEntry, vault: VaultStore, owner: TokenOwner): void {
    vault.put(entry);
    this.index.claim(this.keyring.tokenKey(entry.token), owner);
  }

  /** A deterministic column's token for `value`: from the vault, or issued earlier in this call. */
  #same(
    vault: VaultStore | undefined,
    column: TokenColumn,
    value: string,
    sameCall: ReadonlyMap<string, TokenDecision>,
  ): TokenDecision | undefined {
    const existing = vault?.find(column.name, value);
    return existing !== undefined ? { kind: 'existing', token: existing } : sameCall.get(value);
  }

  #reuse(input: TokenizeInput, value: string): TokenDecision | undefined {
    for (const prior of input.prior ?? []) {
      const entry = prior.vault.get(prior.token);
      if (entry === undefined || entry.column !== input.column.name || entry.value !== value) continue;
      return prior.vault === input.vault
        ? { kind: 'existing', token: entry.token }
        : { kind: 'adopt', token: entry.token, entry };
    }
    return undefined;
  }

  /** A free candidate for value `i`; undefined when some must be fetched first (added to `need`). */
  #choose(
    input: TokenizeInput,
    i: number,
    value: string,
    claimed: Set<string>,
    need: Set<string>,
  ): Candidate | undefined {
    const { slot, product, column } = input;
    for (;;) {
      const drawn = this.#drawn(slot, product, column, i, value);
      const unknown: string[] = [];
      for (const candidate of drawn) {
        if (claimed.has(candidate.hash)) continue;
        const owner = this.index.lookup(candidate.hash);
        if (owner === null) return candidate;
        if (owner === undefined) unknown.push(candidate.hash);
      }
      if (unknown.length > 0) {
        for (const hash of unknown) need.add(hash);
        return undefined;
      }
      this.#drawMore(product, column, value, drawn);
    }
  }

  /** The candidates drawn so far for value `i` of `column` under `slot` (drawing the first ones). */
  #drawn(slot: object, product: Product, column: TokenColumn, i: number, value: string): Candidate[] {
    let bySlot = this.#candidates.get(slot);
    if (bySlot === undefined) {
      bySlot = new Map();
      this.#candidates.set(slot, bySlot);
    }
    const key = `${column.name}\0${i}`;
    let list = bySlot.get(key);
    if (list === undefined) {
      list = [];
      bySlot.set(key, list);
      this.#drawMore(product, column, value, list);
    }
    return list;
  }

  #drawMore(product: Product, column: TokenColumn, value: string, list: Candidate[]): void {
    const formatTries = list.filter((c) => !c.opaque).length;
    const keepLast = this.settings.keepLast.get(`${product.name}.${column.name}`) ?? 0;
    if (column.kind === 'format-preserving' && formatTries < MAX_FORMAT_CANDIDATES) {
      const draws = formatTries === 0 ? FIRST_FORMAT_CANDIDATES : MORE_FORMAT_CANDIDATES;
      for (let n = 0; n < draws; n += 1) {
        const token = formatPreservingToken(value, keepLast, this.random);
        if (token === undefined) break; // no format-preserving token can differ from the value
        list.push({ token, hash: this.keyring.tokenKey(token), opaque: false });
      }
      if (list.length > formatTries) return;
    }
    if (list.length - formatTries >= MAX_OPAQUE_CANDIDATES) {
      throw new CellarError(
        'CELLAR_ERR_INTERNAL',
        `no free token could be drawn for ${product.name}.${column.name}`,
        {
          hint: 'every random opaque token drawn was taken: the random source is broken',
        },
      );
    }
    const token = opaqueToken(this.random);
    list.push({ token, hash: this.keyring.tokenKey(token), opaque: true });
  }
}
