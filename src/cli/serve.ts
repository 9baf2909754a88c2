/**
 * `cellar serve --config FILE`: open everything (runtime → masking → sync → audit → app), listen
 * on `server.host`/`server.port` (CELLAR_HOST / CELLAR_PORT override), print one line saying
 * where, then sync every source and keep following it. Entities are served as they are synced.
 * On SIGTERM or SIGINT: stop accepting requests, stop the sources and flush, close the audit log,
 * close the runtime — then exit 0 (1 if sync had failed). This is the only place that listens.
 */
import type { Command } from 'commander';
import { createLogger } from '../api/logger.js';
import { CellarService } from '../api/service.js';
import { loadConfig } from '../config/load-config.js';
import { abortOnSignals } from './signals.js';

export function registerServeCommands(program: Command): void {
  program
    .command('serve')
    .description('serve the HTTP API, syncing every source and following it until SIGTERM')
    .requiredOption('-c, --config <file>', 'runtime configuration (cellar.yaml)')
    .action(async (opts: { config: string }) => {
      const config = loadConfig(opts.config);
      const logger = createLogger();
      const service = await CellarService.open(config, { logger });
      const signal = abortOnSignals();
      try {
        const address = await service.app.listen({ host: config.server.host, port: config.server.port });
        const products = service.runtime.products.list().map((p) => p.name);
        process.stdout.write(
          `cellar: serving ${products.join(', ')} on ${address} (API docs at ${address}/docs; data in ${config.dataDir})\n`,
        );
        service.startSync({ follow: true });
        if (!signal.aborted)
          await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
      } finally {
        await service.shutdown();
        logger.flush();
      }
      if (service.syncFailure !== undefined) throw service.syncFailure;
    });
}
