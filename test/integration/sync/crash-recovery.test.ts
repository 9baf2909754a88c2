import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateSample } from '../../../config/samples/generate.js';
import { loadConfig } from '../../../src/config/load-config.js';
import { openRuntime } from '../../../src/runtime/runtime.js';
import { REPO_ROOT, runCli, startCli } from '../../support/cli.js';
import { dumpEntities } from '../../support/dump-entities.js';

const KILLS = 6;

/** A deterministic sequence of kill delays (ms), so a failure can be reproduced. */
function* delays(seed: number): Generator<number> {
  let x = seed;
  for (;;) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    yield 400 + (x % 2500);
  }
}

function workspace(lines: readonly string[]): { dir: string; config: string } {
  const dir = mkdtempSync(join(tmpdir(), 'cellar-crash-'));
  mkdirSync(join(dir, 'products'));
  mkdirSync(join(dir, 'samples'));
  copyFileSync(join(REPO_ROOT, 'config/products/customer360.yaml'), join(dir, 'products/customer360.yaml'));
  writeFileSync(join(dir, 'samples/customer360.jsonl'), `${lines.join('\n')}\n`);
  const config = join(dir, 'cellar.yaml');
  // Small commits, so that kills land between many of them.
  writeFileSync(
    config,
    'dataDir: ./data\nmasterKey: { file: ./data/master.key, createIfMissing: true }\nproducts: [./products]\nsync: { maxDirtyEntities: 150, flushIntervalMs: 20 }\n',
  );
  return { dir, config };
}

/**
 * The entities as a clear role reads them: the SSN is tokenized on write with random tokens, so
 * two runs store different tokens for the same value; their values must be equal.
 */
async function entities(config: string): Promise<Map<string, unknown>> {
  const runtime = await openRuntime(loadConfig(config, {}));
  try {
    return await dumpEntities(runtime, 'customer360');
  } finally {
    await runtime.close();
  }
}

function killAfter(config: string, ms: number): Promise<NodeJS.Signals | null> {
  const child = startCli(['sync', '--config', config]);
  const timer = setTimeout(() => child.kill('SIGKILL'), ms);
  return new Promise((resolve) =>
    child.on('exit', (_code, signal) => {
      clearTimeout(timer);
      resolve(signal);
    }),
  );
}

describe('crash recovery', () => {
  const sample = generateSample({ customers: 3000, transactions: 3000, seed: 7 });
  const clean = workspace(sample.lines);
  const crashed = workspace(sample.lines);
  afterAll(() => {
    rmSync(clean.dir, { recursive: true, force: true });
    rmSync(crashed.dir, { recursive: true, force: true });
  });

  it('SIGKILLed at random moments and restarted, ends equal to one clean run', async () => {
    const done = runCli(['sync', '--config', clean.config]);
    expect(done.status, done.stderr).toBe(0);

    const seed = Number(process.env.CELLAR_CRASH_SEED ?? Date.now() % 100_000);
    const plan = delays(seed);
    let killed = 0;
    for (let i = 0; i < KILLS; i++) {
      if ((await killAfter(crashed.config, plan.next().value as number)) === 'SIGKILL') killed += 1;
    }
    const last = runCli(['sync', '--config', crashed.config]);
    expect(last.status, last.stderr).toBe(0);
    expect(killed, `seed ${seed}: at least one run must have been killed mid-way`).toBeGreaterThan(0);

    const expected = await entities(clean.config);
    const actual = await entities(crashed.config);
    expect(expected.size).toBe(sample.expected.size);
    expect([...actual.keys()], `seed ${seed}`).toEqual([...expected.keys()]);
    for (const [id, data] of expected) expect(actual.get(id), `entity ${id}, seed ${seed}`).toEqual(data);
  });
});
