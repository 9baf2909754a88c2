// Finds the system tools the integration tests need (PostgreSQL server binaries, librdkafka, a C
// toolchain) and builds the native Kafka mock launcher. Plain Node with no dependencies, because
// check-system.mjs runs it before anything else is known to work; the harness imports it too.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (two levels above this file). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The folder holding native sources and their Makefile. */
export const NATIVE_DIR = join(REPO_ROOT, 'native');
/** Path of the built Kafka mock cluster launcher. */
export const KAFKA_MOCK_PATH = join(NATIVE_DIR, 'build', 'kafka-mock');
/** Sources whose change makes the launcher stale. */
const NATIVE_SOURCES = ['kafka-mock.c', 'Makefile'].map((name) => join(NATIVE_DIR, name));

/** Runs a command and returns its trimmed stdout, or undefined when it cannot run or fails. */
function tryRun(command, args) {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

function hasServerBinaries(dir) {
  return existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'postgres'));
}

/**
 * The folder holding PostgreSQL's `initdb` and `postgres`, or undefined. Tries `pg_config --bindir`
 * first (on Debian it names the server folder even when only the client is installed, hence the
 * check for the binaries), then the newest `/usr/lib/postgresql/<major>/bin`.
 */
export function findPostgresBinDir() {
  const fromPgConfig = tryRun('pg_config', ['--bindir']);
  if (fromPgConfig && hasServerBinaries(fromPgConfig)) return fromPgConfig;
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const majors = readdirSync(root)
    .filter((name) => /^\d+(\.\d+)?$/.test(name))
    .sort((a, b) => Number.parseFloat(b) - Number.parseFloat(a));
  for (const major of majors) {
    const dir = join(root, major, 'bin');
    if (hasServerBinaries(dir)) return dir;
  }
  return undefined;
}

/** True when librdkafka's headers (with the mock cluster API) and library are installed. */
export function hasLibrdkafka() {
  if (existsSync('/usr/include/librdkafka/rdkafka_mock.h')) return true;
  return tryRun('pkg-config', ['--exists', 'rdkafka']) !== undefined;
}

/** True when a C compiler (`cc`) and `make` can run. */
export function hasCToolchain() {
  return tryRun('cc', ['--version']) !== undefined && tryRun('make', ['--version']) !== undefined;
}

/** True when `pkg-config` can run. */
export function hasPkgConfig() {
  return tryRun('pkg-config', ['--version']) !== undefined;
}

/** The installed librdkafka version as pkg-config reports it, or undefined. */
export function librdkafkaVersion() {
  return tryRun('pkg-config', ['--modversion', 'rdkafka']);
}

/** True when the launcher is missing or older than one of its sources. */
export function nativeBuildIsStale() {
  if (!existsSync(KAFKA_MOCK_PATH)) return true;
  const built = statSync(KAFKA_MOCK_PATH).mtimeMs;
  return NATIVE_SOURCES.some((source) => existsSync(source) && statSync(source).mtimeMs > built);
}

/**
 * Builds native/ with `make -C native`. `stdio` is passed to the child: 'inherit' shows the
 * compiler's output, 'pipe' keeps it and puts it in the thrown error. Throws when make fails.
 */
export function buildNative(stdio = 'pipe') {
  try {
    execFileSync('make', ['-C', NATIVE_DIR], { stdio: ['ignore', stdio, stdio], encoding: 'utf8' });
  } catch (err) {
    const output = [err.stdout, err.stderr].filter(Boolean).join('\n').trim();
    throw new Error(
      `building the Kafka mock launcher failed (make -C ${NATIVE_DIR}): ${err.message}${output ? `\n${output}` : ''}`,
      { cause: err },
    );
  }
}

/** Builds the launcher if it is missing or stale; returns true when it built. */
export function ensureNativeBuilt(stdio = 'pipe') {
  if (!nativeBuildIsStale()) return false;
  buildNative(stdio);
  return true;
}
