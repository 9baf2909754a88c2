/**
 * `cellar keys rotate`, `cellar keys retire` and `cellar keys status`: master key rotation
 * (docs/key-rotation.md).
 *
 * `rotate` moves every wrapped key to a new master key version (resuming an unfinished rotation
 * instead when there is one), showing a progress bar on a terminal; `--reencrypt` also replaces
 * every data key and re-encrypts every blob (stop sync and the service first). `retire --version
 * N` then removes an old version, refusing while anything still needs it. `status` prints the
 * versions in use, the keys each wraps, and the last rotation.
 */
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { loadConfig } from '../config/load-config.js';
import type { CellarConfig } from '../config/types.js';
import { describeSource, masterKeySource } from '../crypto/rotation/master-key-sources.js';
import { retireMasterKeyVersion } from '../crypto/rotation/retire.js';
import { rotateMasterKey } from '../crypto/rotation/rotate.js';
import type { RotationProgress } from '../crypto/rotation/rotation-context.js';
import { loadProducts } from '../product/product-registry.js';
import { type OpenedStores, openStores } from '../store/open-store.js';
import { type Output, stdio } from './output.js';

async function withStores<T>(config: CellarConfig, work: (stores: OpenedStores) => Promise<T>): Promise<T> {
  const stores = await openStores(config.store);
  try {
    return await work(stores);
  } finally {
    await stores.blobs.close();
    await stores.keys.close();
  }
}

/** A progress bar on a terminal (stderr); nothing otherwise. */
function progressBar(stream: NodeJS.WriteStream = process.stderr): {
  update: (p: RotationProgress) => void;
  stop: () => void;
} {
  if (stream.isTTY !== true) return { update: () => undefined, stop: () => undefined };
  const bar = new cliProgress.SingleBar(
    { stream, format: '{phase} [{bar}] {value}/{total}', hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  let phase: string | undefined;
  return {
    update: (p) => {
      if (phase !== p.phase) {
        if (phase !== undefined) bar.stop();
        phase = p.phase;
        bar.start(Math.max(p.total, p.done), p.done, {
          phase: p.phase === 'rewrap' ? 're-wrapping keys' : 're-encrypting',
        });
      } else {
        bar.setTotal(Math.max(p.total, p.done));
        bar.update(p.done);
      }
    },
    stop: () => {
      if (phase !== undefined) bar.stop();
    },
  };
}

/** Runs `cellar keys rotate`. */
export async function runKeysRotate(
  configFile: string,
  opts: { readonly reencrypt?: boolean; readonly batchKeys?: number },
  output: Output,
  env: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  const config = loadConfig(configFile, env);
  const products =
    opts.reencrypt === true
      ? loadProducts(config.products, env)
          .list()
          .map((p) => p.name)
      : [];
  await withStores(config, async ({ blobs, keys }) => {
    const bar = progressBar();
    let report: Awaited<ReturnType<typeof rotateMasterKey>>;
    try {
      report = await rotateMasterKey(
        { config, keys, blobs, env },
        {
          ...(opts.reencrypt === true ? { reencrypt: true } : {}),
          ...(opts.batchKeys === undefined ? {} : { batchKeys: opts.batchKeys }),
          products,
          onProgress: bar.update,
        },
      );
    } finally {
      bar.stop();
    }
    const source = describeSource(masterKeySource(config, report.target));
    if (report.created) output.out(`created master key version ${report.target} in ${source}`);
    output.out(
      `${report.resumed ? 'finished' : 'done'}: every key is wrapped by master key version ${report.target} ` +
        `(${report.rewrapped} re-wrapped${report.state.reencrypt ? `, ${report.reencrypted} entities re-encrypted` : ''})`,
    );
    output.out(
      `next: make sure every process can load version ${report.target} (${source}), then retire the old version(s) with: cellar keys retire --version <N>`,
    );
  });
}

/** Runs `cellar keys retire`. */
export async function runKeysRetire(
  configFile: string,
  version: number,
  output: Output,
  env: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  const config = loadConfig(configFile, env);
  await withStores(config, async ({ keys }) => {
    const report = await retireMasterKeyVersion(keys, version);
    output.out(`retired master key version ${report.version}; in use: ${report.remaining.join(', ')}`);
    output.out(
      `it opens nothing in the key store any more: destroy it (${describeSource(masterKeySource(config, version))})`,
    );
  });
}

/** Runs `cellar keys status`. */
export async function runKeysStatus(
  configFile: string,
  output: Output,
  env: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  const config = loadConfig(configFile, env);
  await withStores(config, async ({ keys }) => {
    const counts = await keys.countByMasterVersion();
    for (const version of await keys.checkVersions()) {
      output.out(
        `version ${version}: wraps ${counts.get(version) ?? 0} key(s); from ${describeSource(masterKeySource(config, version))}`,
      );
    }
    const rotation = await keys.getRotation();
    if (rotation === undefined) output.out('rotation: never');
    else {
      const when = new Date(rotation.finishedAt ?? rotation.startedAt).toISOString();
      output.out(
        `rotation to version ${rotation.target}: ${rotation.phase === 'done' ? `done ${when}` : `unfinished (${rotation.phase}), started ${when}`}`,
      );
    }
  });
}

function positiveInteger(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 1)
    throw new Error(`expected a positive integer, got "${text}"`);
  return value;
}

/** Adds `rotate`, `retire` and `status` to the `keys` command (creating it when missing). */
export function registerKeyRotationCommands(program: Command, output: Output = stdio): void {
  const keys =
    program.commands.find((c) => c.name() === 'keys') ?? program.command('keys').description('keys');
  keys
    .command('rotate')
    .description('re-wrap every key under a new master key version (resumes an unfinished rotation)')
    .requiredOption('-c, --config <file>', 'runtime configuration (cellar.yaml)')
    .option(
      '--reencrypt',
      'also replace every data key and re-encrypt every blob (stop sync and serve first)',
    )
    .option('--batch-keys <n>', 'keys per durable step', positiveInteger)
    .action(async (opts: { config: string; reencrypt?: boolean; batchKeys?: number }) => {
      await runKeysRotate(opts.config, opts, output);
    });
  keys
    .command('retire')
    .description('retire an old master key version once nothing is wrapped by it')
    .requiredOption('-c, --config <file>', 'runtime configuration (cellar.yaml)')
    .requiredOption('--version <n>', 'the version to retire', positiveInteger)
    .action(async (opts: { config: string; version: number }) => {
      await runKeysRetire(opts.config, opts.version, output);
    });
  keys
    .command('status')
    .description('master key versions in use, keys per version, and the last rotation')
    .requiredOption('-c, --config <file>', 'runtime configuration (cellar.yaml)')
    .action(async (opts: { config: string }) => {
      await runKeysStatus(opts.config, output);
    });
}
