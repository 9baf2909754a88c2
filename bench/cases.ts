/** The benchmark cases `bench/run.ts` runs, each in its own process. */
export const CASES = [
  { name: 'reads', file: 'reads.ts', args: [] },
  { name: 'sync-batched', file: 'sync.ts', args: ['batched'] },
  { name: 'sync-per-entity', file: 'sync.ts', args: ['per-entity'] },
  { name: 'postgres-cdc', file: 'postgres.ts', args: [] },
  { name: 'http', file: 'http.ts', args: [] },
  { name: 'tokens', file: 'tokens.ts', args: [] },
  { name: 'sync-kafka', file: 'kafka.ts', args: [] },
] as const;

export type CaseResult = { readonly name: string } & Readonly<Record<string, number | string>>;
