import type { Command } from 'commander';
import { loadConfig } from '../config/load-config.js';
import { maskPlanFor } from '../governance/masking/effective-mask.js';
import { installRuntimeMasking } from '../runtime/masking-setup.js';
import { readEntity } from '../runtime/read-entity.js';
import { openRuntime } from '../runtime/runtime.js';

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
          // The same masking the server installs, so the CLI shows the server's masks and hashes.
          if (plan !== undefined) release = await installRuntimeMasking(runtime);
          const doc = await readEntity(runtime, productName, id, tables, plan);
          process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
        } finally {
          release();
          await runtime.close();
        }
      },
    );
}
