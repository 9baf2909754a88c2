import type { Command } from 'commander';
import { loadConfig } from '../config/load-config.js';
import { maskPlanFor, planUses } from '../governance/masking/effective-mask.js';
import { installMasking } from '../governance/masking/mask-install.js';
import { MASK_SYSTEM_KEY, type MaskHashKeys, maskHashKeysFrom } from '../governance/masking/mask-keys.js';
import type { MaskPlan } from '../product/types.js';
import { readEntity } from '../runtime/read-entity.js';
import { openRuntime, type Runtime } from '../runtime/runtime.js';

/**
 * Installs masking for `plan` before any entity is opened. The `hash` keys are loaded only when
 * the plan hashes something (they come from the key store, so the CLI shows the server's hashes).
 */
async function prepareMasking(runtime: Runtime, plan: MaskPlan | null): Promise<() => void> {
  let keys: MaskHashKeys | undefined;
  if (planUses(plan, 'hash')) {
    // Through the keyring: it unwraps with whichever master key version wraps system:mask.
    keys = maskHashKeysFrom(await runtime.keyring.systemKey(MASK_SYSTEM_KEY));
  }
  const uninstall = installMasking(keys?.keyFor ?? (() => new Uint8Array(0)));
  return () => {
    uninstall();
    keys?.dispose();
  };
}

export function registerEntityCommands(program: Command): void {
  const entity = program.command('entity').description('read entities');
  entity
    .command('get <product> <id>')
    .description('print one whole entity as JSON')
    .requiredOption('-c, --config <file>', 'runtime configuration (cellar.yaml)')
    .option('-t, --tables <list>', 'only these tables, comma-separated')
    .option('-r, --role <role>', 'show the entity as this role sees it (masked); default: as stored')
    .action(
      async (productName: string, id: string, opts: { config: string; tables?: string; role?: string }) => {
        const runtime = await openRuntime(loadConfig(opts.config));
        let release = (): void => undefined;
        try {
          const tables = opts.tables
            ?.split(',')
            .map((t) => t.trim())
            .filter(Boolean);
          const plan =
            opts.role === undefined ? undefined : maskPlanFor(runtime.products.get(productName), [opts.role]);
          if (plan !== undefined) release = await prepareMasking(runtime, plan);
          const doc = await readEntity(runtime, productName, id, tables, plan);
          process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
        } finally {
          release();
          await runtime.close();
        }
      },
    );
}
