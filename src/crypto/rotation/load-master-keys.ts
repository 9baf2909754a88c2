import type { CellarConfig } from '../../config/types.js';
import { CellarError, isCellarError } from '../../errors.js';
import type { KeyStore } from '../../store/key-store.js';
import { loadMasterKey, type MasterKey } from '../master-key.js';
import { MasterKeySet } from './master-key-set.js';
import { describeSource, masterKeySource } from './master-key-sources.js';

/**
 * Loads every master key version the key store uses (the versions it holds check values for).
 * A fresh key store uses only version 1, which the `masterKey` section may create on first run
 * (`createIfMissing`); once a store exists no key is ever created here: a missing version is
 * CELLAR_ERR_KEY_MASTER_MISSING naming the version and where it was looked for.
 *
 * The keys are not verified here; `Keyring.open` checks each against its check value.
 */
export async function loadMasterKeys(
  config: CellarConfig,
  keyStore: KeyStore,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<MasterKeySet> {
  const versions = await keyStore.checkVersions();
  if (versions.length === 0) return MasterKeySet.of(loadMasterKey(config.masterKey, env));
  const keys: MasterKey[] = [];
  try {
    for (const version of versions) keys.push(loadMasterKeyVersion(config, version, env));
  } catch (err) {
    for (const key of keys) key.key.dispose();
    throw err;
  }
  return new MasterKeySet(keys);
}

/**
 * One version of the master key, from its source ({@link masterKeySource}); never created.
 * Throws CELLAR_ERR_KEY_MASTER_MISSING naming the version when its source has no key.
 */
export function loadMasterKeyVersion(
  config: CellarConfig,
  version: number,
  env: Readonly<Record<string, string | undefined>> = process.env,
): MasterKey {
  const source = { ...masterKeySource(config, version), createIfMissing: false };
  try {
    return loadMasterKey(source, env, version);
  } catch (err) {
    if (!isCellarError(err, 'CELLAR_ERR_KEY_MASTER_MISSING')) throw err;
    throw new CellarError(
      'CELLAR_ERR_KEY_MASTER_MISSING',
      `the key store uses master key version ${version}, but ${describeSource(source)} holds no key`,
      {
        hint:
          version === 1
            ? 'provide the master key the key store was created with (masterKey section)'
            : `provide version ${version} (see docs/key-rotation.md), or restore the key store it was rotated from`,
        cause: err,
      },
    );
  }
}
