/** The benchmark cases `bench/run.ts` runs, each in its own process. */
export const CASES = [
  { name: 'reads', file: 'reads.ts', args: [] },
  { name: 'sync-batched', file: 'sync.ts', args: ['batched'] },
  { name: 'sync-per-entity', file: 'sync.ts', args: ['per-entity'] },
] as const;

export type CaseResult = { readonly name: string } & Readonly<Record<string, number | string>>;
