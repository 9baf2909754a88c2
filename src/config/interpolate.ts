import { type Document, isMap, isPair, isScalar, isSeq } from 'yaml';
import type { DocumentIssue, DocumentPath } from './document-error.js';

/** Environment variables as `process.env` holds them. */
export type Env = Readonly<Record<string, string | undefined>>;

/** `$${` (a literal `${`), or `${NAME}` / `${NAME:-default}`, or a malformed `${…`. */
const REFERENCE = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}|\$\{[^}]*\}?/g;

/** Outcome of substituting one string. */
export type Substitution =
  | { readonly ok: true; readonly value: string; readonly changed: boolean }
  | { readonly ok: false; readonly message: string };

/**
 * Replaces `${NAME}` with `env.NAME` and `${NAME:-default}` with `env.NAME`, or `default` when
 * NAME is unset or empty (as in a POSIX shell). `$${` stands for a literal `${`. Defaults are
 * taken literally (no nested references). Unset variables without a default, and malformed
 * references, are errors naming them.
 */
export function substitute(text: string, env: Env): Substitution {
  if (!text.includes('${')) return { ok: true, value: text, changed: false };
  const problems: string[] = [];
  const value = text.replace(
    REFERENCE,
    (match: string, name: string | undefined, fallback: string | undefined) => {
      if (match === '$${') return '${';
      if (name === undefined) {
        problems.push(`malformed reference ${match}: expected \${NAME} or \${NAME:-default}`);
        return '';
      }
      const set = env[name];
      if (fallback !== undefined) return set === undefined || set === '' ? fallback : set;
      if (set === undefined) {
        problems.push(`environment variable ${name} is not set (write \${${name}:-default} to allow that)`);
        return '';
      }
      return set;
    },
  );
  if (problems.length > 0) return { ok: false, message: problems.join('; ') };
  return { ok: true, value, changed: true };
}

/** Outcome of {@link interpolateDocument}. */
export interface Interpolation {
  /** One per value that could not be substituted (that value became empty text). */
  readonly issues: DocumentIssue[];
  /** Paths of the values that contained references: their text came from the environment. */
  readonly substituted: DocumentPath[];
}

/**
 * Substitutes environment references in every scalar value of the document, in place (keys are
 * left alone). Substituted values are text; `coerceSubstituted` later turns those that stand
 * where a number or boolean is expected into one.
 */
export function interpolateDocument(doc: Document, env: Env): Interpolation {
  const issues: DocumentIssue[] = [];
  const substituted: DocumentPath[] = [];
  const walk = (node: unknown, path: DocumentPath): void => {
    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isPair(pair) || !isScalar(pair.key)) continue;
        const key = String(pair.key.value);
        // Turned into a JS object, this key would replace the object's prototype.
        if (key === '__proto__') {
          issues.push({ path: [...path, key], atKey: true, message: 'the key __proto__ is not allowed' });
          continue;
        }
        walk(pair.value, [...path, key]);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => {
        walk(item, [...path, index]);
      });
    } else if (isScalar(node) && typeof node.value === 'string') {
      const result = substitute(node.value, env);
      if (!result.ok) {
        issues.push({ path, message: result.message });
        node.value = '';
      } else if (result.changed) {
        node.value = result.value;
        substituted.push(path);
      }
    }
  };
  walk(doc.contents, []);
  return { issues, substituted };
}
