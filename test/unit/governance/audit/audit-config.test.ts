import { describe, expect, it } from 'vitest';
import type { CellarConfig } from '../../../../src/config/types.js';
import { isCellarError } from '../../../../src/errors.js';
import { auditSettings } from '../../../../src/governance/audit/audit-config.js';

function config(audit: unknown): CellarConfig {
  return {
    file: '/etc/cellar/cellar.yaml',
    dataDir: '/var/lib/cellar',
    extra: audit === undefined ? {} : { audit },
  } as CellarConfig;
}

describe('auditSettings', () => {
  it('defaults the directory to <dataDir>/audit', () => {
    expect(auditSettings(config(undefined))).toEqual({
      dir: '/var/lib/cellar/audit',
      publicKeys: undefined,
      checkpointEvery: undefined,
      checkpointIntervalMs: undefined,
      rotateBytes: undefined,
      groupCommitMs: undefined,
    });
  });

  it('resolves a relative dir against the config file and reads the other fields', () => {
    const key = 'ab'.repeat(32);
    expect(
      auditSettings(config({ dir: './audit-log', publicKey: key, rotateBytes: '1MiB', checkpointEvery: 10 })),
    ).toMatchObject({
      dir: '/etc/cellar/audit-log',
      publicKeys: [key],
      rotateBytes: 1024 * 1024,
      checkpointEvery: 10,
    });
  });

  it('names the file and path of a bad value', () => {
    for (const audit of [
      { dir: 5 },
      { publicKey: 'xyz' },
      { rotateBytes: 'big' },
      { checkpointEvery: 1.5 },
      { directory: 'x' },
      'audit',
    ]) {
      expect(() => auditSettings(config(audit))).toThrow(
        expect.toSatisfy(
          (e: unknown) =>
            isCellarError(e, 'CELLAR_ERR_CONFIG_INVALID') &&
            e.message.startsWith('/etc/cellar/cellar.yaml: audit'),
        ),
      );
    }
  });
});
