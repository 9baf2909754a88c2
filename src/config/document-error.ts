import { relative } from 'node:path';
import { CellarError } from '../errors.js';

/** A location inside a YAML document: map keys and list indexes from the top. */
export type DocumentPath = readonly (string | number)[];

/**
 * One problem found at a path of a document, before it is tied to a file and a line. Checks
 * produce these; the loader locates them.
 */
export interface DocumentIssue {
  readonly path: DocumentPath;
  /** What was expected and what was found. */
  readonly message: string;
  /** The problem is the key at `path` itself (an unknown or badly named key), not its value. */
  readonly atKey?: boolean;
}

/**
 * One problem in a configuration or product-spec file: the file, the path inside it, the line and
 * column when known, and what was expected.
 */
export interface DocumentError {
  /** Absolute path of the file. */
  readonly file: string;
  readonly path: DocumentPath;
  /** 1-based line, or undefined when the position is not known (e.g. an unreadable file). */
  readonly line: number | undefined;
  /** 1-based column, or undefined with `line`. */
  readonly column: number | undefined;
  readonly message: string;
}

const PLAIN_SEGMENT = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/**
 * Formats a path the way users read it: `tables.orders.columns.total.type`, `products[0]`,
 * `sources.crm.tables["public.customers"]`. The empty path is `(top level)`.
 */
export function formatPath(path: DocumentPath): string {
  if (path.length === 0) return '(top level)';
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (PLAIN_SEGMENT.test(segment)) text += text === '' ? segment : `.${segment}`;
    else text += `[${JSON.stringify(segment)}]`;
  }
  return text;
}

/** The file as a user most likely typed it: relative to the working directory when inside it. */
export function displayFile(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel === '' || rel.startsWith('..') ? file : rel;
}

/**
 * `FILE:LINE:COL: PATH: MESSAGE`; the line and column are left out when unknown, the path when
 * the problem concerns the whole file (syntax, a missing file).
 */
export function formatDocumentError(error: DocumentError): string {
  const where = error.line === undefined ? '' : `:${error.line}:${error.column ?? 1}`;
  const path = error.path.length === 0 ? '' : ` ${formatPath(error.path)}:`;
  return `${displayFile(error.file)}${where}:${path} ${error.message}`;
}

/**
 * The error thrown when a configuration or product-spec file is invalid. Its message lists every
 * problem, one per line; `errors` holds them structured (file, path, line, column, message).
 */
export class InvalidDocumentError extends CellarError {
  readonly errors: readonly DocumentError[];

  constructor(
    code: 'CELLAR_ERR_SPEC_INVALID' | 'CELLAR_ERR_CONFIG_INVALID',
    errors: readonly DocumentError[],
    hint?: string,
  ) {
    const what = code === 'CELLAR_ERR_SPEC_INVALID' ? 'product spec' : 'configuration';
    const count = errors.length === 1 ? '1 problem' : `${errors.length} problems`;
    const lines = errors.map((e) => `  ${formatDocumentError(e)}`);
    super(code, [`invalid ${what}, ${count}:`, ...lines].join('\n'), hint === undefined ? {} : { hint });
    this.name = 'InvalidDocumentError';
    this.errors = Object.freeze([...errors]);
  }
}
