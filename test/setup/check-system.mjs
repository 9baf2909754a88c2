// Run by `npm test` before vitest: makes sure the machine can run the integration tests.
//
// Needs PostgreSQL's server binaries (unless DATABASE_URL names a server to use) and, for the
// Kafka mock cluster launcher (unless KAFKA_BROKERS names a cluster), librdkafka's headers and
// library, a C compiler, make and pkg-config. As root on Debian it installs what is missing with
// apt-get; anywhere else it exits 1 with one message naming what to install. Then it builds
// native/ when the launcher is missing or older than its sources.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import {
  ensureNativeBuilt,
  findPostgresBinDir,
  hasCToolchain,
  hasLibrdkafka,
  hasPkgConfig,
  librdkafkaVersion,
} from './system-probe.mjs';

const PREFIX = 'check-system:';
const needPostgres = !process.env.DATABASE_URL;
const needKafka = !process.env.KAFKA_BROKERS;

/** What is missing, as Debian packages with the reason each is needed. */
function missingPackages() {
  const missing = [];
  if (needPostgres && !findPostgresBinDir()) {
    missing.push({ pkg: 'postgresql', why: 'PostgreSQL server binaries (initdb, postgres)' });
  }
  if (needKafka) {
    if (!hasLibrdkafka()) missing.push({ pkg: 'librdkafka-dev', why: 'librdkafka headers and library' });
    if (!hasCToolchain()) missing.push({ pkg: 'build-essential', why: 'a C compiler and make' });
    if (!hasPkgConfig()) missing.push({ pkg: 'pkg-config', why: 'pkg-config' });
  }
  return missing;
}

function canInstall() {
  return process.getuid?.() === 0 && existsSync('/etc/debian_version');
}

function install(packages) {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '--no-install-recommends', ...packages], {
    stdio: 'inherit',
    env,
  });
}

function fail(missing) {
  const what = missing.map((m) => m.why).join(', ');
  const pkgs = missing.map((m) => m.pkg).join(' ');
  console.error(
    `${PREFIX} missing ${what}. Install them (Debian/Ubuntu: sudo apt-get install -y ${pkgs}), ` +
      'or point the tests at running servers with DATABASE_URL and KAFKA_BROKERS (see docs/testing.md).',
  );
  process.exit(1);
}

let missing = missingPackages();
if (missing.length > 0) {
  if (!canInstall()) fail(missing);
  const pkgs = missing.map((m) => m.pkg);
  console.log(`${PREFIX} installing ${pkgs.join(' ')} (missing: ${missing.map((m) => m.why).join(', ')})`);
  try {
    install(pkgs);
  } catch (err) {
    console.error(`${PREFIX} apt-get failed: ${err.message}`);
    fail(missing);
  }
  missing = missingPackages();
  if (missing.length > 0) fail(missing);
}

if (needKafka) {
  try {
    if (ensureNativeBuilt('inherit')) console.log(`${PREFIX} built native/build/kafka-mock`);
  } catch (err) {
    console.error(`${PREFIX} ${err.message}`);
    process.exit(1);
  }
}

const postgres = needPostgres
  ? `PostgreSQL binaries in ${findPostgresBinDir()}`
  : 'PostgreSQL from DATABASE_URL';
const kafka = needKafka
  ? `librdkafka ${librdkafkaVersion() ?? '(version unknown)'} mock cluster`
  : 'Kafka from KAFKA_BROKERS';
console.log(`${PREFIX} ok: ${postgres}; ${kafka}`);
