import type { Command } from 'commander';
import { loadConfig } from '../config/load-config.js';
import { dropSourceSlot } from '../connectors/postgres-cdc/drop-source-slot.js';
import { CellarError } from '../errors.js';
import { loadProducts } from '../product/product-registry.js';
import type { Product, SourceDef } from '../product/types.js';
import { stdio } from './output.js';

/** The source of that name in a product, or CELLAR_ERR_SOURCE_CONFIG listing the product's sources. */
export function findSource(product: Product, name: string): SourceDef {
  const source = product.sources.find((s) => s.name === name);
  if (source === undefined) {
    const known = product.sources.map((s) => s.name);
    throw new CellarError(
      'CELLAR_ERR_SOURCE_CONFIG',
      `product ${product.name} has no source named ${JSON.stringify(name)}`,
      {
        hint: known.length === 0 ? 'the product defines no sources' : `its sources: ${known.join(', ')}`,
      },
    );
  }
  return source;
}

export function registerSourceCommands(program: Command): void {
  const source = program.command('source').description('manage the sources of data products');
  source
    .command('drop-slot <product> <source>')
    .description(
      'drop the replication slot of a postgres-cdc source, and the publication Cellar created for it',
    )
    .requiredOption('-c, --config <file>', 'runtime configuration (cellar.yaml)')
    .action(async (productName: string, sourceName: string, opts: { config: string }) => {
      const config = loadConfig(opts.config);
      const product = loadProducts(config.products).get(productName);
      const result = await dropSourceSlot(product, findSource(product, sourceName));
      stdio.out(`slot ${result.slot}: ${result.slotDropped ? 'dropped' : 'not found'}`);
      const outcome = {
        dropped: 'dropped',
        kept: 'kept (Cellar did not create it)',
        absent: 'not found',
      }[result.publicationOutcome];
      stdio.out(`publication ${result.publication}: ${outcome}`);
      if (result.slotDropped) stdio.out('the next sync of this source takes a new snapshot');
    });
}
