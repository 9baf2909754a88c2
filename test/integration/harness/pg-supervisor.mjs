// Runs one throwaway PostgreSQL server for the test harness and removes its folder afterwards.
//
//   node pg-supervisor.mjs '<json>'   with json = { postgres, args, cwd, uid?, gid?, removeDir }
//
// postgres.ts starts this with a stdin pipe. The server gets a fast shutdown (SIGINT) and
// `removeDir` is deleted when any of these happens: stdin reaches EOF (the test process closed it
// or died, even by SIGKILL), this process gets SIGTERM/SIGINT/SIGHUP, or its parent goes away. It
// exits 0 after a requested stop and 1 when the server exited by itself. The server's output is
// passed through on stdout/stderr, never written to a file. Plain Node so that it starts fast.
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';

/** How long a fast shutdown may take before an immediate one (SIGQUIT), then SIGKILL. */
const FAST_SHUTDOWN_MS = 10_000;
const IMMEDIATE_SHUTDOWN_MS = 5_000;
/** How often the parent pid is checked, in milliseconds. */
const PARENT_CHECK_MS = 500;

const config = JSON.parse(process.argv[2] ?? '{}');
if (
  typeof config.postgres !== 'string' ||
  !Array.isArray(config.args) ||
  typeof config.removeDir !== 'string'
) {
  process.stderr.write('pg-supervisor: expected one JSON argument { postgres, args, cwd, removeDir }\n');
  process.exit(2);
}

const server = spawn(config.postgres, config.args, {
  cwd: config.cwd,
  stdio: ['ignore', 'inherit', 'inherit'],
  ...(typeof config.uid === 'number' ? { uid: config.uid } : {}),
  ...(typeof config.gid === 'number' ? { gid: config.gid } : {}),
});

let stopRequested = false;

function stop() {
  if (stopRequested) return;
  stopRequested = true;
  if (server.exitCode !== null || server.signalCode !== null) return;
  server.kill('SIGINT');
  setTimeout(() => server.kill('SIGQUIT'), FAST_SHUTDOWN_MS).unref();
  setTimeout(() => server.kill('SIGKILL'), FAST_SHUTDOWN_MS + IMMEDIATE_SHUTDOWN_MS).unref();
}

function finish(code) {
  try {
    rmSync(config.removeDir, { recursive: true, force: true });
  } catch (err) {
    process.stderr.write(`pg-supervisor: could not remove ${config.removeDir}: ${err.message}\n`);
  }
  process.exit(code);
}

server.on('error', (err) => {
  process.stderr.write(`pg-supervisor: could not start ${config.postgres}: ${err.message}\n`);
  finish(1);
});
server.on('exit', () => finish(stopRequested ? 0 : 1));

process.stdin.on('end', stop);
process.stdin.on('error', stop);
process.stdin.resume();
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(signal, stop);
// The test process owns the other end of stdout/stderr too: once it is gone, writes would fail.
process.stdout.on('error', () => {});
process.stderr.on('error', () => {});

const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) stop();
}, PARENT_CHECK_MS).unref();
