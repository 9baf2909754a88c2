import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isCellarError } from '../../../../src/errors.js';
import { resolveTokenColumn, type TokenColumn } from '../../../../src/governance/tokens/token-columns.js';
import { TokenIndex } from '../../../../src/governance/tokens/token-index.js';
import type { TokenRandom } from '../../../../src/governance/tokens/token-random.js';
import { DEFAULT_TOKEN_SETTINGS } from '../../../../src/governance/tokens/token-settings.js';
import { Tokenizer, type TokenPlan } from '../../../../src/governance/tokens/tokenizer.js';
import { MicroDb } from '../../../../src/microdb/micro-db.js';
import type { Product } from '../../../../src/product/types.js';
import type { Runtime } from '../../../../src/runtime/runtime.js';
import type { TempRuntime } from '../../../support/temp-runtime.js';
import { bankRuntime } from './token-fixtures.js';

/** Random digits from a script: every format-preserving draw of a 2-digit value is scripted. */
function scripted(digits: readonly number[]): TokenRandom {
  let i = 0;
  return {
    below: (bound) => (digits[i++ % digits.length] ?? 0) % bound,
    fill: (out) => {
      for (let j = 0; j < out.length; j += 1) out[j] = (i * 31 + j) & 0xff;
      i += 1;
    },
  };
}

let temp: TempRuntime;
let runtime: Runtime;
let product: Product;
let ssn: TokenColumn;
let card: TokenColumn;
let note: TokenColumn;
const dbs: MicroDb[] = [];

beforeEach(async () => {
  temp = bankRuntime();
  runtime = await temp.open();
  product = runtime.products.get('bank');
  ssn = resolveTokenColumn(product, 'ssn');
  card = resolveTokenColumn(product, 'customers.card');
  note = resolveTokenColumn(product, 'note');
});
afterEach(async () => {
  for (const db of dbs.splice(0)) db.close();
  await runtime.close();
  temp.cleanup();
});

function entity(id: string): { db: MicroDb; owner: { product: string; entity: string } } {
  const db = MicroDb.create(product, id);
  dbs.push(db);
  return { db, owner: { product: 'bank', entity: runtime.keyring.entityKey('bank', id) } };
}

/** Plans until ready, fetching what the index asks for; counts the rounds. */
async function planReady(tokenizer: Tokenizer, index: TokenIndex, input: Parameters<Tokenizer['plan']>[0]) {
  let plan: TokenPlan = tokenizer.plan(input);
  let rounds = 0;
  while (plan.kind === 'need') {
    rounds += 1;
    await index.fetch(plan.hashes);
    plan = tokenizer.plan(input);
  }
  return { plan, rounds };
}

describe('Tokenizer', () => {
  it('asks for the index entries of its candidates first, then issues tokens into the vault', async () => {
    const index = new TokenIndex(runtime.blobs);
    const tokenizer = new Tokenizer(runtime.keyring, index);
    const { db, owner } = entity('1');
    const input = { slot: {}, product, column: ssn, values: ['078-05-1120', '078-05-1120'], vault: db.vault };
    const { plan, rounds } = await planReady(tokenizer, index, input);
    expect(rounds).toBe(1);
    if (plan.kind !== 'ready') throw new Error('not ready');
    const tokens = tokenizer.apply(plan, db.vault, owner);
    // Not deterministic: the same value twice gives two tokens.
    expect(new Set(tokens).size).toBe(2);
    for (const token of tokens) {
      expect(db.vault.get(token)).toMatchObject({ column: 'customers.ssn', value: '078-05-1120' });
      expect(index.lookup(runtime.keyring.tokenKey(token))).toEqual(owner);
    }
    expect(index.pendingEntries()).toHaveLength(2);
  });

  it('gives a deterministic column one token per value, from the vault once issued', async () => {
    const index = new TokenIndex(runtime.blobs);
    const tokenizer = new Tokenizer(runtime.keyring, index);
    const { db, owner } = entity('1');
    const values = ['4539 1488 0343 6467', '5555 5555 5555 4444', '4539 1488 0343 6467'];
    const first = await planReady(tokenizer, index, {
      slot: {},
      product,
      column: card,
      values,
      vault: db.vault,
    });
    if (first.plan.kind !== 'ready') throw new Error('not ready');
    const tokens = tokenizer.apply(first.plan, db.vault, owner);
    expect(tokens[0]).toBe(tokens[2]);
    expect(tokens[1]).not.toBe(tokens[0]);
    const again = tokenizer.plan({ slot: {}, product, column: card, values: [values[1]!], vault: db.vault });
    expect(again).toMatchObject({ kind: 'ready', decisions: [{ kind: 'existing', token: tokens[1] }] });
  });

  it('skips candidates another entity holds, and falls back to an opaque token when the format has no room', async () => {
    // Every format-preserving draw for a 2-digit value is "34": once taken, only opaque remains.
    const index = new TokenIndex(runtime.blobs);
    const tokenizer = new Tokenizer(runtime.keyring, index, DEFAULT_TOKEN_SETTINGS, scripted([3, 4]));
    const a = entity('1');
    const b = entity('2');
    const first = await planReady(tokenizer, index, {
      slot: {},
      product,
      column: ssn,
      values: ['12'],
      vault: a.db.vault,
    });
    if (first.plan.kind !== 'ready') throw new Error('not ready');
    expect(tokenizer.apply(first.plan, a.db.vault, a.owner)).toEqual(['34']);
    const second = await planReady(tokenizer, index, {
      slot: {},
      product,
      column: ssn,
      values: ['12'],
      vault: b.db.vault,
    });
    if (second.plan.kind !== 'ready') throw new Error('not ready');
    const [token] = tokenizer.apply(second.plan, b.db.vault, b.owner);
    expect(token).toMatch(/^tok_/);
    expect(b.db.vault.get(token!)?.value).toBe('12');
  });

  it('keeps candidates stable per slot, so a plan retried after fetching does not draw again', () => {
    const index = new TokenIndex(runtime.blobs);
    const tokenizer = new Tokenizer(runtime.keyring, index);
    const { db } = entity('1');
    const slot = {};
    const input = { slot, product, column: note, values: ['x'], vault: db.vault };
    const first = tokenizer.plan(input);
    const second = tokenizer.plan(input);
    expect(first).toEqual(second);
    expect(tokenizer.prefetch(slot, product, note, ['x'])).toEqual(first.kind === 'need' ? first.hashes : []);
    expect(tokenizer.plan({ ...input, slot: {} })).not.toEqual(first);
  });

  it('refuses a column that is not tokenized, naming the tokenized ones', () => {
    let err: unknown;
    try {
      resolveTokenColumn(product, 'name');
    } catch (e) {
      err = e;
    }
    expect(isCellarError(err, 'CELLAR_ERR_TOKEN_COLUMN')).toBe(true);
    expect((err as { hint?: string }).hint).toContain('customers.ssn');
  });
});
