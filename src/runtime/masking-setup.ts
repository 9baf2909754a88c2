import { installMasking } from '../governance/masking/mask-install.js';
import { MASK_SYSTEM_KEY, maskHashKeysFrom } from '../governance/masking/mask-keys.js';
import type { Runtime } from './runtime.js';

/**
 * Installs masking for a runtime's products: the `hash` mask keys are derived from the key
 * store's `system:mask` key (created on first use). Call before any entity is loaded
 * (connections opened earlier lack the mask functions, and masked reads on them fail). Returns
 * the undo: uninstall, then zero the keys.
 */
export async function installRuntimeMasking(runtime: Runtime): Promise<() => void> {
  const keys = maskHashKeysFrom(await runtime.keyring.systemKey(MASK_SYSTEM_KEY));
  const uninstall = installMasking(keys.keyFor);
  return () => {
    uninstall();
    keys.dispose();
  };
}
