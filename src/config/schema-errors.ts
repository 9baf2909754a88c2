import { Kind, type TSchema } from '@sinclair/typebox';
import { Value, type ValueError, ValueErrorType } from '@sinclair/typebox/value';
import type { DocumentIssue, DocumentPath } from './document-error.js';

/**
 * Schemas may carry `expect: 'text'`, said in errors instead of a description derived from the
 * schema (e.g. `a SQL identifier`).
 */
interface Described {
  readonly expect?: string;
}

function range(schema: Record<string, unknown>): string {
  const min = schema.minimum;
  const max = schema.maximum;
  if (typeof min === 'number' && typeof max === 'number') return ` from ${min} to ${max}`;
  if (typeof min === 'number') return min === 0 ? ' ≥ 0' : ` ≥ ${min}`;
  if (typeof max === 'number') return ` ≤ ${max}`;
  return '';
}

/** Says in words what a schema accepts: `one of integer, decimal`, `an integer ≥ 1`, `true or false`. */
export function describeSchema(schema: TSchema): string {
  const custom = (schema as Described).expect;
  if (custom !== undefined) return custom;
  const s = schema as Record<string, unknown>;
  switch (schema[Kind]) {
    case 'Literal':
      return JSON.stringify(s.const);
    case 'Union': {
      const options = (s.anyOf as TSchema[]) ?? [];
      if (options.every((o) => o[Kind] === 'Literal')) {
        return `one of ${options.map((o) => String((o as Record<string, unknown>).const)).join(', ')}`;
      }
      return options.map(describeSchema).join(' or ');
    }
    case 'String':
      if (typeof s.pattern === 'string') return `a string matching ${s.pattern}`;
      return s.minLength === 1 ? 'a non-empty string' : 'a string';
    case 'Integer':
      return `an integer${range(s)}`;
    case 'Number':
      return `a number${range(s)}`;
    case 'Boolean':
      return 'true or false';
    case 'Array':
      return `a list of ${describeSchema(s.items as TSchema)}${s.minItems === 1 ? ' (at least one)' : ''}`;
    case 'Object':
      return `a map with keys ${Object.keys((s.properties as object) ?? {}).join(', ')}`;
    case 'Record':
      return s.minProperties === 1 ? 'a non-empty map' : 'a map';
    default:
      return 'a valid value';
  }
}

/** Says what a value is, briefly: `"decmal"`, `12`, `a map`, `nothing`. Long text is cut. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null (an empty value)';
  if (typeof value === 'string') {
    const shown = value.length > 60 ? `${value.slice(0, 57)}...` : value;
    return JSON.stringify(shown);
  }
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  return String(value);
}

/** Turns a TypeBox JSON pointer into path segments; list indexes become numbers. */
function toPath(pointer: string, root: unknown): DocumentPath {
  const path: (string | number)[] = [];
  let value: unknown = root;
  for (const raw of pointer.split('/').slice(1)) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(value) && /^[0-9]+$/.test(segment)) {
      path.push(Number(segment));
      value = value[Number(segment)];
    } else {
      path.push(segment);
      value =
        value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[segment] : undefined;
    }
  }
  return path;
}

function issueFor(error: ValueError, root: unknown): DocumentIssue {
  const path = toPath(error.path, root);
  switch (error.type) {
    case ValueErrorType.ObjectAdditionalProperties: {
      const allowed = Object.keys((error.schema as { properties?: object }).properties ?? {});
      const key = String(path[path.length - 1]);
      return { path, atKey: true, message: `unknown key "${key}"; expected one of ${allowed.join(', ')}` };
    }
    case ValueErrorType.ObjectRequiredProperty:
      return { path, message: `missing; expected ${describeSchema(error.schema)}` };
    case ValueErrorType.ObjectMinProperties:
    case ValueErrorType.ArrayMinItems:
      return { path, message: `expected ${describeSchema(error.schema)}; got an empty one` };
    default:
      return { path, message: `expected ${describeSchema(error.schema)}; got ${describeValue(error.value)}` };
  }
}

/**
 * Checks `value` against `schema` and returns one issue per offending path (the first TypeBox
 * reports there), each saying what was expected and what was found.
 */
export function schemaIssues(schema: TSchema, value: unknown): DocumentIssue[] {
  const seen = new Set<string>();
  const issues: DocumentIssue[] = [];
  for (const error of Value.Errors(schema, value)) {
    if (seen.has(error.path)) continue;
    seen.add(error.path);
    issues.push(issueFor(error, value));
  }
  return issues;
}
