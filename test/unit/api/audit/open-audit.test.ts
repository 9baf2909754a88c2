import { afterEach, describe, expect, it } from 'vitest';
import { openAuditLog } from '../../../../src/api/audit/open-audit.js';
import { isCellarError } from '../../../../src/errors.js';
import { type TempRuntime, tempRuntime } from '../../../support/temp-runtime.js';

let temp: TempRuntime | undefined;
afterEach(() => temp?.cleanup());

describe('openAuditLog', () => {
  it('opens <dataDir>/audit, signed with a key that stays the same across restarts', async () => {
    temp = tempRuntime();
    const keys: string[] = [];
    for (let i = 0; i < 2; i++) {
      const runtime = await temp.open();
      try {
        const log = await openAuditLog(runtime);
        expect(log?.dir).toBe(`${temp.dir}/data/audit`);
        keys.push(log?.publicKey ?? '');
        await log?.close();
      } finally {
        await runtime.close();
      }
    }
    expect(keys[0]).toMatch(/^[0-9a-f]{64}$/);
    expect(keys[1]).toBe(keys[0]);
  });

  it('opens nothing when audit.enabled is false, and refuses a non-boolean', async () => {
    temp = tempRuntime({ extraConfig: 'audit: { enabled: false }' });
    const runtime = await temp.open();
    try {
      expect(await openAuditLog(runtime)).toBeUndefined();
    } finally {
      await runtime.close();
    }
    temp.cleanup();
    temp = tempRuntime({ extraConfig: 'audit: { enabled: "no" }' });
    const other = await temp.open();
    try {
      await expect(openAuditLog(other)).rejects.toSatisfy(
        (e: unknown) => isCellarError(e, 'CELLAR_ERR_CONFIG_INVALID') && e.message.includes('audit.enabled'),
      );
    } finally {
      await other.close();
    }
  });
});
