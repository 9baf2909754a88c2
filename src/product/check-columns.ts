import type { DocumentIssue } from '../config/document-error.js';
import { maskFitsType, tryParseMask } from './parse-mask.js';
import type { ColumnSpec, ProductSpec, TableSpec } from './spec-schema.js';

/** The mask profile each access rule uses: its `mask`, or the role's own name. */
export function usedMaskProfiles(spec: ProductSpec): Set<string> {
  return new Set(Object.entries(spec.access ?? {}).map(([role, rule]) => rule.mask ?? role));
}

/** Columns that route and match rows; their stored value must be the source's value. */
function keyColumns(def: TableSpec): Set<string> {
  const keys = new Set(def.primaryKey);
  if (def.entityId !== undefined) keys.add(def.entityId);
  if (def.parent !== undefined) keys.add(def.parent.key);
  return keys;
}

function checkMasks(path: readonly string[], column: ColumnSpec, profiles: Set<string>): DocumentIssue[] {
  const issues: DocumentIssue[] = [];
  for (const [profile, text] of Object.entries(column.mask ?? {})) {
    const at = [...path, 'mask', profile];
    const parsed = tryParseMask(text);
    if (!parsed.ok) {
      issues.push({ path: at, message: parsed.message });
    } else if (!maskFitsType(parsed.mask.fn, column.type)) {
      issues.push({
        path: at,
        message: `expected a mask that fits a ${column.type} column; ${parsed.mask.fn} does not`,
      });
    }
    // A misspelt profile would silently show the value unmasked to the role it was meant for.
    if (profile !== 'default' && !profiles.has(profile)) {
      const known = ['default', ...profiles].join(', ');
      const message = `expected default or a mask profile used in access (${known}); no role uses ${JSON.stringify(profile)}`;
      issues.push({ path: at, atKey: true, message });
    }
  }
  return issues;
}

/**
 * Checks column options: `scale` only on decimals; mask text parses, fits the column type and
 * names a profile some access rule uses (or `default`); `tokenize` only on non-key text columns;
 * `deterministic` only with `tokenize`.
 */
export function checkColumns(spec: ProductSpec): DocumentIssue[] {
  const issues: DocumentIssue[] = [];
  const profiles = usedMaskProfiles(spec);
  for (const [table, def] of Object.entries(spec.tables)) {
    const keys = keyColumns(def);
    for (const [name, column] of Object.entries(def.columns)) {
      const path = ['tables', table, 'columns', name];
      if (column.scale !== undefined && column.type !== 'decimal') {
        issues.push({
          path: [...path, 'scale'],
          atKey: true,
          message: `scale applies to decimal columns; this one is ${column.type}`,
        });
      }
      issues.push(...checkMasks(path, column, profiles));
      if (column.tokenize !== undefined) {
        if (column.type !== 'text') {
          issues.push({
            path: [...path, 'tokenize'],
            message: `tokenize applies to text columns; this one is ${column.type}`,
          });
        } else if (keys.has(name)) {
          const message = 'a key column cannot be tokenized: rows are routed and matched by its stored value';
          issues.push({ path: [...path, 'tokenize'], message });
        }
      }
      if (column.deterministic === true && column.tokenize === undefined) {
        const message =
          'deterministic applies only to tokenized columns; add tokenize: opaque or format-preserving';
        issues.push({ path: [...path, 'deterministic'], message });
      }
    }
  }
  return issues;
}
