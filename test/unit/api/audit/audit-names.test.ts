import { describe, expect, it } from 'vitest';
import {
  auditName,
  auditNames,
  MAX_AUDIT_LIST_ITEMS,
  MAX_AUDIT_NAME_CHARS,
} from '../../../../src/api/audit/audit-names.js';

describe('auditName', () => {
  it('keeps ordinary names, replaces control characters, fills empty ones and cuts long ones', () => {
    expect(auditName('demo-support')).toBe('demo-support');
    expect(auditName('a\nb\u0000c\u007f')).toBe('a?b?c?');
    expect(auditName('')).toBe('?');
    const long = auditName('r'.repeat(1000));
    expect(long).toHaveLength(MAX_AUDIT_NAME_CHARS);
    expect(long.endsWith('...')).toBe(true);
  });

  it('bounds lists', () => {
    expect(auditNames(Array.from({ length: 500 }, (_, i) => `role${i}`))).toHaveLength(MAX_AUDIT_LIST_ITEMS);
  });
});

describe('auditNames of frozen lists', () => {
  it('cleans a frozen list once and returns the same frozen result', () => {
    const roles = Object.freeze(['support', 'bad\u0000role']);
    const first = auditNames(roles);
    expect(first).toEqual(['support', 'bad?role']);
    expect(Object.isFrozen(first)).toBe(true);
    expect(auditNames(roles)).toBe(first);
  });

  it('cleans an unfrozen list afresh every time', () => {
    const roles = ['a'];
    expect(auditNames(roles)).toEqual(['a']);
    roles.push('b\n');
    expect(auditNames(roles)).toEqual(['a', 'b?']);
    expect(Object.isFrozen(auditNames(roles))).toBe(false);
  });
});
