import { describe, expect, it } from 'vitest';
import {
  isRetryable,
  SESSION_OPTIONS,
  sourceError,
} from '../../../../src/connectors/postgres-cdc/pg-session.js';
import { CellarError } from '../../../../src/errors.js';

function pgError(code: string, message = 'server said no'): Error {
  return Object.assign(new Error(message), { code });
}

describe('postgres session errors', () => {
  it('retry what reconnecting may cure: network failures, shutdowns, a slot still held, lost connections', () => {
    for (const err of [
      pgError('ECONNREFUSED'),
      pgError('57P01', 'terminating connection due to administrator command'),
      pgError('08006'),
      pgError('53300', 'too many connections'),
      pgError('55006', 'replication slot is active for PID 42'),
      new Error('Connection terminated unexpectedly'),
      new Error('Client has encountered a connection error and is not queryable'),
    ]) {
      expect(isRetryable(err), err.message).toBe(true);
      expect(isRetryable(sourceError(err, 'source s/p', 'reading')), `${err.message}, wrapped`).toBe(true);
    }
  });

  it('never retry what only a person can fix, nor Cellar errors of other kinds', () => {
    for (const err of [
      pgError('42501', 'permission denied'),
      pgError('42704', 'slot does not exist'),
      pgError('28P01'),
      new Error('boom'),
    ]) {
      expect(isRetryable(err), err.message).toBe(false);
    }
    expect(isRetryable(new CellarError('CELLAR_ERR_SYNC_STOPPED'))).toBe(false);
    expect(isRetryable(new CellarError('CELLAR_ERR_SOURCE_UNAVAILABLE', 'undecodable stream'))).toBe(false);
  });

  it('names the source and what it was doing, and tells configuration from availability', () => {
    const auth = sourceError(
      pgError('28P01', 'password authentication failed'),
      'source shop/crm',
      'cannot connect',
    );
    expect(auth.code).toBe('CELLAR_ERR_SOURCE_CONFIG');
    expect(auth.message).toBe('source shop/crm: cannot connect: password authentication failed (28P01)');
    expect(auth.hint).toMatch(/password/);
    const down = sourceError(
      pgError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:1'),
      'source shop/crm',
      'cannot connect',
    );
    expect(down.code).toBe('CELLAR_ERR_SOURCE_UNAVAILABLE');
    const cellar = new CellarError('CELLAR_ERR_SOURCE_CONFIG', 'kept');
    expect(sourceError(cellar, 'x', 'y')).toBe(cellar);
  });

  it('fixes the session settings that shape values in text form', () => {
    expect(SESSION_OPTIONS).toContain('DateStyle=ISO');
    expect(SESSION_OPTIONS).toContain('TimeZone=UTC');
    expect(SESSION_OPTIONS).toContain('bytea_output=hex');
  });
});
