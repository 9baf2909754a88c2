/** Summary statistics of timing samples, in the samples' unit. */
export interface Summary {
  readonly n: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly mean: number;
}

export function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  const mean = sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length);
  return { n: sorted.length, p50: at(0.5), p90: at(0.9), p99: at(0.99), mean };
}

/** Times `fn` once per sample, in microseconds, after a warm-up. */
export function timeEachMicros(
  fn: (i: number) => void,
  samples: number,
  warmup = Math.min(1000, samples),
): Summary {
  for (let i = 0; i < warmup; i++) fn(i);
  const out = new Array<number>(samples);
  for (let i = 0; i < samples; i++) {
    const t0 = process.hrtime.bigint();
    fn(i);
    out[i] = Number(process.hrtime.bigint() - t0) / 1000;
  }
  return summarize(out);
}

export async function timeEachMicrosAsync(
  fn: (i: number) => Promise<void>,
  samples: number,
): Promise<Summary> {
  const out = new Array<number>(samples);
  for (let i = 0; i < samples; i++) {
    const t0 = process.hrtime.bigint();
    await fn(i);
    out[i] = Number(process.hrtime.bigint() - t0) / 1000;
  }
  return summarize(out);
}

/** Prints a case's result as the one JSON line bench/run.ts reads. */
export function report(result: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
