import { spawnSync } from 'node:child_process';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { hashApiKey } from '../../../src/api/auth/api-keys.js';
import { readStdin, registerKeysCommands, runKeysHash } from '../../../src/cli/keys.js';
import type { Output } from '../../../src/cli/output.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const DEMO_HASH = 'sha256:a9e99ff0e3a6317a4c201ed8e7f5dff708661b4f565315a7b6800f9d8d091d0c';
const LONG_KEY = 'cellar_0123456789abcdefghijklmnopqrstuvwxyzABCDEF';

function capture(): Output & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l) };
}

const noStdin = async (): Promise<string> => {
  throw new Error('stdin must not be read');
};

describe('cellar keys hash', () => {
  it('prints the hash of KEY', async () => {
    const io = capture();
    await runKeysHash(LONG_KEY, io, noStdin);
    expect(io.stdout).toEqual([hashApiKey(LONG_KEY)]);
    expect(io.stderr).toEqual([]);
  });

  it('prints the documented demo hash, warning that the key is short', async () => {
    const io = capture();
    await runKeysHash('demo-support-key', io, noStdin);
    expect(io.stdout).toEqual([DEMO_HASH]);
    expect(io.stderr.join('\n')).toMatch(/shorter than 32 characters can be guessed/);
  });

  it('reads the key from stdin for -, dropping one trailing newline', async () => {
    const io = capture();
    await runKeysHash('-', io, async () => 'demo-support-key\r\n');
    expect(io.stdout).toEqual([DEMO_HASH]);
  });

  it('generates a key and prints it once with its hash', async () => {
    const io = capture();
    await runKeysHash(undefined, io, noStdin);
    const [keyLine, hashLine] = io.stdout;
    const key = /^key: {2}(cellar_[A-Za-z0-9_-]{43})$/.exec(keyLine ?? '')?.[1];
    expect(key).toBeDefined();
    expect(hashLine).toBe(`hash: ${hashApiKey(key ?? '')}`);
    expect(io.stderr.join('\n')).toMatch(/shown only this once/);
  });

  it('refuses keys that could not be sent as a bearer API key', async () => {
    for (const [key, why] of [
      ['', /the key is empty/],
      ['two words', /contains whitespace/],
      ['aaaa.bbbb.cccc', /looks like a JWT/],
    ] as const) {
      await expect(runKeysHash(key, capture(), noStdin)).rejects.toThrow(
        expect.objectContaining({ code: 'CELLAR_ERR_AUTH_CONFIG', message: expect.stringMatching(why) }),
      );
    }
    await expect(runKeysHash('-', capture(), async () => '\n')).rejects.toThrow(/the key is empty/);
  });

  it('registers as `keys hash [key]` on a program', async () => {
    const io = capture();
    const program = new Command().exitOverride();
    registerKeysCommands(program, io);
    await program.parseAsync(['keys', 'hash', LONG_KEY], { from: 'user' });
    expect(io.stdout).toEqual([hashApiKey(LONG_KEY)]);
  });

  it('reads all of a stream', async () => {
    expect(await readStdin(Readable.from([Buffer.from('ab'), Buffer.from('c\n')]))).toBe('abc\n');
  });

  it('reads a piped key from the real stdin of a process', () => {
    const script = [
      "import { Command } from 'commander';",
      "import { registerKeysCommands } from './src/cli/keys.ts';",
      'const program = new Command();',
      'registerKeysCommands(program);',
      'await program.parseAsync(process.argv);',
    ].join('\n');
    const run = spawnSync(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script, 'cellar', 'keys', 'hash', '-'],
      { cwd: ROOT, input: 'demo-support-key\n', encoding: 'utf8', timeout: 60_000 },
    );
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(`${DEMO_HASH}\n`);
  });
});
