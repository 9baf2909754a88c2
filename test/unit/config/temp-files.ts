import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll } from 'vitest';

/**
 * A temporary folder for the test file (removed after its tests), and a writer of files inside
 * it. Only configuration and spec text is written here, never entity data.
 */
export function useTempDir(): { readonly dir: string; write(path: string, text: string): string } {
  const dir = mkdtempSync(join(tmpdir(), 'cellar-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return {
    dir,
    write(path: string, text: string): string {
      const file = join(dir, path);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, text);
      return file;
    },
  };
}
