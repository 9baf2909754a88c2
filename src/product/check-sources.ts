import type { DocumentIssue } from '../config/document-error.js';
import { describeValue } from '../config/schema-errors.js';
import type { ProductSpec, SourceSpec } from './spec-schema.js';

/** The option each source type cannot do without, and what it is. */
const REQUIRED_OPTION: Readonly<Record<SourceSpec['type'], { key: string; what: string }>> = {
  'postgres-cdc': { key: 'url', what: 'a PostgreSQL connection URL' },
  'postgres-pull': { key: 'url', what: 'a PostgreSQL connection URL' },
  kafka: { key: 'brokers', what: 'broker addresses (host:port, comma-separated, or a list)' },
  file: { key: 'path', what: 'the path of a JSON-lines file, relative to this spec' },
};

function isNonEmptyText(value: unknown): boolean {
  return typeof value === 'string' && value.trim() !== '';
}

function optionIssue(name: string, source: SourceSpec): DocumentIssue | undefined {
  const { key, what } = REQUIRED_OPTION[source.type];
  const value = (source as Record<string, unknown>)[key];
  const ok =
    isNonEmptyText(value) ||
    (key === 'brokers' && Array.isArray(value) && value.length > 0 && value.every(isNonEmptyText));
  if (ok) return undefined;
  const path = ['sources', name, key];
  return value === undefined
    ? { path, message: `missing; a ${source.type} source needs ${key}: ${what}` }
    : { path, message: `expected ${what}; got ${describeValue(value)}` };
}

/** The mapping key a source uses: Kafka names it `topics`, the others `tables`. */
function mapIssues(name: string, source: SourceSpec): DocumentIssue[] {
  const at = (key: string) => ['sources', name, key];
  if (source.type === 'kafka') {
    if (source.tables !== undefined && source.topics !== undefined) {
      return [{ path: at('tables'), atKey: true, message: 'expected topics or tables, not both' }];
    }
    if (source.tables === undefined && source.topics === undefined) {
      return [{ path: at('topics'), message: 'missing; expected a map of Kafka topic → product table' }];
    }
    return [];
  }
  if (source.topics !== undefined) {
    return [
      {
        path: at('topics'),
        atKey: true,
        message: `topics is for kafka sources; a ${source.type} source uses tables`,
      },
    ];
  }
  if (source.tables === undefined && source.type !== 'file') {
    return [
      {
        path: at('tables'),
        message: 'missing; expected a map of source table (schema.table) → product table',
      },
    ];
  }
  return [];
}

/**
 * Checks sources: the option each type needs (url, brokers, path), the right mapping key
 * (`topics` for Kafka, `tables` otherwise; optional for `file`), and that every mapping target is
 * a table of the product. Other options are the connector's to check.
 */
export function checkSources(spec: ProductSpec): DocumentIssue[] {
  const issues: DocumentIssue[] = [];
  const tables = Object.keys(spec.tables);
  for (const [name, source] of Object.entries(spec.sources ?? {})) {
    const option = optionIssue(name, source);
    if (option !== undefined) issues.push(option);
    issues.push(...mapIssues(name, source));
    for (const key of ['tables', 'topics'] as const) {
      for (const [object, target] of Object.entries(source[key] ?? {})) {
        if (Object.hasOwn(spec.tables, target)) continue;
        const message = `expected a table of this product (${tables.join(', ')}); got ${JSON.stringify(target)}`;
        issues.push({ path: ['sources', name, key, object], message });
      }
    }
  }
  return issues;
}
