import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  API_KEY_PREFIX,
  createApiKeyVerifier,
  generateApiKey,
  hashApiKey,
} from '../../../../src/api/auth/api-keys.js';

describe('hashApiKey', () => {
  it('is sha256: and the lowercase hex SHA-256 of the UTF-8 key', () => {
    expect(hashApiKey('demo-support-key')).toBe(
      'sha256:a9e99ff0e3a6317a4c201ed8e7f5dff708661b4f565315a7b6800f9d8d091d0c',
    );
    const expected = createHash('sha256').update(Buffer.from('clé-€', 'utf8')).digest('hex');
    expect(hashApiKey('clé-€')).toBe(`sha256:${expected}`);
  });
});

describe('generateApiKey', () => {
  it('is cellar_ and 32 random bytes in base64url', () => {
    const key = generateApiKey();
    expect(key).toMatch(/^cellar_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(key.slice(API_KEY_PREFIX.length), 'base64url')).toHaveLength(32);
  });

  it('differs every time', () => {
    const keys = new Set(Array.from({ length: 50 }, generateApiKey));
    expect(keys.size).toBe(50);
  });
});

describe('createApiKeyVerifier', () => {
  const keys = [
    { name: 'one', hash: hashApiKey('key-one'), roles: ['support'] },
    { name: 'two', hash: hashApiKey('key-two'), roles: ['analyst', 'dpo'] },
  ];
  const verifier = createApiKeyVerifier(keys);

  it('finds the entry whose hash matches the presented key', () => {
    expect(verifier.find('key-one')).toBe(keys[0]);
    expect(verifier.find('key-two')).toBe(keys[1]);
  });

  it('hashes a presented key as UTF-8', () => {
    const wide = createApiKeyVerifier([{ name: 'wide', hash: hashApiKey('clé-€'), roles: [] }]);
    expect(wide.find('clé-€')?.name).toBe('wide');
    expect(wide.find('cle-€')).toBeUndefined();
  });

  it('finds nothing for an unknown key, a near miss, or the hash itself', () => {
    expect(verifier.find('key-three')).toBeUndefined();
    expect(verifier.find('key-one ')).toBeUndefined();
    expect(verifier.find('Key-one')).toBeUndefined();
    expect(verifier.find(hashApiKey('key-one'))).toBeUndefined();
    expect(verifier.find('')).toBeUndefined();
  });

  it('finds nothing when no keys are configured', () => {
    expect(createApiKeyVerifier([]).find('key-one')).toBeUndefined();
  });
});
