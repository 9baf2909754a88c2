import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { type Authenticator, createAuthenticator } from '../../../../src/api/auth/authenticator.js';
import { createJwtVerifier } from '../../../../src/api/auth/jwt-verifier.js';
import { isCellarError } from '../../../../src/errors.js';
import { loadAuth, rsaKeys, SECRET, token, unsignedToken, useConfigWriter } from './auth-fixture.js';

const write = useConfigWriter();
const secret = new TextEncoder().encode(SECRET);
const now = () => Math.floor(Date.now() / 1000);

const pemPair = await rsaKeys('pem');
const k1 = await rsaKeys('k1');
const k2 = await rsaKeys('k2');
const stranger = await rsaKeys('k1');

const hs = createAuthenticator(
  loadAuth(
    write({ jwt: { hs256Secret: SECRET, issuer: 'https://idp.example', audience: ['cellar', 'other'] } }),
  ),
);
const rsPem = createAuthenticator(
  loadAuth(write({ jwt: { publicKeyFile: 'jwt.pem' } }, { 'jwt.pem': pemPair.pem })),
);
const rsJwks = createAuthenticator(
  loadAuth(
    write({ jwt: { jwksFile: 'jwks.json' } }, { 'jwks.json': JSON.stringify({ keys: [k1.jwk, k2.jwk] }) }),
  ),
);
const rsJwksOne = createAuthenticator(
  loadAuth(write({ jwt: { jwksFile: 'jwks.json' } }, { 'jwks.json': JSON.stringify({ keys: [k1.jwk] }) })),
);
const rsBoth = createAuthenticator(
  loadAuth(
    write(
      { jwt: { publicKeyFile: 'jwt.pem', jwksFile: 'jwks.json' } },
      { 'jwt.pem': pemPair.pem, 'jwks.json': JSON.stringify({ keys: [k1.jwk] }) },
    ),
  ),
);

/** Everything a refusal tells: message, hint and enumerable fields. */
function told(err: Error & { hint?: string }): string {
  return `${err.message} ${err.hint ?? ''} ${JSON.stringify(err)}`;
}

/** Authenticates `jwt`, expecting a 401; checks it repeats no part of the token; returns the message. */
async function refusal(auth: Authenticator, jwt: string): Promise<string> {
  try {
    await auth.authenticate(`Bearer ${jwt}`);
  } catch (err) {
    if (isCellarError(err, 'CELLAR_ERR_AUTH_UNAUTHENTICATED')) {
      const text = told(err);
      expect(text).not.toContain(jwt);
      for (const part of jwt.split('.').filter((p) => p.length >= 8)) expect(text).not.toContain(part);
      return err.message;
    }
    throw err;
  }
  throw new Error('expected CELLAR_ERR_AUTH_UNAUTHENTICATED');
}

function hsToken(claims: Record<string, unknown> = {}): SignJWT {
  return token({ iss: 'https://idp.example', aud: 'cellar', ...claims }).setProtectedHeader({ alg: 'HS256' });
}

