import type { ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';

/** How long a server child gets to exit after being asked to stop, in milliseconds. */
export const DEFAULT_STOP_GRACE_MS = 20_000;

/**
 * The last bytes a child wrote to a stream, kept in memory (never on disk: server logs may quote
 * row values) so that a failure can say what the server said.
 */
export class OutputTail {
  readonly #limit: number;
  #text = '';

  constructor(stream: Readable | null, limitBytes = 16_384) {
    this.#limit = limitBytes;
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      this.#text = (this.#text + chunk).slice(-this.#limit);
    });
  }

  /** What was kept, trimmed; empty when the child said nothing. */
  text(): string {
    return this.#text.trim();
  }
}

/** True once the child has exited (by code or signal). */
export function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** Resolves true when the child exits within `timeoutMs`, false otherwise. */
export function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (hasExited(child)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.off('exit', onExit);
      resolve(false);
    }, timeoutMs);
    const onExit = (): void => {
      clearTimeout(timer);
      resolve(true);
    };
    child.once('exit', onExit);
  });
}

/**
 * Lets the test process exit even while `child` runs: a harness server must never be what keeps a
 * test run alive. Its stdin pipe stays open, and its closing (when this process exits or dies) is
 * what tells the child to stop.
 */
export function detach(child: ChildProcess): void {
  // Writing to or closing the pipe of a child that already exited fails with EPIPE; that exit is
  // reported through 'exit', so the stream error carries nothing more.
  child.stdin?.on('error', () => {});
  child.unref();
  for (const stream of [child.stdin, child.stdout, child.stderr]) {
    (stream as unknown as { unref?: () => void } | null)?.unref?.();
  }
}

/** Undoes {@link detach} so that waiting for the child keeps the event loop alive. */
export function reattach(child: ChildProcess): void {
  child.ref();
  for (const stream of [child.stdin, child.stdout, child.stderr]) {
    (stream as unknown as { ref?: () => void } | null)?.ref?.();
  }
}

/**
 * Stops a server child started with a stdin pipe: closes stdin (its stop request), waits up to
 * `graceMs`, then sends SIGKILL. Resolves once it has exited. Idempotent.
 */
export async function closeAndWait(child: ChildProcess, graceMs = DEFAULT_STOP_GRACE_MS): Promise<void> {
  if (hasExited(child)) return;
  reattach(child);
  child.stdin?.end();
  if (await waitForExit(child, graceMs)) return;
  child.kill('SIGKILL');
  await waitForExit(child, 5_000);
}
