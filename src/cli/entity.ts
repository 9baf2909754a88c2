import type { Command } from 'commander';
import { loadConfig } from '../config/load-config.js';
import { readEntity } from '../runtime/read-entity.js';
import { openRuntime } from '../runtime/runtime.js';

export function registerEntityCommands(program: Command): void {
  const entity = program.command('entity').description('read entities');
  entity
    .command('get <product> <id>')
    .description('print one whole entity as JSON')
    .requiredOption('-c, --config <file>', 'runtime configuration (cellar.yaml)')
    .option('-t, --tables <list>', 'only these tables, comma-separated')
    .action(async (productName: string, id: string, opts: { config: string; tables?: string }) => {
      const runtime = await openRuntime(loadConfig(opts.config));
      try {
        const tables = opts.tables?.split(',').map((t) => t.trim()).filter(Boolean);
        const doc = await readEntity(runtime, productName, id, tables);
        process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
      } finally {
        await runtime.close();
      }
    });
}
