import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../src/config/load-config.js';
import { openRuntime, type Runtime } from '../../src/runtime/runtime.js';

const SPEC = fileURLToPath(new URL('../../config/products/customer360.yaml', import.meta.url));

/** A fresh data directory using the demo product, for one benchmark process. */
export async function benchRuntime(
  sync: Record<string, number> = {},
): Promise<{ runtime: Runtime; dir: string; cleanup(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'cellar-bench-'));
  const config = join(dir, 'cellar.yaml');
  const syncYaml = Object.entries(sync)
    .map(([k, v]) => `  ${k}: ${v}`)
    .join('\n');
  writeFileSync(
    config,
    [
      'dataDir: ./data',
      'masterKey: { file: ./data/master.key, createIfMissing: true }',
      `products: [${JSON.stringify(SPEC)}]`,
      syncYaml ? `sync:\n${syncYaml}` : '',
    ].join('\n'),
  );
  const runtime = await openRuntime(loadConfig(config, {}));
  return {
    runtime,
    dir,
    async cleanup() {
      await runtime.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
