import { CellarError } from '../errors.js';
import { type ColumnType, MASK_FUNCTIONS, type MaskFunction, type MaskSpec } from './types.js';

/**
 * What each mask function takes and which column types it fits. `partial(first, last)` keeps the
 * first and last characters; `round(digits)` rounds to `digits` after the point (negative: to
 * tens, hundreds…). The others take no arguments.
 */
interface MaskRule {
  /** Argument names, in order. */
  readonly args: readonly string[];
  /** Arguments must be ≥ 0. */
  readonly nonNegative: boolean;
  /** Column types it applies to; undefined: every type. */
  readonly types: readonly ColumnType[] | undefined;
}

const TEXTUAL: readonly ColumnType[] = ['text', 'uuid'];

export const MASK_RULES: Readonly<Record<MaskFunction, MaskRule>> = {
  clear: { args: [], nonNegative: false, types: undefined },
  redact: { args: [], nonNegative: false, types: undefined },
  null: { args: [], nonNegative: false, types: undefined },
  hash: { args: [], nonNegative: false, types: undefined },
  partial: {
    args: ['characters kept at the start', 'characters kept at the end'],
    nonNegative: true,
    types: TEXTUAL,
  },
  email: { args: [], nonNegative: false, types: TEXTUAL },
  year: { args: [], nonNegative: false, types: ['date', 'timestamp', 'timestamptz'] },
  round: { args: ['digits after the point'], nonNegative: false, types: ['integer', 'decimal', 'real'] },
};

const MASK_TEXT = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(?:\((.*)\))?\s*$/;

/** Outcome of {@link tryParseMask}. */
export type MaskParse =
  | { readonly ok: true; readonly mask: MaskSpec }
  | { readonly ok: false; readonly message: string };

/**
 * Parses mask text such as `redact`, `partial(1,0)` or `round(-2)` and checks its arguments.
 * Does not check the column type; see {@link maskFitsType}.
 */
export function tryParseMask(text: string): MaskParse {
  const match = MASK_TEXT.exec(text);
  if (match === null) {
    return {
      ok: false,
      message: `expected mask text such as redact or partial(1,0); got ${JSON.stringify(text)}`,
    };
  }
  const name = match[1] ?? '';
  if (!(MASK_FUNCTIONS as readonly string[]).includes(name)) {
    return {
      ok: false,
      message: `expected one of ${MASK_FUNCTIONS.join(', ')}; got ${JSON.stringify(name)}`,
    };
  }
  const fn = name as MaskFunction;
  const rule = MASK_RULES[fn];
  const argText = match[2]?.trim() ?? '';
  const parts = argText === '' ? [] : argText.split(',').map((a) => a.trim());
  const usage = rule.args.length === 0 ? `${fn} takes no arguments` : `${fn}(${rule.args.join(', ')})`;
  if (parts.length !== rule.args.length) {
    return {
      ok: false,
      message: `expected ${usage}; got ${parts.length} argument(s) in ${JSON.stringify(text)}`,
    };
  }
  const args: number[] = [];
  for (const part of parts) {
    const integer = rule.nonNegative ? /^[0-9]+$/ : /^-?[0-9]+$/;
    const value = Number(part);
    if (!integer.test(part) || !Number.isSafeInteger(value)) {
      const kind = rule.nonNegative ? 'non-negative integers' : 'integers';
      return { ok: false, message: `expected ${usage} with ${kind}; got ${JSON.stringify(part)}` };
    }
    args.push(value);
  }
  return { ok: true, mask: Object.freeze({ fn, args: Object.freeze(args) }) };
}

/**
 * Parses mask text, throwing CELLAR_ERR_SPEC_INVALID when it is not valid. Spec loading reports
 * mask errors with their position instead; this is for masks given elsewhere.
 */
export function parseMask(text: string): MaskSpec {
  const result = tryParseMask(text);
  if (!result.ok) throw new CellarError('CELLAR_ERR_SPEC_INVALID', `mask: ${result.message}`);
  return result.mask;
}

/** Whether a mask function makes sense for a column type (e.g. `year` only for dates). */
export function maskFitsType(fn: MaskFunction, type: ColumnType): boolean {
  const types = MASK_RULES[fn].types;
  return types === undefined || types.includes(type);
}

/** Mask text for a parsed mask: `partial(1,0)`, `redact`. */
export function formatMask(mask: MaskSpec): string {
  return mask.args.length === 0 ? mask.fn : `${mask.fn}(${mask.args.join(',')})`;
}
