import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batch, EventBuilder } from '../../../../src/connectors/memory/memory-connector.js';
import { isCellarError } from '../../../../src/errors.js';
import { TokenService } from '../../../../src/governance/tokens/token-service.js';
import { openSync } from '../../../../src/runtime/open-sync.js';
import type { Runtime } from '../../../../src/runtime/runtime.js';
import type { TempRuntime } from '../../../support/temp-runtime.js';
import { ADA, BOB, bankRuntime, syncInto } from './token-fixtures.js';

let temp: TempRuntime;
let runtime: Runtime;
let service: TokenService;

beforeAll(async () => {
  temp = bankRuntime('tokens: { maxBatch: 5 }');
  runtime = await temp.open();
  const e = new EventBuilder();
  await syncInto(runtime, [batch(e.create('customers', ADA), e.create('customers', BOB))]);
  service = TokenService.create(runtime);
});
afterAll(async () => {
  await runtime.close();
  temp.cleanup();
});

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (err: unknown) => err,
  );
}

describe('TokenService', () => {
  it('tokenizes values into an entity and detokenizes them, per token, in order', async () => {
    const issued = await service.tokenize('bank', '1', 'ssn', ['123-45-6789', '987-65-4321']);
    expect(issued).toMatchObject({ product: 'bank', column: 'customers.ssn' });
    expect(issued.entityHash).toBe(runtime.keyring.hashForAudit('bank', '1'));
    for (const token of issued.tokens) expect(token).toMatch(/^\d{3}-\d{2}-\d{4}$/);
    const { items, access } = await service.detokenize(
      ['tok_unknownunknownunknownunk', ...issued.tokens],
      () => true,
    );
    expect(items).toEqual([
      { token: 'tok_unknownunknownunknownunk', status: 'not-found' },
      { token: issued.tokens[0], status: 'ok', value: '123-45-6789' },
      { token: issued.tokens[1], status: 'ok', value: '987-65-4321' },
    ]);
    expect(access).toEqual([
      { product: undefined, entityHash: undefined, outcome: 'not-found', tokens: 1 },
      { product: 'bank', entityHash: issued.entityHash, outcome: 'allowed', tokens: 2 },
    ]);
  });

  it('keeps tokens durable: a new process detokenizes them', async () => {
    const issued = await service.tokenize('bank', '2', 'note', ['call after 5pm']);
    await runtime.close();
    runtime = await temp.open();
    service = TokenService.create(runtime);
    const { items } = await service.detokenize(issued.tokens, () => true);
    expect(items).toEqual([{ token: issued.tokens[0], status: 'ok', value: 'call after 5pm' }]);
  });

  it('denies tokens of products the caller may not detokenize, without reading them', async () => {
    const issued = await service.tokenize('bank', '1', 'card', ['4111 1111 1111 1111']);
    const { items, access } = await service.detokenize(issued.tokens, () => false);
    expect(items).toEqual([{ token: issued.tokens[0], status: 'denied' }]);
    expect(access).toEqual([{ product: 'bank', entityHash: undefined, outcome: 'denied', tokens: 1 }]);
  });

  it('refuses empty and oversized batches, unknown columns and entities', async () => {
    expect(
      isCellarError(await rejection(service.tokenize('bank', '1', 'ssn', [])), 'CELLAR_ERR_TOKEN_BATCH'),
    ).toBe(true);
    const six = ['1', '2', '3', '4', '5', '6'];
    expect(
      isCellarError(await rejection(service.tokenize('bank', '1', 'ssn', six)), 'CELLAR_ERR_TOKEN_BATCH'),
    ).toBe(true);
    expect(
      isCellarError(await rejection(service.detokenize(six, () => true)), 'CELLAR_ERR_TOKEN_BATCH'),
    ).toBe(true);
    expect(
      isCellarError(await rejection(service.tokenize('bank', '1', 'name', ['x'])), 'CELLAR_ERR_TOKEN_COLUMN'),
    ).toBe(true);
    expect(
      isCellarError(
        await rejection(service.tokenize('bank', '99', 'ssn', ['x'])),
        'CELLAR_ERR_ENTITY_NOT_FOUND',
      ),
    ).toBe(true);
    expect(
      isCellarError(
        await rejection(service.tokenize('nope', '1', 'ssn', ['x'])),
        'CELLAR_ERR_PRODUCT_NOT_FOUND',
      ),
    ).toBe(true);
  });

  it('works through a sync engine, sharing its token index', async () => {
    const { engine } = await openSync(runtime);
    const through = TokenService.create(runtime, engine);
    const issued = await through.tokenize('bank', '1', 'accounts.iban', [
      'NL91ABNA0417164300',
      'NL91ABNA0417164300',
    ]);
    expect(issued.tokens[0]).toBe(issued.tokens[1]);
    expect(engine.tokens?.lookup(runtime.keyring.tokenKey(issued.tokens[0]!))).toMatchObject({
      product: 'bank',
    });
    const { items } = await through.detokenize(issued.tokens, () => true);
    expect(items.map((i) => (i.status === 'ok' ? i.value : i.status))).toEqual([
      'NL91ABNA0417164300',
      'NL91ABNA0417164300',
    ]);
  });

  it('property: any string round-trips through every kind of tokenized column, never as its own token', async () => {
    const columns = ['ssn', 'card', 'note', 'accounts.iban', 'cards.pan'];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...columns),
        fc.array(fc.string({ unit: 'binary', maxLength: 30 }), { minLength: 1, maxLength: 5 }),
        async (column, values) => {
          const issued = await service.tokenize('bank', '2', column, values);
          for (const [i, token] of issued.tokens.entries()) expect(token).not.toBe(values[i]);
          const { items } = await service.detokenize(issued.tokens, () => true);
          expect(items.map((i) => (i.status === 'ok' ? i.value : undefined))).toEqual(values);
        },
      ),
      { numRuns: 60 },
    );
  });
});
