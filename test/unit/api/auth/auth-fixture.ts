import { exportJWK, exportSPKI, generateKeyPair, type JWK, SignJWT } from 'jose';
import { stringify } from 'yaml';
import { type AuthConfig, loadAuthConfig } from '../../../../src/api/auth/auth-config.js';
import { loadConfig } from '../../../../src/config/load-config.js';
import { useTempDir } from '../../config/temp-files.js';

/** An HS256 secret of exactly the minimum length (32 bytes). */
export const SECRET = 'an-hs256-secret-of-32-bytes-long';

let count = 0;

/**
 * Writes a cellar.yaml with the given `auth` section (and any extra files beside it) into a fresh
 * folder of the test's temp dir, and returns its path. Only configuration and keys are written.
 */
export function useConfigWriter(): (auth: unknown, files?: Readonly<Record<string, string>>) => string {
  const tmp = useTempDir();
  return (auth, files = {}) => {
    count += 1;
    for (const [name, text] of Object.entries(files)) tmp.write(`c${count}/${name}`, text);
    const doc = auth === undefined ? { dataDir: './data' } : { dataDir: './data', auth };
    return tmp.write(`c${count}/cellar.yaml`, stringify(doc));
  };
}

/** Loads the auth section of a written configuration through the real config loader. */
export function loadAuth(file: string, env: Readonly<Record<string, string>> = {}): AuthConfig {
  return loadAuthConfig(loadConfig(file, env));
}

/** An RS256 key pair, its public key as SPKI PEM and as a JWK with `kid`. */
export async function rsaKeys(kid: string) {
  const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
  const pem = await exportSPKI(publicKey);
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  return { privateKey, pem, jwk };
}

/** A token with the given claims; `exp` one hour ahead unless the claims say otherwise. */
export function token(claims: Record<string, unknown>): SignJWT {
  return new SignJWT({ sub: 'alice', roles: ['support'], ...claims }).setIssuedAt().setExpirationTime('1h');
}

/** `alg: none`: an unsigned token, empty signature. */
export function unsignedToken(claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const exp = Math.floor(Date.now() / 1000) + 3600;
  return `${part({ alg: 'none', typ: 'JWT' })}.${part({ sub: 'alice', roles: ['dpo'], exp, ...claims })}.`;
}
