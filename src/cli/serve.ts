import type { Command } from 'commander';
import { loadConfig } from '../config/load-config.js';
import { openRuntime } from '../runtime/runtime.js';
import { openSync } from '../runtime/open-sync.js';
import { abortOnSignals } from './signals.js';
import { runWithProgress, summary } from './sync.js';

export function registerServeCommands(program: Command): void {
  program
    .command('serve')
    .description('run Cellar: sync every source and keep following it until SIGTERM')
    .requiredOption('-c, --config <file>', 'runtime configuration (cellar.yaml)')
    .action(async (opts: { config: string }) => {
      const runtime = await openRuntime(loadConfig(opts.config));
      try {
        const { engine, sources } = await openSync(runtime);
        const signal = abortOnSignals();
        process.stderr.write(`cellar: products ${runtime.products.list().map((p) => p.name).join(', ')}; data in ${runtime.config.dataDir}\n`);
        await runWithProgress(engine, () => engine.run(sources, { follow: true, signal }));
        process.stderr.write(`cellar: sources drained: ${summary(engine)}\n`);
        if (!signal.aborted) await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
      } finally {
        await runtime.close();
      }
    });
}
