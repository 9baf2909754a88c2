import { CellarError } from '../../errors.js';
import type { KeyStore } from '../../store/key-store.js';

/** What retiring a version came to. */
export interface RetireReport {
  readonly version: number;
  /** The versions still in use afterwards, ascending. */
  readonly remaining: readonly number[];
}

/**
 * `cellar keys retire --version N`: removes version N from the key store's versions (its check
 * value), after which no process loads it and its key may be destroyed. Refuses with
 * CELLAR_ERR_KEY_RETIRE_REFUSED while N is the newest version, a rotation is unfinished, or any key
 * — data key or system key — is still wrapped by N. Re-wrapping overwrote every old wrap (the key
 * store runs with `secure_delete` and cuts its WAL), so once N is retired, its key opens nothing
 * the key store holds.
 */
export async function retireMasterKeyVersion(keys: KeyStore, version: number): Promise<RetireReport> {
  const refuse = (why: string, hint: string): never => {
    throw new CellarError(
      'CELLAR_ERR_KEY_RETIRE_REFUSED',
      `master key version ${version} cannot be retired: ${why}`,
      {
        hint,
      },
    );
  };
  const versions = await keys.checkVersions();
  const newest = versions.at(-1);
  if (!versions.includes(version)) {
    refuse(
      `the key store uses version(s) ${versions.join(', ') || 'none'}`,
      'name a version the key store uses',
    );
  }
  if (version === newest)
    refuse(
      'it is the newest version, which wraps new keys',
      'rotate to a newer version first: cellar keys rotate',
    );
  const rotation = await keys.getRotation();
  if (rotation !== undefined && rotation.phase !== 'done') {
    refuse(
      `the rotation to version ${rotation.target} is unfinished`,
      'run cellar keys rotate again to finish it',
    );
  }
  const still = (await keys.countByMasterVersion()).get(version) ?? 0;
  if (still > 0) {
    refuse(
      `${still} key(s) are still wrapped by it`,
      'run cellar keys rotate again: it re-wraps keys that processes wrapped with an older version meanwhile',
    );
  }
  await keys.deleteCheck(version);
  return { version, remaining: versions.filter((v) => v !== version) };
}
