import type { Command } from 'commander';
import { loadConfig } from '../config/load-config.js';
import { openSync } from '../runtime/open-sync.js';
import { openRuntime } from '../runtime/runtime.js';
import type { SyncEngine } from '../sync/sync-engine.js';
import { ProgressLine } from './progress.js';
import { abortOnSignals } from './signals.js';

export function registerSyncCommands(program: Command): void {
  program
    .command('sync')
    .description('sync every configured source into the micro-databases, until drained (or --follow)')
    .requiredOption('-c, --config <file>', 'runtime configuration (cellar.yaml)')
    .option('-f, --follow', 'keep streaming until interrupted', false)
    .action(async (opts: { config: string; follow: boolean }) => {
      const runtime = await openRuntime(loadConfig(opts.config));
      try {
        const { engine, sources } = await openSync(runtime);
        const signal = abortOnSignals();
        await runWithProgress(engine, () => engine.run(sources, { follow: opts.follow, signal }));
        process.stdout.write(`${summary(engine)}\n`);
      } finally {
        await runtime.close();
      }
    });
}

/** Runs `work`, showing the engine's counters on a terminal meanwhile. */
export async function runWithProgress<T>(engine: SyncEngine, work: () => Promise<T>): Promise<T> {
  const progress = new ProgressLine();
  const timer = setInterval(() => progress.update(() => `syncing… ${summary(engine)}`), 100);
  try {
    return await work();
  } finally {
    clearInterval(timer);
    progress.done();
  }
}

export function summary(engine: SyncEngine): string {
  const s = engine.stats;
  return [
    `${s.applied} events applied`,
    `${s.entitiesWritten} entity writes`,
    `${s.rejected} dead letters`,
    `${s.parked} parked`,
    `${s.replayed} replays skipped`,
    `${s.flushes} commits`,
  ].join(', ');
}
