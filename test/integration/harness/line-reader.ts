import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

/**
 * Hands out the lines of a stream one at a time, in order, to callers that await them. Lines that
 * arrive while nobody waits are queued.
 */
export class LineReader {
  readonly #queued: string[] = [];
  readonly #waiters: Array<(line: string | undefined) => void> = [];
  #closed = false;

  constructor(stream: Readable) {
    const lines = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
    lines.on('line', (line) => {
      const waiter = this.#waiters.shift();
      if (waiter) waiter(line);
      else this.#queued.push(line);
    });
    lines.on('close', () => {
      this.#closed = true;
      for (const waiter of this.#waiters.splice(0)) waiter(undefined);
    });
  }

  /**
   * The next line; undefined once the stream has ended. Rejects when no line comes within
   * `timeoutMs` (and then that line, if it comes later, goes to the next caller).
   */
  next(timeoutMs: number): Promise<string | undefined> {
    const queued = this.#queued.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    if (this.#closed) return Promise.resolve(undefined);
    return new Promise((resolve, reject) => {
      const waiter = (line: string | undefined): void => {
        clearTimeout(timer);
        resolve(line);
      };
      const timer = setTimeout(() => {
        const index = this.#waiters.indexOf(waiter);
        if (index >= 0) this.#waiters.splice(index, 1);
        reject(new Error(`no line within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#waiters.push(waiter);
    });
  }
}
