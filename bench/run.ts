/**
 * Runs every benchmark case, each in a fresh Node process (so one case's heap, JIT state and
 * caches cannot flatter another), then writes bench/results/latest.json and the table in
 * bench/README.md. Usage: `npm run bench` (all cases) or `npm run bench -- reads` (some).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { arch, cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { CASES, type CaseResult } from './cases.js';
import { renderTable } from './table.js';

const HERE = fileURLToPath(new URL('.', import.meta.url));

export function runCases(names: readonly string[]): CaseResult[] {
  const results: CaseResult[] = [];
  for (const c of CASES.filter((x) => names.length === 0 || names.includes(x.name))) {
    process.stderr.write(`bench: ${c.name}…\n`);
    const run = spawnSync(process.execPath, ['--import', 'tsx', `${HERE}cases/${c.file}`, ...c.args], {
      cwd: `${HERE}..`,
      encoding: 'utf8',
      timeout: 600_000,
    });
    const line = run.stdout.trim().split('\n').at(-1) ?? '';
    if (run.status !== 0 || !line.startsWith('{')) {
      throw new Error(`benchmark ${c.name} failed (exit ${run.status}):\n${run.stderr}`);
    }
    results.push({ name: c.name, ...(JSON.parse(line) as Record<string, number>) });
  }
  return results;
}

export function machine() {
  return {
    cpus: cpus().length,
    cpu: cpus()[0]?.model ?? 'unknown',
    memGiB: Math.round(totalmem() / 2 ** 30),
    arch: arch(),
    node: process.version,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const results = runCases(process.argv.slice(2));
  const doc = { at: new Date().toISOString(), machine: machine(), results };
  mkdirSync(`${HERE}results`, { recursive: true });
  writeFileSync(`${HERE}results/latest.json`, `${JSON.stringify(doc, null, 2)}\n`);
  const readme = readFileSync(`${HERE}README.md`, 'utf8');
  const table = renderTable(doc);
  writeFileSync(
    `${HERE}README.md`,
    readme.replace(
      /<!-- results -->[\s\S]*<!-- \/results -->/,
      `<!-- results -->\n${table}\n<!-- /results -->`,
    ),
  );
  process.stdout.write(`${table}\n`);
}
