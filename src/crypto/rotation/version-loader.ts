import { isCellarError } from '../../errors.js';
import type { KeyStore } from '../../store/key-store.js';
import type { MasterKey } from '../master-key.js';
import { verifyMasterKey } from '../system-keys.js';
import type { MasterKeySet } from './master-key-set.js';

/**
 * Adds master key versions to a running process's {@link MasterKeySet} when it meets a key wrapped
 * by a version it does not hold: a rotation in another process has moved the key to a newer
 * version. Each loaded version is verified against the key store's check value before use.
 */
export class MasterVersionLoader {
  constructor(
    private readonly masters: MasterKeySet,
    private readonly keyStore: KeyStore,
    private readonly location: string,
    private readonly load: ((version: number) => MasterKey) | undefined,
  ) {}

  /**
   * Loads every version newer than the newest held that the key store now uses (a rotation in
   * another process started since), so that new keys are wrapped by the newest version. One small
   * query; nothing happens without a loader.
   *
   * A newer version this process cannot load (its key is not in this process's environment) is
   * not an error here: new keys stay wrapped by the version held, which is still valid, and
   * `keys retire` refuses that version while they exist. Reading a key the newer version wraps
   * does fail, in {@link ensure}.
   */
  async refresh(): Promise<void> {
    if (this.load === undefined) return;
    for (const version of await this.keyStore.checkVersions()) {
      if (version <= this.masters.current.version) continue;
      try {
        await this.ensure(version);
      } catch (err) {
        if (!isCellarError(err, 'CELLAR_ERR_KEY_MASTER_MISSING')) throw err;
        return;
      }
    }
  }

  /**
   * Makes sure `version` is held, loading it when it is not and a loader was given. Without a
   * loader nothing happens (unwrapping then fails with CELLAR_ERR_KEY_MASTER_WRONG).
   */
  async ensure(version: number): Promise<void> {
    if (this.masters.get(version) !== undefined || this.load === undefined) return;
    const master = this.load(version);
    try {
      await verifyMasterKey(master, this.keyStore, this.location);
    } catch (err) {
      master.key.dispose();
      throw err;
    }
    // Another call may have loaded it while this one awaited the check.
    if (this.masters.get(version) === undefined) this.masters.add(master);
    else master.key.dispose();
  }
}
