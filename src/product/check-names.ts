import type { DocumentIssue } from '../config/document-error.js';
import type { ProductSpec } from './spec-schema.js';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const SOURCE_NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;

/** Why `name` cannot name a table or column in a micro-DB, or undefined when it can. */
function identifierProblem(name: string): string | undefined {
  if (!IDENTIFIER.test(name)) {
    return `expected a SQL identifier ([A-Za-z_][A-Za-z0-9_]*); got ${JSON.stringify(name)}`;
  }
  const lower = name.toLowerCase();
  if (lower.startsWith('_cellar')) return `names starting with _cellar are reserved for Cellar's own tables`;
  if (lower.startsWith('sqlite_')) return `names starting with sqlite_ are reserved by SQLite`;
  return undefined;
}

/** Issues for names that are not identifiers, reserved, or equal to another ignoring case. */
function checkIdentifiers(
  names: readonly string[],
  at: (name: string) => readonly (string | number)[],
  what: string,
) {
  const issues: DocumentIssue[] = [];
  const seen = new Map<string, string>();
  for (const name of names) {
    const problem = identifierProblem(name);
    if (problem !== undefined) issues.push({ path: at(name), atKey: true, message: problem });
    const other = seen.get(name.toLowerCase());
    if (other !== undefined) {
      const message = `expected a ${what} name unique ignoring case (SQLite ignores case); clashes with ${other}`;
      issues.push({ path: at(name), atKey: true, message });
    } else {
      seen.set(name.toLowerCase(), name);
    }
  }
  return issues;
}

/**
 * Checks the names of tables, columns and sources: tables and columns become SQLite identifiers
 * in every micro-DB; source names become part of stream names (`product/source`).
 */
export function checkNames(spec: ProductSpec): DocumentIssue[] {
  const issues = checkIdentifiers(Object.keys(spec.tables), (t) => ['tables', t], 'table');
  for (const [table, def] of Object.entries(spec.tables)) {
    const at = (c: string) => ['tables', table, 'columns', c];
    issues.push(...checkIdentifiers(Object.keys(def.columns), at, 'column'));
  }
  for (const source of Object.keys(spec.sources ?? {})) {
    if (!SOURCE_NAME.test(source)) {
      const message = `expected a source name: a letter, then letters, digits, _ or -; got ${JSON.stringify(source)}`;
      issues.push({ path: ['sources', source], atKey: true, message });
    }
  }
  return issues;
}
