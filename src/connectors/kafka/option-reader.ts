import { CellarError } from '../../errors.js';

/**
 * Typed reads of a source's free-form options. Values set through `${VAR}` arrive as text, so
 * numbers and booleans are also accepted as their text (`"6000"`, `"true"`). Every read returns
 * `undefined` for an absent option and throws CELLAR_ERR_SOURCE_CONFIG, naming the option, for
 * a present one of the wrong kind.
 */
export interface OptionReader {
  /** A non-empty string. */
  text(key: string): string | undefined;
  /** A whole number ≥ `min`. */
  integer(key: string, min: number): number | undefined;
  boolean(key: string): boolean | undefined;
}

/** An {@link OptionReader} over `options`; `where` starts every message (`source p/s`). */
export function optionReader(where: string, options: object): OptionReader {
  const values = options as Readonly<Record<string, unknown>>;
  const fail = (key: string, expected: string): never => {
    throw new CellarError(
      'CELLAR_ERR_SOURCE_CONFIG',
      `${where}: option ${key} must be ${expected}, got ${JSON.stringify(values[key])}`,
    );
  };
  return {
    text(key) {
      const value = values[key];
      if (value === undefined) return undefined;
      return typeof value === 'string' && value.trim() !== '' ? value : fail(key, 'non-empty text');
    },
    integer(key, min) {
      const value = values[key];
      if (value === undefined) return undefined;
      const n = typeof value === 'string' && /^[0-9]+$/.test(value.trim()) ? Number(value) : value;
      return typeof n === 'number' && Number.isSafeInteger(n) && n >= min
        ? n
        : fail(key, `a whole number ≥ ${min}`);
    },
    boolean(key) {
      const value = values[key];
      if (value === undefined) return undefined;
      if (value === true || value === 'true') return true;
      if (value === false || value === 'false') return false;
      return fail(key, 'true or false');
    },
  };
}
