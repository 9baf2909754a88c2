import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { parse, stringify } from 'yaml';
import { InvalidDocumentError } from '../../../src/config/document-error.js';
import { loadSpec, type SpecError } from '../../../src/product/load-spec.js';
import { useTempDir } from '../config/temp-files.js';

/** The customer360 fixture spec (test/fixtures/products/customer360.yaml). */
export const FIXTURE_SPEC = fileURLToPath(
  new URL('../../fixtures/products/customer360.yaml', import.meta.url),
);

/** Environment the fixture needs. */
export const FIXTURE_ENV = { CRM_DATABASE_URL: 'postgres://cellar:s3cret@db.local:5432/crm' };

// biome-ignore lint/suspicious/noExplicitAny: mutations reach into arbitrary, deliberately wrong spec shapes
export type SpecTree = Record<string, any>;

/** The fixture as a plain object, to be changed by a test and written back with {@link writeSpec}. */
export function fixtureTree(): SpecTree {
  return parse(readFileSync(FIXTURE_SPEC, 'utf8')) as SpecTree;
}

/** A temp-folder writer for spec variants; call at the top of a test file. */
export function useSpecWriter(): (tree: SpecTree, name?: string) => string {
  const tmp = useTempDir();
  let n = 0;
  return (tree, name) => tmp.write(name ?? `spec-${++n}.yaml`, stringify(tree));
}

/** The problems `loadSpec` reports for `file`; fails the test when the spec loads. */
export function specErrorsOf(file: string, env: Record<string, string> = FIXTURE_ENV): readonly SpecError[] {
  try {
    loadSpec(file, env);
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidDocumentError);
    expect((err as InvalidDocumentError).code).toBe('CELLAR_ERR_SPEC_INVALID');
    return (err as InvalidDocumentError).errors;
  }
  throw new Error(`expected ${file} to be invalid`);
}