describe('JWT HS256', () => {
  it('authenticates a valid token as its subject with its roles', async () => {
    const jwt = await hsToken({ roles: ['support', 'analyst'] }).sign(secret);
    expect(await hs.authenticate(`Bearer ${jwt}`)).toEqual({
      name: 'alice',
      roles: ['support', 'analyst'],
      via: 'jwt',
    });
  });

  it('accepts any configured audience and space-separated roles', async () => {
    const jwt = await hsToken({ aud: ['x', 'other'], roles: 'dpo auditor' }).sign(secret);
    expect((await hs.authenticate(`Bearer ${jwt}`)).roles).toEqual(['dpo', 'auditor']);
  });

  it('authenticates a token with an empty roles list, holding no roles', async () => {
    const jwt = await hsToken({ roles: [] }).sign(secret);
    expect((await hs.authenticate(`Bearer ${jwt}`)).roles).toEqual([]);
  });

  it('refuses an expired token', async () => {
    const jwt = await hsToken()
      .setIssuedAt(now() - 7200)
      .setExpirationTime(now() - 3600)
      .sign(secret);
    expect(await refusal(hs, jwt)).toBe('the bearer token has expired');
  });

  it('allows the configured clock tolerance past exp', async () => {
    const jwt = await hsToken()
      .setIssuedAt(now() - 60)
      .setExpirationTime(now() - 5)
      .sign(secret);
    expect((await hs.authenticate(`Bearer ${jwt}`)).name).toBe('alice');
  });

  it('refuses a token that is not valid yet', async () => {
    const jwt = await hsToken()
      .setNotBefore(now() + 3600)
      .sign(secret);
    expect(await refusal(hs, jwt)).toBe('the bearer token is not valid yet (nbf)');
  });

  it('refuses a token without exp', async () => {
    const jwt = await new SignJWT({
      sub: 'alice',
      roles: ['support'],
      iss: 'https://idp.example',
      aud: 'cellar',
    })
      .setProtectedHeader({ alg: 'HS256' })
      .sign(secret);
    expect(await refusal(hs, jwt)).toBe(
      'the bearer token has no expiry (exp); tokens without one are refused',
    );
  });

  it('refuses a token signed with another secret', async () => {
    const jwt = await hsToken().sign(new TextEncoder().encode(`${SECRET}-but-another-one`));
    expect(await refusal(hs, jwt)).toBe("the bearer token's signature does not verify");
  });

  it('refuses a token whose payload was altered', async () => {
    const [header, , signature] = (await hsToken().sign(secret)).split('.');
    const payload = Buffer.from(
      JSON.stringify({
        sub: 'alice',
        roles: ['dpo'],
        iss: 'https://idp.example',
        aud: 'cellar',
        exp: now() + 60,
      }),
    ).toString('base64url');
    expect(await refusal(hs, `${header}.${payload}.${signature}`)).toBe(
      "the bearer token's signature does not verify",
    );
  });

  it('refuses alg none', async () => {
    const jwt = unsignedToken({ iss: 'https://idp.example', aud: 'cellar' });
    expect(await refusal(hs, jwt)).toBe(
      "the bearer token's signing algorithm is not accepted (accepted: HS256)",
    );
  });

  it('refuses an algorithm that is not configured, even with the right secret', async () => {
    const jwt = await token({ iss: 'https://idp.example', aud: 'cellar' })
      .setProtectedHeader({ alg: 'HS512' })
      .sign(new TextEncoder().encode(SECRET.repeat(2)));
    expect(await refusal(hs, jwt)).toBe(
      "the bearer token's signing algorithm is not accepted (accepted: HS256)",
    );
  });

  it('refuses a wrong audience, a missing audience and a wrong issuer', async () => {
    expect(await refusal(hs, await hsToken({ aud: 'billing' }).sign(secret))).toBe(
      'the bearer token is meant for another audience (aud)',
    );
    expect(await refusal(hs, await hsToken({ aud: undefined }).sign(secret))).toBe(
      'the bearer token has no audience (aud)',
    );
    expect(await refusal(hs, await hsToken({ iss: 'https://evil.example' }).sign(secret))).toBe(
      'the bearer token comes from an issuer this server does not accept (iss)',
    );
  });

  it('refuses a token without the roles claim, or with roles of the wrong kind', async () => {
    expect(await refusal(hs, await hsToken({ roles: undefined }).sign(secret))).toBe(
      'the bearer token has no roles claim',
    );
    expect(await refusal(hs, await hsToken({ roles: [1, 2] }).sign(secret))).toBe(
      "the bearer token's roles claim is not a list of roles or space-separated roles",
    );
  });

  it('refuses a token without a subject, or with a huge one', async () => {
    expect(await refusal(hs, await hsToken({ sub: undefined }).sign(secret))).toBe(
      'the bearer token has no sub claim naming the caller',
    );
    expect(await refusal(hs, await hsToken({ sub: 'a'.repeat(300) }).sign(secret))).toBe(
      "the bearer token's sub claim is longer than 256 characters",
    );
  });

  it('refuses a malformed token', async () => {
    expect(await refusal(hs, 'bm90.anNvbg.c2ln')).toBe('the bearer token is not a well-formed JWT');
  });
});

describe('JWT claims configuration', () => {
  it('reads roles and subject from configured claim paths', async () => {
    const auth = createAuthenticator(
      loadAuth(
        write({ jwt: { hs256Secret: SECRET, rolesClaim: 'realm_access.roles', subjectClaim: 'email' } }),
      ),
    );
    const jwt = await token({
      email: 'bob@example.com',
      roles: undefined,
      realm_access: { roles: ['analyst'] },
    })
      .setProtectedHeader({ alg: 'HS256' })
      .sign(secret);
    expect(await auth.authenticate(`Bearer ${jwt}`)).toEqual({
      name: 'bob@example.com',
      roles: ['analyst'],
      via: 'jwt',
    });
    const missing = await token({}).setProtectedHeader({ alg: 'HS256' }).sign(secret);
    expect(await refusal(auth, missing)).toBe('the bearer token has no email claim naming the caller');
  });

  it('reads a namespaced claim whose name contains dots', async () => {
    const auth = createAuthenticator(
      loadAuth(write({ jwt: { hs256Secret: SECRET, rolesClaim: 'https://cellar.example/roles' } })),
    );
    const jwt = await token({ roles: undefined, 'https://cellar.example/roles': ['dpo'] })
      .setProtectedHeader({ alg: 'HS256' })
      .sign(secret);
    expect((await auth.authenticate(`Bearer ${jwt}`)).roles).toEqual(['dpo']);
  });
});

