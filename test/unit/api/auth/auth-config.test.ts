import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashApiKey } from '../../../../src/api/auth/api-keys.js';
import { DEFAULT_CLOCK_TOLERANCE_SEC, loadAuthConfig } from '../../../../src/api/auth/auth-config.js';
import type { CellarConfig } from '../../../../src/config/types.js';
import { isCellarError } from '../../../../src/errors.js';
import { loadAuth, rsaKeys, SECRET, useConfigWriter } from './auth-fixture.js';

const write = useConfigWriter();
const HASH = hashApiKey('some-key');

function problems(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (isCellarError(err, 'CELLAR_ERR_AUTH_CONFIG')) return err.message;
    throw err;
  }
  throw new Error('expected CELLAR_ERR_AUTH_CONFIG');
}

describe('loadAuthConfig', () => {
  it('reads API keys, normalising the hash to lowercase, with defaults for the rest', () => {
    const upper = `sha256:${HASH.slice(7).toUpperCase()}`;
    const auth = loadAuth(write({ apiKeys: [{ name: 'k', hash: upper, roles: ['support', 'analyst'] }] }));
    expect(auth).toEqual({
      apiKeys: [{ name: 'k', hash: HASH, roles: ['support', 'analyst'] }],
      jwt: undefined,
      auditorRoles: ['auditor'],
    });
    expect(Object.isFrozen(auth) && Object.isFrozen(auth.apiKeys[0]?.roles)).toBe(true);
  });

  it('reads a jwt section with defaults, a single audience as a list, key files relative to the config', async () => {
    const { pem, jwk } = await rsaKeys('k1');
    const file = write(
      {
        jwt: {
          audience: 'cellar',
          hs256Secret: SECRET,
          publicKeyFile: './keys/jwt.pem',
          jwksFile: 'jwks.json',
        },
        auditorRoles: ['compliance'],
      },
      { 'keys/jwt.pem': pem, 'jwks.json': JSON.stringify({ keys: [jwk] }) },
    );
    const auth = loadAuth(file);
    expect(auth.auditorRoles).toEqual(['compliance']);
    expect(auth.jwt).toMatchObject({
      issuer: undefined,
      audience: ['cellar'],
      rolesClaim: 'roles',
      subjectClaim: 'sub',
      hs256Secret: SECRET,
      clockToleranceSec: DEFAULT_CLOCK_TOLERANCE_SEC,
    });
    expect(auth.jwt?.publicKey?.file).toBe(file.replace(/cellar\.yaml$/, 'keys/jwt.pem'));
    expect(auth.jwt?.publicKey?.pem).toBe(pem);
    expect(auth.jwt?.jwks?.jwks.keys[0]?.kid).toBe('k1');
  });

  it('takes the secret from the environment through a variable reference', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the YAML holds a ${VAR} reference
    const file = write({ jwt: { hs256Secret: '${JWT_SECRET}' } });
    expect(loadAuth(file, { JWT_SECRET: SECRET }).jwt?.hs256Secret).toBe(SECRET);
  });

  it('refuses a missing section: no request could authenticate', () => {
    expect(problems(() => loadAuth(write(undefined)))).toMatch(
      /auth: missing; expected apiKeys or a jwt section/,
    );
  });

  it('refuses a section with neither API keys nor jwt', () => {
    expect(problems(() => loadAuth(write({ apiKeys: [] })))).toMatch(
      /cellar\.yaml:\d+:\d+: auth: expected at least one API key/,
    );
  });

  it('names file, line and path of a malformed hash, an empty role list and an unknown key', () => {
    const message = problems(() =>
      loadAuth(
        write({
          apiKeys: [
            { name: 'a', hash: 'sha256:abc', roles: ['support'] },
            { name: 'b', hash: HASH, roles: [] },
          ],
          jwks: 'x',
        }),
      ),
    );
    expect(message).toMatch(/^invalid auth configuration, 3 problems:/);
    expect(message).toMatch(
      /cellar\.yaml:\d+:\d+: auth\.apiKeys\[0\]\.hash: expected "sha256:" and 64 hex digits/,
    );
    expect(message).toMatch(
      /cellar\.yaml:\d+:\d+: auth\.apiKeys\[1\]\.roles: expected a list of role names, at least one; got an empty one/,
    );
    expect(message).toMatch(/auth\.jwks: unknown key "jwks"; expected one of apiKeys, jwt, auditorRoles/);
  });

  it('refuses roles with spaces', () => {
    expect(
      problems(() => loadAuth(write({ apiKeys: [{ name: 'a', hash: HASH, roles: ['two words'] }] }))),
    ).toMatch(/auth\.apiKeys\[0\]\.roles\[0\]: expected a role name \(text without spaces\)/);
  });

  it('refuses two keys with one name, and one key under two names', () => {
    const message = problems(() =>
      loadAuth(
        write({
          apiKeys: [
            { name: 'a', hash: HASH, roles: ['x'] },
            { name: 'a', hash: hashApiKey('other'), roles: ['x'] },
            { name: 'c', hash: HASH.toUpperCase().replace('SHA256', 'sha256'), roles: ['x'] },
          ],
        }),
      ),
    );
    expect(message).toMatch(
      /auth\.apiKeys\[1\]\.name: expected a name no other key uses; apiKeys\[0\] is also "a"/,
    );
    expect(message).toMatch(/auth\.apiKeys\[2\]\.hash: expected a hash no other key uses; apiKeys\[0\]/);
  });

  it('refuses a jwt section without any key', () => {
    expect(problems(() => loadAuth(write({ jwt: { audience: 'cellar' } })))).toMatch(
      /auth\.jwt: expected at least one of hs256Secret, publicKeyFile, jwksFile/,
    );
  });

  it('refuses a short HS256 secret without showing it', () => {
    const message = problems(() => loadAuth(write({ jwt: { hs256Secret: 'short-secret-value' } })));
    expect(message).toMatch(
      /auth\.jwt\.hs256Secret: expected a secret of at least 32 bytes \(256 bits\); got 18 bytes/,
    );
    expect(message).not.toContain('short-secret-value');
  });

  it('never shows a secret of the wrong type', () => {
    const message = problems(() => loadAuth(write({ jwt: { hs256Secret: 123456789012345 } })));
    expect(message).toMatch(/auth\.jwt\.hs256Secret: expected the shared secret as text/);
    expect(message).not.toContain('123456789012345');
  });

  it('refuses missing, non-PEM, private, non-RSA and short keys', async () => {
    const { privateKey: rsaPrivate } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const { publicKey: ecPublic } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const { publicKey: small } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const cases: [string, string | undefined, RegExp][] = [
      ['missing.pem', undefined, /cannot read .*missing\.pem \(no such file\)/],
      ['text.pem', 'hello', /text\.pem is not a PEM public key/],
      ['private.pem', rsaPrivate.export({ type: 'pkcs8', format: 'pem' }).toString(), /holds a private key/],
      [
        'ec.pem',
        ecPublic.export({ type: 'spki', format: 'pem' }).toString(),
        /holds a ec key; RS256 needs an RSA key/,
      ],
      ['small.pem', small.export({ type: 'spki', format: 'pem' }).toString(), /holds a 1024-bit RSA key/],
    ];
    for (const [name, text, expected] of cases) {
      const file = write({ jwt: { publicKeyFile: name } }, text === undefined ? {} : { [name]: text });
      const message = problems(() => loadAuth(file));
      expect(message).toMatch(/auth\.jwt\.publicKeyFile: /);
      expect(message).toMatch(expected);
    }
  });

  it('refuses bad JWKS files', async () => {
    const { jwk } = await rsaKeys('k1');
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const privateJwk = privateKey.export({ format: 'jwk' });
    const cases: [string, RegExp][] = [
      ['not json', /is not JSON/],
      ['{"keys": []}', /is not a JWKS: expected \{"keys": \[...\]\} with at least one key/],
      [JSON.stringify({ keys: [{ ...jwk, kty: 'EC' }] }), /keys\[0\]: expected an RSA key/],
      [JSON.stringify({ keys: [privateJwk] }), /keys\[0\]: holds a private key/],
      [
        JSON.stringify({ keys: [{ ...jwk, alg: 'HS256' }] }),
        /keys\[0\]: expected "alg" to be RS256 or absent/,
      ],
      [
        JSON.stringify({ keys: [jwk, jwk] }),
        /keys\[1\]: expected a "kid" no other key uses; "k1" is repeated/,
      ],
      [
        JSON.stringify({ keys: [{ ...jwk, n: 'AQAB' }] }),
        /keys\[0\]: (is not a valid RSA public key|holds a \d+-bit RSA key)/,
      ],
    ];
    for (const [text, expected] of cases) {
      const message = problems(() =>
        loadAuth(write({ jwt: { jwksFile: 'jwks.json' } }, { 'jwks.json': text })),
      );
      expect(message).toMatch(/auth\.jwt\.jwksFile: /);
      expect(message).toMatch(expected);
    }
  });

  it('reports without a line when the configuration was not read from a file', () => {
    const config = { file: '/nowhere/cellar.yaml', dataDir: '/nowhere', extra: { auth: { apiKeys: 3 } } };
    expect(problems(() => loadAuthConfig(config as unknown as CellarConfig))).toMatch(
      /\/nowhere\/cellar\.yaml: auth\.apiKeys: expected a list of/,
    );
  });
});
