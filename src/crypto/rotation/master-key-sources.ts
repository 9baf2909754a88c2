import { basename, dirname, extname, join, resolve } from 'node:path';
import type { CellarConfig, MasterKeyConfig } from '../../config/types.js';
import { CellarError } from '../../errors.js';
import { MASTER_KEY_VERSION } from '../master-key.js';

/**
 * Where each version of the master key comes from.
 *
 * Version 1 is the `masterKey` section. Version N ≥ 2 is, unless the optional `masterKeys` section
 * says otherwise:
 * - the environment variable `<masterKey.env>_V<N>` (e.g. `CELLAR_MASTER_KEY_V2`), else
 * - the file next to `masterKey.file` with `.v<N>` before its extension (`master.key` →
 *   `master.v2.key`).
 *
 * ```yaml
 * masterKeys:                      # optional: override where a version comes from
 *   2: { file: /run/secrets/cellar-master-v2 }
 *   3: { env: VAULT_CELLAR_KEY_3 }
 * ```
 * Paths are relative to the configuration file's folder. The key store, not the configuration,
 * says which versions are in use (docs/key-rotation.md).
 */

/** Versions are u32 in blob headers; far more than any rotation schedule needs. */
export const MAX_MASTER_KEY_VERSION = 0xffff_ffff;

const VERSION_KEY = /^[1-9][0-9]{0,9}$/;
const SOURCE_KEYS = new Set(['env', 'file']);

/**
 * The `masterKey`-shaped source of `version` (never `createIfMissing`: only rotation creates keys,
 * and only the first version is created on first run). Throws CELLAR_ERR_CONFIG_INVALID naming
 * the path when the `masterKeys` section is malformed.
 */
export function masterKeySource(config: CellarConfig, version: number): MasterKeyConfig {
  if (!Number.isSafeInteger(version) || version < MASTER_KEY_VERSION || version > MAX_MASTER_KEY_VERSION) {
    throw new CellarError('CELLAR_ERR_INTERNAL', `master key version ${version} is out of range`);
  }
  if (version === MASTER_KEY_VERSION) return config.masterKey;
  const override = masterKeyOverrides(config).get(version);
  const base = config.masterKey;
  return Object.freeze({
    env: override?.env ?? `${base.env}_V${version}`,
    file: override?.file ?? (override?.env === undefined ? versionedFile(base.file, version) : undefined),
    createIfMissing: false,
  });
}

/** `dir/master.key` → `dir/master.v2.key`; undefined without a base file. */
export function versionedFile(file: string | undefined, version: number): string | undefined {
  if (file === undefined) return undefined;
  const ext = extname(file);
  const stem = basename(file, ext);
  return join(dirname(file), `${stem}.v${version}${ext}`);
}

/** Where `source` looks, for messages: `CELLAR_MASTER_KEY_V2 or /data/master.v2.key`. */
export function describeSource(source: MasterKeyConfig): string {
  return source.file === undefined
    ? `environment variable ${source.env}`
    : `environment variable ${source.env} or key file ${source.file}`;
}

interface Override {
  readonly env?: string;
  readonly file?: string;
}

function masterKeyOverrides(config: CellarConfig): Map<number, Override> {
  const raw = config.extra.masterKeys;
  const out = new Map<number, Override>();
  if (raw === undefined) return out;
  const fail = (path: string, expected: string): never => {
    throw new CellarError('CELLAR_ERR_CONFIG_INVALID', `${config.file}: ${path}: expected ${expected}`, {
      hint: 'see docs/key-rotation.md for the masterKeys section',
    });
  };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    fail('masterKeys', 'a map of version → { env, file }');
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    const version = Number(key);
    if (!VERSION_KEY.test(key) || version < 2 || version > MAX_MASTER_KEY_VERSION) {
      fail(`masterKeys.${key}`, 'a version number from 2 (version 1 is the masterKey section)');
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      fail(`masterKeys.${key}`, '{ env, file }');
    const entry = value as Record<string, unknown>;
    for (const name of Object.keys(entry)) {
      if (!SOURCE_KEYS.has(name)) fail(`masterKeys.${key}.${name}`, 'one of the keys env, file');
    }
    const text = (name: string): string | undefined => {
      const v = entry[name];
      if (v !== undefined && (typeof v !== 'string' || v.length === 0))
        fail(`masterKeys.${key}.${name}`, 'a non-empty string');
      return v as string | undefined;
    };
    const env = text('env');
    const file = text('file');
    if (env === undefined && file === undefined) fail(`masterKeys.${key}`, 'env, file or both');
    out.set(version, {
      ...(env === undefined ? {} : { env }),
      ...(file === undefined ? {} : { file: resolve(dirname(config.file), file) }),
    });
  }
  return out;
}
