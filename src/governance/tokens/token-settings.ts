import type { CellarConfig } from '../../config/types.js';
import { CellarError } from '../../errors.js';

/** Values per tokenize request and tokens per detokenize request, at most, by default. */
export const DEFAULT_TOKEN_MAX_BATCH = 1000;
/** The largest `tokens.maxBatch` accepted. */
export const MAX_TOKEN_MAX_BATCH = 100_000;

/**
 * The `tokens` section of the runtime configuration (it arrives in `CellarConfig.extra`):
 *
 * ```yaml
 * tokens:
 *   maxBatch: 1000                    # values per tokenize, tokens per detokenize request
 *   keepLast:                         # format-preserving tokens that keep their last N
 *     customer360.customers.ssn: 4    #   digits and letters (product.table.column: N)
 * ```
 */
export interface TokenSettings {
  readonly maxBatch: number;
  /** `product.table.column` → digits and letters kept at the end of format-preserving tokens. */
  readonly keepLast: ReadonlyMap<string, number>;
}

const KNOWN_KEYS = new Set(['maxBatch', 'keepLast']);

/** Reads `config.extra.tokens`. Throws CELLAR_ERR_CONFIG_INVALID naming the file and path. */
export function tokenSettings(config: CellarConfig): TokenSettings {
  const raw = config.extra.tokens ?? {};
  const fail = (path: string, expected: string): never => {
    throw new CellarError('CELLAR_ERR_CONFIG_INVALID', `${config.file}: ${path}: expected ${expected}`, {
      hint: 'see docs/tokens.md for the tokens section',
    });
  };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail('tokens', 'an object');
  const section = raw as Readonly<Record<string, unknown>>;
  for (const key of Object.keys(section)) {
    if (!KNOWN_KEYS.has(key)) fail(`tokens.${key}`, `one of the keys ${[...KNOWN_KEYS].join(', ')}`);
  }
  const maxBatch = section.maxBatch ?? DEFAULT_TOKEN_MAX_BATCH;
  if (
    !Number.isSafeInteger(maxBatch) ||
    (maxBatch as number) < 1 ||
    (maxBatch as number) > MAX_TOKEN_MAX_BATCH
  ) {
    fail('tokens.maxBatch', `an integer from 1 to ${MAX_TOKEN_MAX_BATCH}`);
  }
  const keepLast = new Map<string, number>();
  const rawKeep = section.keepLast ?? {};
  if (typeof rawKeep !== 'object' || rawKeep === null || Array.isArray(rawKeep)) {
    fail('tokens.keepLast', 'a map of product.table.column → count');
  }
  for (const [column, count] of Object.entries(rawKeep as Record<string, unknown>)) {
    if (!/^[^.]+\.[^.]+\.[^.]+$/.test(column))
      fail(`tokens.keepLast.${column}`, 'a key of the form product.table.column');
    if (!Number.isSafeInteger(count) || (count as number) < 0 || (count as number) > 64) {
      fail(`tokens.keepLast.${column}`, 'an integer from 0 to 64');
    }
    keepLast.set(column, count as number);
  }
  return Object.freeze({ maxBatch: maxBatch as number, keepLast });
}

/** Settings with every default: what a runtime without a `tokens` section uses. */
export const DEFAULT_TOKEN_SETTINGS: TokenSettings = Object.freeze({
  maxBatch: DEFAULT_TOKEN_MAX_BATCH,
  keepLast: new Map<string, number>(),
});
