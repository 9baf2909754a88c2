/**
 * The `audit` section of the runtime configuration (it arrives in `CellarConfig.extra`, untouched
 * by `loadConfig`):
 *
 * ```yaml
 * audit:
 *   enabled: true                # false: no audit log at all (for measurements only)
 *   dir: ./data/audit            # default <dataDir>/audit; relative to the config file's folder
 *   publicKey: 3b6a…             # trusted checkpoint key(s), hex; a string or a list
 *   checkpointEvery: 1000        # records
 *   checkpointIntervalMs: 60000  # ms, 0 = off
 *   rotateBytes: 64MiB           # bytes, a number or a size text
 *   groupCommitMs: 2             # ms
 * ```
 * Values are checked here for type only; AuditLog.open checks their ranges.
 */
import { dirname, resolve } from 'node:path';
import { parseByteSize } from '../../config/byte-size.js';
import type { CellarConfig } from '../../config/types.js';
import { CellarError } from '../../errors.js';

/** The audit settings of a configuration, with `dir` absolute. */
export interface AuditSettings {
  readonly dir: string;
  /** Trusted checkpoint keys (hex), when pinned. */
  readonly publicKeys: readonly string[] | undefined;
  readonly checkpointEvery: number | undefined;
  readonly checkpointIntervalMs: number | undefined;
  readonly rotateBytes: number | undefined;
  readonly groupCommitMs: number | undefined;
}

const KNOWN_KEYS = new Set([
  'enabled',
  'dir',
  'publicKey',
  'checkpointEvery',
  'checkpointIntervalMs',
  'rotateBytes',
  'groupCommitMs',
]);
const PUBLIC_KEY = /^[0-9a-f]{64}$/;

/** Reads `config.extra.audit`. Throws CELLAR_ERR_CONFIG_INVALID naming the file and path. */
export function auditSettings(config: CellarConfig): AuditSettings {
  const raw = config.extra.audit ?? {};
  const fail = (path: string, expected: string): never => {
    throw new CellarError('CELLAR_ERR_CONFIG_INVALID', `${config.file}: ${path}: expected ${expected}`);
  };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail('audit', 'an object');
  const section = raw as Readonly<Record<string, unknown>>;
  for (const key of Object.keys(section)) {
    if (!KNOWN_KEYS.has(key)) fail(`audit.${key}`, `one of the keys ${[...KNOWN_KEYS].join(', ')}`);
  }
  const dir = section.dir;
  if (dir !== undefined && (typeof dir !== 'string' || dir.length === 0)) fail('audit.dir', 'a path');
  const integer = (key: string): number | undefined => {
    const value = section[key];
    if (value !== undefined && !Number.isSafeInteger(value)) fail(`audit.${key}`, 'an integer');
    return value as number | undefined;
  };
  let rotateBytes: number | undefined;
  if (section.rotateBytes !== undefined) {
    const value = section.rotateBytes;
    rotateBytes = typeof value === 'number' || typeof value === 'string' ? parseByteSize(value) : undefined;
    if (rotateBytes === undefined) fail('audit.rotateBytes', 'a byte size such as 67108864 or "64MiB"');
  }
  return Object.freeze({
    dir: typeof dir === 'string' ? resolve(dirname(config.file), dir) : resolve(config.dataDir, 'audit'),
    publicKeys: publicKeys(section.publicKey, fail),
    checkpointEvery: integer('checkpointEvery'),
    checkpointIntervalMs: integer('checkpointIntervalMs'),
    rotateBytes,
    groupCommitMs: integer('groupCommitMs'),
  });
}

/**
 * Whether the service writes an audit log: `audit.enabled` (default true). Turning it off is for
 * measurements (the benchmark compares both); the service then records nothing.
 * Throws CELLAR_ERR_CONFIG_INVALID naming the file and path when it is not a boolean.
 */
export function auditEnabled(config: CellarConfig): boolean {
  if (config.extra.audit === undefined) return true;
  auditSettings(config); // checks the section's shape first, naming the path of a problem
  const enabled = (config.extra.audit as Readonly<Record<string, unknown>>).enabled;
  if (enabled === undefined) return true;
  if (typeof enabled !== 'boolean') {
    throw new CellarError(
      'CELLAR_ERR_CONFIG_INVALID',
      `${config.file}: audit.enabled: expected true or false`,
    );
  }
  return enabled;
}

function publicKeys(
  value: unknown,
  fail: (path: string, expected: string) => never,
): readonly string[] | undefined {
  if (value === undefined) return undefined;
  const list = typeof value === 'string' ? [value] : value;
  if (
    !Array.isArray(list) ||
    list.length === 0 ||
    !list.every((k) => typeof k === 'string' && PUBLIC_KEY.test(k))
  ) {
    fail('audit.publicKey', 'a hex Ed25519 public key (64 lowercase hex) or a list of them');
  }
  return Object.freeze([...(list as string[])]);
}
