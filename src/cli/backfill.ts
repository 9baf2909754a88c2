import type { Command } from 'commander';
import { loadConfig } from '../config/load-config.js';
import { BackfillConnector } from '../connectors/postgres-pull/backfill-connector.js';
import { CellarError } from '../errors.js';
import { openSync } from '../runtime/open-sync.js';
import { openRuntime } from '../runtime/runtime.js';
import { ProgressLine } from './progress.js';
import { abortOnSignals } from './signals.js';
import { findSource } from './source.js';
import { summary } from './sync.js';

function concurrencyOption(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1 || n > 64) {
    throw new CellarError(
      'CELLAR_ERR_CONFIG_INVALID',
      `--concurrency must be an integer from 1 to 64, got ${JSON.stringify(value)}`,
    );
  }
  return n;
}

export function registerBackfillCommands(program: Command): void {
  program
    .command('backfill <product>')
    .description('load every entity of a product straight from a PostgreSQL source (resumable)')
    .requiredOption('-s, --source <name>', 'the postgres-pull or postgres-cdc source to read')
    .requiredOption('-c, --config <file>', 'runtime configuration (cellar.yaml)')
    .option(
      '--concurrency <n>',
      'entities pulled at the same time (default: the source option, else 4)',
      concurrencyOption,
    )
    .action(async (productName: string, opts: { source: string; config: string; concurrency?: number }) => {
      const runtime = await openRuntime(loadConfig(opts.config));
      try {
        const product = runtime.products.get(productName);
        const connector = new BackfillConnector(product, findSource(product, opts.source), {
          ...(opts.concurrency === undefined ? {} : { concurrency: opts.concurrency }),
        });
        const { engine } = await openSync(runtime);
        const signal = abortOnSignals();
        const progress = new ProgressLine();
        const timer = setInterval(() => {
          const { done, total } = connector.progress;
          progress.update(
            () => `backfill ${done}${total === undefined ? '' : `/${total}`} entities… ${summary(engine)}`,
          );
        }, 100);
        try {
          await engine.run([{ product, connector }], { follow: false, signal });
        } finally {
          clearInterval(timer);
          progress.done();
        }
        const { done } = connector.progress;
        process.stdout.write(
          `${signal.aborted ? 'interrupted' : 'done'}: ${done} entities pulled; ${summary(engine)}\n`,
        );
      } finally {
        await runtime.close();
      }
    });
}
