import { describe, expect, it } from 'vitest';
import { ZERO_HASH } from '../../../../src/governance/audit/audit-record.js';
import { appendProblem, storedRecordProblem } from '../../../../src/governance/audit/record-guard.js';
import { sealRecord } from '../../../../src/governance/audit/record-hash.js';
import { access, entityHash, flush } from './audit-fixtures.js';

describe('appendProblem', () => {
  it('accepts access, flush and admin records made of names, hashes and counts', () => {
    expect(appendProblem(access(1))).toBeUndefined();
    expect(appendProblem(flush(1))).toBeUndefined();
    expect(
      appendProblem({ kind: 'admin', action: 'product-reload', principal: 'ops', outcome: 'allowed' }),
    ).toBeUndefined();
    expect(appendProblem({ ...access(1), action: 'some-new-action' })).toBeUndefined();
  });

  it('refuses an entity that is not a 64-hex keyed hash, without echoing it', () => {
    for (const entity of ['42', 'alice@example.com', entityHash('1').toUpperCase(), `${entityHash('1')}0`]) {
      const problem = appendProblem({ ...access(1), entity });
      expect(problem).toMatch(/^field "entity" must be a keyed hash/);
      expect(problem).not.toContain(entity);
    }
    expect(appendProblem({ ...flush(1), entities: ['alice'] })).toMatch(/^field "entities" item 0/);
  });

  it('refuses unknown fields, missing fields, checkpoints and chain fields', () => {
    expect(appendProblem({ ...access(1), email: 'a@b.c' })).toBe(
      'field "email" is not part of a access record',
    );
    const { outcome: _o, ...noOutcome } = access(1);
    expect(appendProblem(noOutcome)).toMatch(/"outcome" is required/);
    expect(appendProblem({ ...access(1), seq: 5 })).toMatch(/"seq" is not part/);
    expect(appendProblem({ kind: 'checkpoint' })).toMatch(/"kind" must be one of access, flush, admin/);
    expect(appendProblem(null)).toBeDefined();
  });

  it('refuses names with control characters, bad outcomes, statuses and counts', () => {
    expect(appendProblem({ ...access(1), principal: 'bob\nalice' })).toMatch(/control characters/);
    expect(appendProblem({ ...access(1), outcome: 'ok' })).toMatch(/"outcome" must be one of/);
    expect(appendProblem({ ...access(1), status: 42 })).toMatch(/"status"/);
    expect(appendProblem({ ...access(1), action: 'Read Everything' })).toMatch(/"action"/);
    expect(appendProblem({ ...flush(1), events: -1 })).toMatch(/"events"/);
    expect(appendProblem({ ...flush(1), positions: { crm: 5 } })).toMatch(/"positions"/);
  });
});

describe('storedRecordProblem', () => {
  it('requires the chain fields', () => {
    const record = sealRecord({ ...access(1), seq: 1, at: '2024-05-01T10:00:00.000Z', prev: ZERO_HASH });
    expect(storedRecordProblem(record)).toBeUndefined();
    expect(storedRecordProblem({ ...record, seq: 0 })).toMatch(/"seq"/);
    expect(storedRecordProblem({ ...record, at: '2024-05-01T10:00:00Z' })).toMatch(/"at"/);
    const { hash: _h, ...unsealed } = record;
    expect(storedRecordProblem(unsealed)).toMatch(/"hash" is required/);
  });
});

describe('frozen lists', () => {
  it('are checked once when valid and refused every time when not', () => {
    const columns = Object.freeze(['customers.id', 'customers.email:masked']);
    expect(appendProblem(access(1, { columns }))).toBeUndefined();
    expect(appendProblem(access(2, { columns }))).toBeUndefined();
    const bad = Object.freeze(['customers.id', 'a\nb']);
    expect(appendProblem(access(1, { columns: bad }))).toMatch(/^field "columns" item 1/);
    expect(appendProblem(access(2, { columns: bad }))).toMatch(/^field "columns" item 1/);
    // The same frozen list is judged by each field's own rule: valid names are not entity hashes.
    expect(appendProblem({ ...flush(1), entities: columns })).toMatch(/^field "entities" item 0/);
  });
});