describe('JWT RS256', () => {
  it('accepts a token signed by the PEM key', async () => {
    const jwt = await token({}).setProtectedHeader({ alg: 'RS256' }).sign(pemPair.privateKey);
    expect(await rsPem.authenticate(`Bearer ${jwt}`)).toEqual({
      name: 'alice',
      roles: ['support'],
      via: 'jwt',
    });
  });

  it('refuses a token signed by another RSA key', async () => {
    const jwt = await token({}).setProtectedHeader({ alg: 'RS256' }).sign(k1.privateKey);
    expect(await refusal(rsPem, jwt)).toBe("the bearer token's signature does not verify");
  });

  it('refuses HS256 signed with the public key as secret (algorithm confusion)', async () => {
    const jwt = await token({})
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode(pemPair.pem));
    expect(await refusal(rsPem, jwt)).toBe(
      "the bearer token's signing algorithm is not accepted (accepted: RS256)",
    );
  });

  it('picks the JWKS key by kid', async () => {
    for (const pair of [k1, k2]) {
      const jwt = await token({ sub: pair.jwk.kid })
        .setProtectedHeader({ alg: 'RS256', kid: pair.jwk.kid })
        .sign(pair.privateKey);
      expect((await rsJwks.authenticate(`Bearer ${jwt}`)).name).toBe(pair.jwk.kid);
    }
  });

  it('refuses an unknown kid, and a known kid signed by another key', async () => {
    const unknown = await token({}).setProtectedHeader({ alg: 'RS256', kid: 'k9' }).sign(k1.privateKey);
    expect(await refusal(rsJwks, unknown)).toBe('no configured key matches the bearer token (kid)');
    const forged = await token({}).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).sign(stranger.privateKey);
    expect(await refusal(rsJwks, forged)).toBe("the bearer token's signature does not verify");
  });

  it('refuses a token without kid when several JWKS keys could sign it', async () => {
    const jwt = await token({}).setProtectedHeader({ alg: 'RS256' }).sign(k1.privateKey);
    expect(await refusal(rsJwks, jwt)).toBe(
      'the bearer token names no key (kid) and several configured keys could sign it',
    );
  });

  it('accepts a token without kid when the JWKS has a single key', async () => {
    const jwt = await token({ sub: 'solo' }).setProtectedHeader({ alg: 'RS256' }).sign(k1.privateKey);
    expect((await rsJwksOne.authenticate(`Bearer ${jwt}`)).name).toBe('solo');
  });

  it('with both PEM and JWKS, uses the PEM key without kid and the JWKS with one', async () => {
    const viaPem = await token({ sub: 'p' }).setProtectedHeader({ alg: 'RS256' }).sign(pemPair.privateKey);
    expect((await rsBoth.authenticate(`Bearer ${viaPem}`)).name).toBe('p');
    const viaJwks = await token({ sub: 'j' })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .sign(k1.privateKey);
    expect((await rsBoth.authenticate(`Bearer ${viaJwks}`)).name).toBe('j');
    // A kid selects from the JWKS only: the PEM key is not tried as a fallback.
    const pemWithKid = await token({})
      .setProtectedHeader({ alg: 'RS256', kid: 'pem' })
      .sign(pemPair.privateKey);
    expect(await refusal(rsBoth, pemWithKid)).toBe('no configured key matches the bearer token (kid)');
  });

  it('lists the algorithms its keys allow', async () => {
    const both = loadAuth(
      write({ jwt: { hs256Secret: SECRET, publicKeyFile: 'jwt.pem' } }, { 'jwt.pem': pemPair.pem }),
    ).jwt;
    expect(both === undefined ? [] : createJwtVerifier(both).algorithms).toEqual(['HS256', 'RS256']);
  });
});

describe('refusals', () => {
  it('never contain the token or any part of it', async () => {
    const refused = [
      await hsToken({ sub: 'eyJsecret-subject' })
        .setIssuedAt(now() - 7200)
        .setExpirationTime(now() - 3600)
        .sign(secret),
      await hsToken({ roles: 'x' }).sign(new TextEncoder().encode(`${SECRET}-other`)),
      unsignedToken({ sub: 'someone-quite-unique' }),
    ];
    for (const jwt of refused) {
      try {
        await hs.authenticate(`Bearer ${jwt}`);
        expect.unreachable();
      } catch (err) {
        const text = told(err as Error);
        expect(text).toMatch(/bearer token/);
        for (const part of [jwt, ...jwt.split('.').filter((p) => p.length >= 8)])
          expect(text).not.toContain(part);
        expect(text).not.toContain('someone-quite-unique');
        expect(text).not.toContain('eyJsecret-subject');
      }
    }
  });
});
