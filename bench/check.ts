/**
 * The performance guard: runs the suite, then compares each figure's same-run ratio with
 * bench/budget.json and exits 1 on a regression. Figures against DESIGN.md's absolute budgets are
 * printed too; they inform, since absolute numbers depend on the machine.
 * Usage: `npm run bench:check` (or `-- --results bench/results/latest.json` to check a saved run).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { CaseResult } from './cases.js';
import { runCases } from './run.js';

interface Limit {
  readonly min?: number;
  readonly max?: number;
}
interface Figure {
  readonly case: string;
  readonly figure: string;
  readonly design: Limit;
  readonly ratio: Limit & { readonly figure: string };
}

function within(value: number, limit: Limit): boolean {
  return (limit.min === undefined || value >= limit.min) && (limit.max === undefined || value <= limit.max);
}

function describe(limit: Limit): string {
  return [limit.min !== undefined ? `≥ ${limit.min}` : '', limit.max !== undefined ? `≤ ${limit.max}` : '']
    .filter(Boolean)
    .join(' ');
}

const budget = JSON.parse(readFileSync(fileURLToPath(new URL('./budget.json', import.meta.url)), 'utf8')) as {
  figures: Figure[];
};
const fromFile = process.argv.indexOf('--results');
const results: readonly CaseResult[] =
  fromFile > 0
    ? (JSON.parse(readFileSync(process.argv[fromFile + 1] ?? '', 'utf8')) as { results: CaseResult[] })
        .results
    : runCases([...new Set(budget.figures.map((f) => f.case))]);

let regressions = 0;
for (const f of budget.figures) {
  const result = results.find((r) => r.name === f.case);
  const value = Number(result?.[f.figure]);
  const ratio = Number(result?.[f.ratio.figure]);
  const guard = within(ratio, f.ratio);
  if (!guard) regressions += 1;
  const design = within(value, f.design)
    ? 'within DESIGN budget'
    : `outside DESIGN budget ${describe(f.design)}`;
  process.stdout.write(
    `${guard ? 'ok  ' : 'FAIL'} ${f.case} ${f.figure} = ${value.toFixed(2)} (${design}); guard ${f.ratio.figure} = ${ratio.toFixed(4)} must be ${describe(f.ratio)}\n`,
  );
}
process.stdout.write(
  regressions === 0 ? 'bench:check: no regression\n' : `bench:check: ${regressions} regression(s)\n`,
);
process.exitCode = regressions === 0 ? 0 : 1;
