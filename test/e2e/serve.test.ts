/**
 * `cellar serve` as a user runs it: a child process on a free port over a copy of the demo
 * config; ready, serving Ada masked to support, stopped by SIGTERM with exit code 0 and an
 * intact audit log.
 */
import type { ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { findFreePort } from '../integration/harness/free-port.js';
import { runCli, startCli } from '../support/cli.js';
import { copyDemo, DEMO_KEYS } from './support/demo-service.js';

const demo = copyDemo();
let child: ChildProcess | undefined;
afterAll(() => {
  child?.kill('SIGKILL');
  demo.cleanup();
});

/** Resolves with the first stdout line matching `pattern`; rejects if the process exits first. */
function waitForLine(proc: ChildProcess, pattern: RegExp, stderr: () => string): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    proc.stdout?.setEncoding('utf8');
    proc.stdout?.on('data', (chunk: string) => {
      buffer += chunk;
      const line = buffer.split('\n').find((l) => pattern.test(l));
      if (line !== undefined) resolve(line);
    });
    proc.once('exit', (code) =>
      reject(new Error(`cellar serve exited (${code}) before listening:\n${stderr()}`)),
    );
  });
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('cellar serve', () => {
  it('listens, serves Ada masked to support, and shuts down cleanly on SIGTERM', async () => {
    const port = await findFreePort();
    const proc = startCli(['serve', '--config', demo.configFile], {
      CELLAR_PORT: String(port),
      CELLAR_LOG_LEVEL: 'warn',
    });
    child = proc;
    let stderr = '';
    proc.stderr?.setEncoding('utf8');
    proc.stderr?.on('data', (chunk: string) => {
      stderr += chunk;
    });
    const line = await waitForLine(proc, /^cellar: serving/, () => stderr);
    const base = `http://127.0.0.1:${port}`;
    expect(line).toContain(base);

    await until('readiness', async () => ((await fetch(`${base}/readyz`)).ok ? true : undefined));
    const ada = await until('Ada', async () => {
      const res = await fetch(`${base}/v1/products/customer360/entities/1001`, {
        headers: { authorization: `Bearer ${DEMO_KEYS.support}` },
      });
      return res.ok ? ((await res.json()) as { data: { customers: Record<string, unknown> } }) : undefined;
    });
    expect(ada.data.customers).toMatchObject({ first_name: 'A**', email: 'a***@example.com', ssn: '****' });

    const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
    proc.kill('SIGTERM');
    expect(await exited, stderr).toBe(0);
    child = undefined;

    const verify = runCli(['audit', 'verify', '--config', demo.configFile]);
    expect(verify.status, verify.stderr).toBe(0);
    expect(verify.stdout).toMatch(/^intact: \d+ records/);
    const records = demo.auditRecords();
    expect(records.at(-1)).toMatchObject({ kind: 'checkpoint', cause: 'close' });
    expect(records.some((r) => r.kind === 'access' && r.outcome === 'allowed')).toBe(true);
  });
});
