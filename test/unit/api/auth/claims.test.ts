import { describe, expect, it } from 'vitest';
import { claimAt, rolesFrom } from '../../../../src/api/auth/claims.js';

describe('claimAt', () => {
  const claims = {
    roles: ['a'],
    realm_access: { roles: ['b'], nested: { deep: 'c' } },
    'https://example.com/roles': ['d'],
    list: [{ x: 1 }],
  };

  it('reads a top-level claim, a dotted path, and a claim whose name has dots', () => {
    expect(claimAt(claims, 'roles')).toEqual(['a']);
    expect(claimAt(claims, 'realm_access.roles')).toEqual(['b']);
    expect(claimAt(claims, 'realm_access.nested.deep')).toBe('c');
    expect(claimAt(claims, 'https://example.com/roles')).toEqual(['d']);
  });

  it('finds nothing through missing keys, lists, scalars or inherited properties', () => {
    expect(claimAt(claims, 'groups')).toBeUndefined();
    expect(claimAt(claims, 'realm_access.groups')).toBeUndefined();
    expect(claimAt(claims, 'list.0.x')).toBeUndefined();
    expect(claimAt(claims, 'realm_access.nested.deep.length')).toBeUndefined();
    expect(claimAt(claims, 'constructor')).toBeUndefined();
    expect(claimAt(claims, 'realm_access.__proto__')).toBeUndefined();
    expect(claimAt(claims, 'roles.toString')).toBeUndefined();
  });
});

describe('rolesFrom', () => {
  it('accepts a list of strings or space-separated roles', () => {
    expect(rolesFrom(['support', 'analyst'])).toEqual(['support', 'analyst']);
    expect(rolesFrom('support  analyst\tdpo')).toEqual(['support', 'analyst', 'dpo']);
    expect(rolesFrom([])).toEqual([]);
    expect(rolesFrom(['', 'x'])).toEqual(['x']);
    expect(rolesFrom('')).toEqual([]);
  });

  it('refuses anything else', () => {
    expect(rolesFrom(['support', 1])).toBeUndefined();
    expect(rolesFrom(42)).toBeUndefined();
    expect(rolesFrom({ support: true })).toBeUndefined();
    expect(rolesFrom(null)).toBeUndefined();
  });
});
