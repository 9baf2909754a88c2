import { resolve } from 'node:path';
import { coerceSubstituted } from '../config/coerce.js';
import {
  type DocumentError,
  type DocumentIssue,
  formatPath,
  InvalidDocumentError,
} from '../config/document-error.js';
import { type Env, interpolateDocument } from '../config/interpolate.js';
import { schemaIssues } from '../config/schema-errors.js';
import { locateIssue, type ParsedYaml, parseYamlText, readYamlFile } from '../config/yaml-document.js';
import { isCellarError } from '../errors.js';
import { checkColumns } from './check-columns.js';
import { checkNames } from './check-names.js';
import { checkSources } from './check-sources.js';
import { checkTables } from './check-tables.js';
import { type ProductSpec, ProductSpecSchema } from './spec-schema.js';

/** One problem in a product spec: file, path inside it, line and column when known, expectation. */
export type SpecError = DocumentError;

/** A spec that passed every check, with the absolute path of its file. */
export interface LoadedSpec {
  readonly file: string;
  readonly spec: ProductSpec;
  /** Ties a later-found problem (e.g. a duplicate product name) to this file's lines. */
  readonly locate: (issue: DocumentIssue) => SpecError;
}

const HINT = 'fix the listed keys; docs/product-spec.md describes each one';

function invalid(errors: readonly DocumentError[]): InvalidDocumentError {
  return new InvalidDocumentError('CELLAR_ERR_SPEC_INVALID', errors, HINT);
}

function validate(parsed: ParsedYaml, env: Env): LoadedSpec {
  if (!parsed.ok) throw invalid(parsed.errors);
  const { yaml } = parsed;
  const { issues, substituted } = interpolateDocument(yaml.doc, env);
  const value: unknown = yaml.doc.toJS();
  coerceSubstituted(ProductSpecSchema, value, substituted);
  const shapeIssues = schemaIssues(ProductSpecSchema, value);
  issues.push(...shapeIssues);
  // Semantic checks assume the shape is right; with shape errors they would only add noise.
  if (shapeIssues.length === 0) {
    const spec = value as ProductSpec;
    // A value whose variable was unset is already reported; its stand-in empty text is not news.
    const reported = new Set(issues.map((issue) => formatPath(issue.path)));
    const semantic = [
      ...checkNames(spec),
      ...checkTables(spec),
      ...checkColumns(spec),
      ...checkSources(spec),
    ];
    issues.push(...semantic.filter((issue) => !reported.has(formatPath(issue.path))));
  }
  if (issues.length > 0) throw invalid(issues.map((issue) => locateIssue(yaml, issue)));
  return { file: yaml.file, spec: value as ProductSpec, locate: (issue) => locateIssue(yaml, issue) };
}

/**
 * Reads a product spec (YAML), substitutes `${VAR}` / `${VAR:-default}` from `env`, validates its
 * shape, then its meaning (routes, keys, masks, sources, names).
 *
 * @throws {@link InvalidDocumentError} CELLAR_ERR_SPEC_INVALID listing every problem found (shape
 *   problems first; the semantic checks run once the shape is right). See {@link specErrors}.
 */
export function loadSpec(file: string, env: Env = process.env): LoadedSpec {
  const absolute = resolve(file);
  const parsed = readYamlFile(absolute);
  if (parsed === undefined) {
    throw invalid([
      { file: absolute, path: [], line: undefined, column: undefined, message: 'no such file' },
    ]);
  }
  return validate(parsed, env);
}

/** {@link loadSpec} for spec text already in memory; `file` is used for errors and relative paths. */
export function parseSpec(text: string, file: string, env: Env = process.env): LoadedSpec {
  const absolute = resolve(file);
  return validate(parseYamlText(absolute, text), env);
}

/** The structured problems of a CELLAR_ERR_SPEC_INVALID error; empty for any other error. */
export function specErrors(err: unknown): readonly SpecError[] {
  if (err instanceof InvalidDocumentError && isCellarError(err, 'CELLAR_ERR_SPEC_INVALID')) return err.errors;
  return [];
}
