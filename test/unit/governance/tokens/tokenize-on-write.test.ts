import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { batch, EventBuilder } from '../../../../src/connectors/memory/memory-connector.js';
import { maskPlanFor } from '../../../../src/governance/masking/effective-mask.js';
import { installMasking } from '../../../../src/governance/masking/mask-install.js';
import { readEntity } from '../../../../src/runtime/read-entity.js';
import type { Runtime } from '../../../../src/runtime/runtime.js';
import type { TempRuntime } from '../../../support/temp-runtime.js';
import { ADA, BOB, bankRuntime, syncInto } from './token-fixtures.js';

let temp: TempRuntime;
let uninstall: () => void;
beforeAll(() => {
  uninstall = installMasking(() => new Uint8Array(32).fill(3));
});
afterAll(() => uninstall());
afterEach(() => temp?.cleanup());

async function withRuntime<T>(fn: (runtime: Runtime) => Promise<T>): Promise<T> {
  const runtime = await temp.open();
  try {
    return await fn(runtime);
  } finally {
    await runtime.close();
  }
}

type Doc = {
  customers: Record<string, unknown>;
  accounts: Record<string, unknown>[];
  cards: Record<string, unknown>[];
};

async function read(id: string, mask?: 'clear' | 'clerk' | 'viewer'): Promise<Doc> {
  return withRuntime(async (runtime) => {
    const product = runtime.products.get('bank');
    const plan = mask === undefined ? undefined : mask === 'clear' ? null : maskPlanFor(product, [mask]);
    return (await readEntity(runtime, 'bank', id, undefined, plan)).data as Doc;
  });
}

async function ownerOf(token: string): Promise<string | undefined> {
  return withRuntime(async (runtime) => {
    const owners = await runtime.blobs.tokenOwners([runtime.keyring.tokenKey(token)]);
    const owner = [...owners.values()][0];
    return owner === undefined
      ? undefined
      : owner.entity === runtime.keyring.entityKey('bank', '1')
        ? '1'
        : owner.entity === runtime.keyring.entityKey('bank', '2')
          ? '2'
          : owner.entity;
  });
}

describe('tokenize on write', () => {
  it('stores tokens in the micro-DB and the values only in the vault; clear roles read values', async () => {
    temp = bankRuntime();
    const e = new EventBuilder();
    await withRuntime((runtime) => syncInto(runtime, [batch(e.create('customers', ADA))]));

    const stored = (await read('1')).customers;
    expect(stored.name).toBe('Ada');
    expect(stored.ssn).toMatch(/^\d{3}-\d{2}-\d{4}$/);
    expect(stored.ssn).not.toBe(ADA.ssn);
    expect(stored.card).toMatch(/^\d{4} \d{4} \d{4} \d{4}$/);
    expect(stored.note).toMatch(/^tok_[a-z2-7]{26}$/);

    expect((await read('1', 'clear')).customers).toEqual(ADA);
    // A masked role sees its mask of the token; a role without masks sees the token.
    expect((await read('1', 'clerk')).customers.ssn).toBe('****');
    expect((await read('1', 'viewer')).customers).toEqual(stored);
    expect(await ownerOf(stored.ssn as string)).toBe('1');
  });

  it("keeps a row's token while its value stays, issues a new one when it changes, and keeps the old", async () => {
    temp = bankRuntime();
    const e = new EventBuilder();
    await withRuntime((runtime) => syncInto(runtime, [batch(e.create('customers', ADA))]));
    const first = (await read('1')).customers;
    await withRuntime((runtime) =>
      syncInto(runtime, [
        batch(
          e.update('customers', { ...ADA, name: 'Ada L.' }),
          e.update('customers', { ...ADA, name: 'Ada L.' }),
        ),
      ]),
    );
    const same = (await read('1')).customers;
    expect([same.ssn, same.card, same.note]).toEqual([first.ssn, first.card, first.note]);

    await withRuntime((runtime) =>
      syncInto(runtime, [batch(e.update('customers', { ...ADA, ssn: '111-22-3333' }))]),
    );
    const changed = (await read('1')).customers;
    expect(changed.ssn).not.toBe(first.ssn);
    expect((await read('1', 'clear')).customers.ssn).toBe('111-22-3333');
    // The superseded token still stands for its value in this entity's vault.
    expect(await ownerOf(first.ssn as string)).toBe('1');
  });

  it('gives a deterministic column the same token for the same value within an entity, never across entities', async () => {
    temp = bankRuntime();
    const e = new EventBuilder();
    await withRuntime((runtime) =>
      syncInto(runtime, [
        batch(
          e.create('customers', ADA),
          e.create('customers', BOB),
          e.create('accounts', { id: 10, customer_id: 1, iban: 'GB33BUKB20201555555555' }),
          e.create('accounts', { id: 11, customer_id: 1, iban: 'GB33BUKB20201555555555' }),
          e.create('accounts', { id: 12, customer_id: 2, iban: 'GB33BUKB20201555555555' }),
        ),
      ]),
    );
    const ada = await read('1');
    const bob = await read('2');
    expect(ada.accounts[0]?.iban).toBe(ada.accounts[1]?.iban);
    expect(bob.accounts[0]?.iban).not.toBe(ada.accounts[0]?.iban);
    // Same card value in two entities: two tokens.
    expect(bob.customers.card).not.toBe(ada.customers.card);
    expect((await read('2', 'clear')).accounts[0]?.iban).toBe('GB33BUKB20201555555555');
  });

  it('carries tokens along when rows move to another entity', async () => {
    temp = bankRuntime();
    const e = new EventBuilder();
    await withRuntime((runtime) =>
      syncInto(runtime, [
        batch(
          e.create('customers', ADA),
          e.create('customers', BOB),
          e.create('accounts', { id: 10, customer_id: 1, iban: 'DE89370400440532013000' }),
          e.create('cards', { id: 100, account_id: 10, pan: '5555 5555 5555 4444' }),
        ),
      ]),
    );
    const before = await read('1');
    await withRuntime((runtime) =>
      syncInto(runtime, [batch(e.update('accounts', { id: 10, customer_id: 2 }))]),
    );
    const moved = await read('2');
    expect(moved.accounts[0]?.iban).toBe(before.accounts[0]?.iban);
    expect(moved.cards[0]?.pan).toBe(before.cards[0]?.pan);
    expect((await read('2', 'clear')).accounts[0]?.iban).toBe('DE89370400440532013000');
    expect((await read('2', 'clear')).cards[0]?.pan).toBe('5555 5555 5555 4444');
    expect(await ownerOf(before.cards[0]?.pan as string)).toBe('2');
    expect(await ownerOf(before.accounts[0]?.iban as string)).toBe('2');
  });

  it('drops the token-index entries of an entity whose root row is deleted', async () => {
    temp = bankRuntime();
    const e = new EventBuilder();
    await withRuntime((runtime) => syncInto(runtime, [batch(e.create('customers', ADA))]));
    const token = (await read('1')).customers.ssn as string;
    expect(await ownerOf(token)).toBe('1');
    await withRuntime((runtime) => syncInto(runtime, [batch(e.delete('customers', { id: 1 }))]));
    expect(await ownerOf(token)).toBeUndefined();
  });
});
