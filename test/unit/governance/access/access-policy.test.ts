import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isCellarError } from '../../../../src/errors.js';
import {
  authorize,
  authorizeGlobal,
  DEFAULT_AUDITOR_ROLES,
  type ProductAction,
} from '../../../../src/governance/access/access-policy.js';
import { makePrincipal, type Principal } from '../../../../src/governance/access/principal.js';
import { loadProducts } from '../../../../src/product/product-registry.js';

const SPEC = fileURLToPath(new URL('../../../../config/products/customer360.yaml', import.meta.url));
const customer360 = loadProducts([SPEC], {}).get('customer360');

function as(...roles: string[]): Principal {
  return makePrincipal('someone', roles, 'api-key');
}

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (isCellarError(err, 'CELLAR_ERR_AUTH_FORBIDDEN')) return err.message;
    throw err;
  }
  throw new Error('expected CELLAR_ERR_AUTH_FORBIDDEN, but the action was allowed');
}

const ACTIONS: readonly ProductAction[] = ['read', 'query', 'detokenize', 'erase'];

/** The customer360 spec's access section, as a matrix: role → action → grant (or refused). */
const MATRIX: Readonly<
  Record<string, Readonly<Record<ProductAction, { role: string; clear: boolean } | null>>>
> = {
  support: { read: { role: 'support', clear: false }, query: null, detokenize: null, erase: null },
  analyst: {
    read: { role: 'analyst', clear: false },
    query: { role: 'analyst', clear: false },
    detokenize: null,
    erase: null,
  },
  dpo: {
    read: { role: 'dpo', clear: true },
    query: null,
    detokenize: { role: 'dpo', clear: true },
    erase: { role: 'dpo', clear: true },
  },
  auditor: { read: null, query: null, detokenize: null, erase: null },
  intern: { read: null, query: null, detokenize: null, erase: null },
};

describe('authorize on customer360', () => {
  for (const [role, row] of Object.entries(MATRIX)) {
    for (const action of ACTIONS) {
      const expected = row[action];
      it(`${role} ${expected === null ? 'may not' : 'may'} ${action}`, () => {
        if (expected === null) {
          expect(() => authorize(customer360, as(role), action)).toThrow(
            expect.objectContaining({ code: 'CELLAR_ERR_AUTH_FORBIDDEN', status: 403 }),
          );
        } else {
          expect(authorize(customer360, as(role), action)).toEqual(expected);
        }
      });
    }
  }

  it('names the roles, the action and the product in the refusal', () => {
    expect(refusal(() => authorize(customer360, as('support'), 'query'))).toBe(
      'role(s) support may not query customer360',
    );
    expect(refusal(() => authorize(customer360, as('support', 'auditor'), 'erase'))).toBe(
      'role(s) support, auditor may not erase entities of customer360',
    );
    expect(refusal(() => authorize(customer360, as(), 'read'))).toBe(
      'a caller with no roles may not read customer360',
    );
  });

  it('hints which roles may, without naming any entity', () => {
    expect(() => authorize(customer360, as('support'), 'erase')).toThrow(
      expect.objectContaining({ hint: 'roles that may: dpo' }),
    );
  });

  it('picks the first allowed role in the product order and is clear when any allowed role is', () => {
    // support comes before dpo in the spec; dpo's clear still applies.
    expect(authorize(customer360, as('dpo', 'support'), 'read')).toEqual({ role: 'support', clear: true });
    expect(authorize(customer360, as('analyst', 'support'), 'read')).toEqual({
      role: 'support',
      clear: false,
    });
    expect(authorize(customer360, as('support', 'dpo'), 'erase')).toEqual({ role: 'dpo', clear: true });
    // clear comes only from roles that allow the action: dpo may not query.
    expect(authorize(customer360, as('analyst', 'dpo'), 'query')).toEqual({ role: 'analyst', clear: false });
  });

  it('matches roles exactly, never through inherited object keys', () => {
    for (const role of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'Support', ' support']) {
      expect(() => authorize(customer360, as(role), 'read')).toThrow(
        expect.objectContaining({ code: 'CELLAR_ERR_AUTH_FORBIDDEN' }),
      );
    }
  });

  it('refuses query to a role with query but not read', () => {
    const product = {
      ...customer360,
      access: {
        peeker: { read: false, query: true, clear: false, detokenize: false, erase: false, mask: 'peeker' },
      },
    };
    expect(refusal(() => authorize(product, as('peeker'), 'query'))).toBe(
      'role(s) peeker may not query customer360',
    );
  });

  it('shortens a long list of caller roles in the refusal', () => {
    const roles = Array.from({ length: 12 }, (_, i) => `r${i}`);
    roles.push('x'.repeat(100));
    const message = refusal(() => authorize(customer360, as(...roles), 'read'));
    expect(message).toBe(
      'role(s) r0, r1, r2, r3, r4, r5, r6, r7, r8, r9 (and 3 more) may not read customer360',
    );
  });

  it('returns a frozen grant', () => {
    expect(Object.isFrozen(authorize(customer360, as('support'), 'read'))).toBe(true);
  });
});

describe('authorizeGlobal', () => {
  it('lets the auditor role read the audit trail by default', () => {
    expect(DEFAULT_AUDITOR_ROLES).toEqual(['auditor']);
    expect(authorizeGlobal(as('support', 'auditor'), 'audit')).toEqual({ role: 'auditor' });
  });

  it('refuses every other role, naming them', () => {
    expect(refusal(() => authorizeGlobal(as('dpo', 'support'), 'audit'))).toBe(
      'role(s) dpo, support may not read the audit trail',
    );
  });

  it('uses the configured auditor roles, first configured first', () => {
    const roles = ['compliance', 'security'];
    expect(authorizeGlobal(as('security', 'compliance'), 'audit', roles)).toEqual({ role: 'compliance' });
    expect(() => authorizeGlobal(as('auditor'), 'audit', roles)).toThrow(
      expect.objectContaining({
        code: 'CELLAR_ERR_AUTH_FORBIDDEN',
        hint: 'roles that may: compliance, security (auth.auditorRoles)',
      }),
    );
  });
});

describe('makePrincipal', () => {
  it('drops duplicate roles and freezes', () => {
    const p = makePrincipal('alice', ['a', 'b', 'a'], 'jwt');
    expect(p).toEqual({ name: 'alice', roles: ['a', 'b'], via: 'jwt' });
    expect(Object.isFrozen(p) && Object.isFrozen(p.roles)).toBe(true);
  });
});
