import { readFileSync } from 'node:fs';
import { type Document, isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import type { DocumentError, DocumentIssue, DocumentPath } from './document-error.js';

/**
 * A parsed YAML file that remembers where every node came from, so that problems found later
 * (schema, semantic checks) can be reported with a line and column.
 */
export interface YamlFile {
  /** Absolute path. */
  readonly file: string;
  readonly doc: Document;
  readonly lineCounter: LineCounter;
}

/** Outcome of {@link parseYamlFile}: the document, or the syntax errors that prevent using it. */
export type ParsedYaml =
  | { readonly ok: true; readonly yaml: YamlFile }
  | { readonly ok: false; readonly errors: readonly DocumentError[] };

/** `${` not preceded by a quote: inside `{ }` / `[ ]` YAML reads its braces as syntax. */
const UNQUOTED_REFERENCE = /(^|[^"'])\$\{/;
// biome-ignore lint/suspicious/noTemplateCurlyInString: the text shows the syntax itself
const QUOTE_HINT = ' (inside { } or [ ], write "${VAR}" in quotes)';

/**
 * Parses YAML text (duplicate keys are errors). Syntax errors come back as {@link DocumentError}s
 * with their line and column; a document with any is not usable.
 */
export function parseYamlText(file: string, text: string): ParsedYaml {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const lines = text.split('\n');
    const errors = doc.errors.map((e): DocumentError => {
      const pos = e.linePos?.[0];
      // The yaml package repeats the position in its message; keep only the first sentence.
      let message = `YAML syntax: ${e.message.split(' at line ')[0] ?? e.message}`;
      if (pos !== undefined && UNQUOTED_REFERENCE.test(lines[pos.line - 1] ?? '')) message += QUOTE_HINT;
      return { file, path: [], line: pos?.line, column: pos?.col, message };
    });
    return { ok: false, errors };
  }
  return { ok: true, yaml: { file, doc, lineCounter } };
}

/**
 * Reads and parses a YAML file. Returns `undefined` when the file does not exist (callers choose
 * the error); other read failures come back as a document error.
 */
export function readYamlFile(file: string): ParsedYaml | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    const why =
      code === 'EISDIR' ? 'it is a folder, expected a YAML file' : `cannot read it (${code ?? 'error'})`;
    return { ok: false, errors: [{ file, path: [], line: undefined, column: undefined, message: why }] };
  }
  return parseYamlText(file, text);
}

/** Finds the node at `path` (and the key node naming it); stops at the deepest node that exists. */
function findNode(doc: Document, path: DocumentPath): { node: Node | undefined; key: Node | undefined } {
  let node: unknown = doc.contents;
  let key: Node | undefined;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find(
        (p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(segment),
      );
      if (pair === undefined) return { node: node as Node, key: undefined };
      key = isScalar(pair.key) ? pair.key : undefined;
      // A key with no value (`entityId:`) has no value node; point at its key instead.
      node = pair.value ?? key;
    } else if (isSeq(node) && typeof segment === 'number' && node.items[segment] !== undefined) {
      key = undefined;
      node = node.items[segment];
    } else {
      return { node: (node ?? undefined) as Node | undefined, key: undefined };
    }
  }
  return { node: (node ?? undefined) as Node | undefined, key };
}

/** Ties an issue to the file and to the line and column of the nearest node on its path. */
export function locateIssue(yaml: YamlFile, issue: DocumentIssue): DocumentError {
  const { node, key } = findNode(yaml.doc, issue.path);
  const target = issue.atKey === true && key !== undefined ? key : node;
  const offset = target?.range?.[0];
  const pos = offset === undefined ? undefined : yaml.lineCounter.linePos(offset);
  return { file: yaml.file, path: issue.path, line: pos?.line, column: pos?.col, message: issue.message };
}
