/**
 * `cellar keys …`: API key helpers.
 *
 * `cellar keys hash [KEY]` prints `sha256:<hex>`, the form `auth.apiKeys[].hash` takes. With
 * `-` the key is read from stdin (so it stays out of shell history and `ps`); with no KEY a new
 * key is generated and printed with its hash, once.
 */
import type { Command } from 'commander';
import { generateApiKey, hashApiKey } from '../api/auth/api-keys.js';
import { looksLikeJwt, MAX_BEARER_CHARS } from '../api/auth/bearer.js';
import { CellarError } from '../errors.js';
import { type Output, stdio } from './output.js';

/** Keys shorter than this draw a warning: only long random keys are safe behind a fast hash. */
export const SHORT_KEY_CHARS = 32;

/** Reads all of stdin as UTF-8. */
export async function readStdin(stream: NodeJS.ReadableStream = process.stdin): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}

/** Why a key could never be presented as a bearer API key, or undefined when it can. */
function keyProblem(key: string): string | undefined {
  if (key === '') return 'the key is empty';
  if (/\s/.test(key)) return 'the key contains whitespace, which a bearer token cannot carry';
  if (looksLikeJwt(key))
    return 'the key looks like a JWT (three dot-separated parts) and would be verified as one';
  if (key.length > MAX_BEARER_CHARS) return `the key is longer than ${MAX_BEARER_CHARS} characters`;
  return undefined;
}

/**
 * Runs `cellar keys hash [KEY]`: prints the hash of KEY (of stdin for `-`, one trailing newline
 * removed), or generates a key and prints `key: …` and `hash: …`. Notes go to stderr.
 *
 * @throws CellarError CELLAR_ERR_AUTH_CONFIG when the key could not be used as a bearer token.
 */
export async function runKeysHash(
  key: string | undefined,
  output: Output,
  stdin: () => Promise<string> = () => readStdin(),
): Promise<void> {
  if (key === undefined) {
    const generated = generateApiKey();
    output.out(`key:  ${generated}`);
    output.out(`hash: ${hashApiKey(generated)}`);
    output.err(
      'note: the key is shown only this once; hand it to its user now and put the hash in auth.apiKeys',
    );
    return;
  }
  const text = key === '-' ? (await stdin()).replace(/\r?\n$/, '') : key;
  const problem = keyProblem(text);
  if (problem !== undefined) {
    throw new CellarError('CELLAR_ERR_AUTH_CONFIG', `cannot hash this API key: ${problem}`, {
      hint: 'run `cellar keys hash` without KEY to generate a suitable key',
    });
  }
  output.out(hashApiKey(text));
  if (text.length < SHORT_KEY_CHARS) {
    output.err(
      `note: keys shorter than ${SHORT_KEY_CHARS} characters can be guessed; outside demos, generate one`,
    );
  }
}

/** Registers `cellar keys hash`. */
export function registerKeysCommands(program: Command, output: Output = stdio): void {
  const keys = program.command('keys').description('API keys for the HTTP API (auth.apiKeys)');

  keys
    .command('hash')
    .description('print the sha256: hash of an API key for auth.apiKeys; with no KEY, generate a key')
    .argument('[key]', 'the key, or - to read it from stdin (keeps it out of shell history)')
    .action(async (key: string | undefined) => {
      await runKeysHash(key, output);
    });
}
