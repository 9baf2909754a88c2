import { describe, expect, it } from 'vitest';
import { generateApiKey, hashApiKey } from '../../../../src/api/auth/api-keys.js';
import { createAuthenticator } from '../../../../src/api/auth/authenticator.js';
import { MAX_BEARER_CHARS } from '../../../../src/api/auth/bearer.js';
import { isCellarError } from '../../../../src/errors.js';
import { loadAuth, useConfigWriter } from './auth-fixture.js';

const write = useConfigWriter();
const generated = generateApiKey();
const auth = createAuthenticator(
  loadAuth(
    write({
      apiKeys: [
        { name: 'demo-support', hash: hashApiKey('demo-support-key'), roles: ['support'] },
        { name: 'ops', hash: hashApiKey(generated), roles: ['analyst', 'dpo'] },
      ],
    }),
  ),
);

async function refusal(header: string | undefined): Promise<string> {
  try {
    await auth.authenticate(header);
  } catch (err) {
    if (isCellarError(err, 'CELLAR_ERR_AUTH_UNAUTHENTICATED')) {
      expect(err.status).toBe(401);
      return err.message;
    }
    throw err;
  }
  throw new Error('expected CELLAR_ERR_AUTH_UNAUTHENTICATED');
}

describe('createAuthenticator with API keys', () => {
  it('authenticates a configured key as the key name with its roles', async () => {
    expect(await auth.authenticate('Bearer demo-support-key')).toEqual({
      name: 'demo-support',
      roles: ['support'],
      via: 'api-key',
    });
    expect(await auth.authenticate(`Bearer ${generated}`)).toEqual({
      name: 'ops',
      roles: ['analyst', 'dpo'],
      via: 'api-key',
    });
  });

  it('answers a key with the same frozen principal every time', async () => {
    const first = await auth.authenticate('Bearer demo-support-key');
    expect(await auth.authenticate('Bearer demo-support-key')).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(Object.isFrozen(first.roles)).toBe(true);
  });

  it('takes the scheme in any case and ignores surrounding spaces', async () => {
    expect((await auth.authenticate('bearer demo-support-key')).name).toBe('demo-support');
    expect((await auth.authenticate('  BEARER   demo-support-key  ')).name).toBe('demo-support');
  });

  it('refuses an unknown key without repeating it', async () => {
    const message = await refusal('Bearer demo-secret-guess');
    expect(message).toBe('unknown API key');
  });

  it('refuses the stored hash presented as a key', async () => {
    expect(await refusal(`Bearer ${hashApiKey('demo-support-key')}`)).toBe('unknown API key');
  });

  it('says what is wrong with the header', async () => {
    expect(await refusal(undefined)).toBe('missing Authorization header');
    expect(await refusal('')).toBe('missing Authorization header');
    expect(await refusal('   ')).toBe('missing Authorization header');
    expect(await refusal('Basic ZGVtbzpkZW1v')).toBe('the Authorization header must use the Bearer scheme');
    expect(await refusal('demo-support-key')).toBe('the Authorization header must use the Bearer scheme');
    expect(await refusal('Bearer')).toBe('the Authorization header has no bearer token');
    expect(await refusal('Bearer demo-support-key extra')).toBe(
      'the bearer token must be one word, without spaces',
    );
    expect(await refusal(`Bearer ${'k'.repeat(MAX_BEARER_CHARS + 1)}`)).toBe(
      `the bearer token is longer than ${MAX_BEARER_CHARS} characters`,
    );
  });

  it('refuses a JWT when no jwt section is configured', async () => {
    expect(await refusal('Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln')).toBe(
      'the bearer token is a JWT, but this server accepts none (auth.jwt is not set)',
    );
  });

  it('never puts the credential in the message or hint', async () => {
    for (const secret of ['Bearer wrong-key-4711', 'Basic wrong-key-4711', 'Bearer wrong-key-4711 x']) {
      try {
        await auth.authenticate(secret);
        expect.unreachable();
      } catch (err) {
        expect(isCellarError(err)).toBe(true);
        expect(
          JSON.stringify({ m: (err as Error).message, h: (err as { hint?: string }).hint }),
        ).not.toContain('wrong-key-4711');
      }
    }
  });
});
