import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { DocumentIssue } from './document-error.js';

const SPEC_FILE = /\.ya?ml$/i;

/** Outcome of {@link expandProductPaths}: absolute spec files, and problems with entries. */
export interface ProductFiles {
  readonly files: readonly string[];
  readonly issues: readonly DocumentIssue[];
}

/**
 * Resolves the `products` entries of the configuration (against `baseDir`) into spec files. A
 * folder stands for every `*.yaml` / `*.yml` file directly inside it, in name order (not
 * recursive). A file listed twice is kept once. An entry that does not exist, or a folder
 * without specs, is an issue at `products[i]`.
 */
export function expandProductPaths(entries: readonly string[], baseDir: string): ProductFiles {
  const files: string[] = [];
  const issues: DocumentIssue[] = [];
  entries.forEach((entry, index) => {
    const path = ['products', index] as const;
    const absolute = resolve(baseDir, entry);
    let isFolder: boolean;
    try {
      isFolder = statSync(absolute).isDirectory();
    } catch {
      issues.push({ path, message: `expected an existing spec file or folder; ${absolute} does not exist` });
      return;
    }
    if (!isFolder) {
      files.push(absolute);
      return;
    }
    const specs = readdirSync(absolute, { withFileTypes: true })
      .filter((e) => e.isFile() && SPEC_FILE.test(e.name))
      .map((e) => join(absolute, e.name))
      .sort();
    if (specs.length === 0) {
      issues.push({ path, message: `expected a folder holding *.yaml or *.yml specs; ${absolute} has none` });
    }
    files.push(...specs);
  });
  return { files: [...new Set(files)], issues };
}
