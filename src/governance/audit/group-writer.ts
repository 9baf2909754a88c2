/**
 * Group commit for the audit files. Lines enqueued within a short window (and while a write is in
 * progress) go to disk with one `write` and one `fdatasync` per file touched; each enqueuer's
 * promise resolves only after its line is durable.
 *
 * After any write error the writer is failed for good: the chain in memory has moved past lines
 * that may not be on disk, so carrying on would fork it. Every pending and later promise rejects
 * with the error; reopening the log recovers from what is on disk.
 */
import { type FileHandle, open } from 'node:fs/promises';
import { join } from 'node:path';
import { CellarError } from '../../errors.js';
import { auditFileName, ioError, syncDir } from './audit-files.js';

interface Waiter {
  readonly fileNumber: number;
  readonly data: Buffer;
  readonly resolve: () => void;
  readonly reject: (err: CellarError) => void;
}

export interface GroupWriterOptions {
  readonly dir: string;
  /** How long the first line of a batch waits for company, ms. 0 = the next event-loop turn. */
  readonly groupCommitMs: number;
  /** The file that exists already and is appended to (the others are created). */
  readonly existingFile: number | undefined;
}

/** Appends lines to numbered audit files in enqueue order, durably, in batches. */
export class GroupWriter {
  readonly #options: GroupWriterOptions;
  #queue: Waiter[] = [];
  #pending = 0;
  #writing = false;
  #scheduled = false;
  #failure: CellarError | undefined;
  #current: { readonly number: number; readonly handle: FileHandle } | undefined;
  /** Settles when everything enqueued so far is durable (or failed). */
  #last: Promise<void> = Promise.resolve();

  constructor(options: GroupWriterOptions) {
    this.#options = options;
  }

  /** Lines enqueued and not yet durable. */
  get pending(): number {
    return this.#pending;
  }

  /** The error that failed the writer, if any. */
  get failure(): CellarError | undefined {
    return this.#failure;
  }

  /** Queues `data` (whole lines) for file `fileNumber`; resolves once it is durable. */
  enqueue(fileNumber: number, data: Buffer): Promise<void> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    const done = new Promise<void>((resolve, reject) => {
      this.#queue.push({ fileNumber, data, resolve, reject });
    });
    this.#pending += 1;
    this.#last = done;
    this.#schedule();
    return done;
  }

  /** Resolves when everything enqueued so far is durable; rejects if the writer failed. */
  async flush(): Promise<void> {
    if (this.#failure !== undefined) throw this.#failure;
    await this.#last;
  }

  /** Flushes, then closes the open file. The writer accepts nothing more. */
  async close(): Promise<void> {
    try {
      await this.flush();
    } finally {
      this.#failure ??= new CellarError('CELLAR_ERR_AUDIT_CLOSED', 'the audit log is closed');
      const current = this.#current;
      this.#current = undefined;
      await current?.handle.close();
    }
  }

  #schedule(): void {
    if (this.#writing || this.#scheduled) return;
    this.#scheduled = true;
    const run = (): void => {
      this.#scheduled = false;
      void this.#drain();
    };
    if (this.#options.groupCommitMs <= 0) setImmediate(run);
    else setTimeout(run, this.#options.groupCommitMs);
  }

  async #drain(): Promise<void> {
    this.#writing = true;
    try {
      // Lines enqueued during a write form the next batch at once: they have waited already.
      while (this.#queue.length > 0 && this.#failure === undefined) {
        const batch = this.#queue;
        this.#queue = [];
        let start = 0;
        while (start < batch.length) {
          const fileNumber = batch[start]!.fileNumber;
          let end = start;
          while (end < batch.length && batch[end]!.fileNumber === fileNumber) end++;
          const group = batch.slice(start, end);
          try {
            await this.#write(fileNumber, group);
          } catch (err) {
            this.#fail(err, batch.slice(start));
            return;
          }
          this.#pending -= group.length;
          for (const waiter of group) waiter.resolve();
          start = end;
        }
      }
    } finally {
      this.#writing = false;
    }
  }

  async #write(fileNumber: number, group: readonly Waiter[]): Promise<void> {
    const handle = await this.#handleFor(fileNumber);
    const data = group.length === 1 ? group[0]!.data : Buffer.concat(group.map((w) => w.data));
    let written = 0;
    while (written < data.length) {
      const { bytesWritten } = await handle.write(data, written, data.length - written);
      written += bytesWritten;
    }
    await handle.datasync();
  }

  async #handleFor(fileNumber: number): Promise<FileHandle> {
    const current = this.#current;
    if (current?.number === fileNumber) return current.handle;
    if (current !== undefined) {
      this.#current = undefined;
      await current.handle.close();
    }
    const path = join(this.#options.dir, auditFileName(fileNumber));
    // Only the file found at open is appended to; a new file must not exist yet ('ax').
    const existing = fileNumber === this.#options.existingFile;
    const handle = await open(path, existing ? 'a' : 'ax', 0o600);
    this.#current = { number: fileNumber, handle };
    if (!existing) await syncDir(this.#options.dir);
    return handle;
  }

  #fail(cause: unknown, unwritten: readonly Waiter[]): void {
    const error =
      cause instanceof CellarError
        ? cause
        : ioError(`cannot write the audit log in ${this.#options.dir}`, cause);
    this.#failure = error;
    const rest = this.#queue;
    this.#queue = [];
    for (const waiter of [...unwritten, ...rest]) waiter.reject(error);
    this.#pending = 0;
  }
}
