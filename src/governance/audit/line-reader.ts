/**
 * Streaming line readers over a log file, forwards (verify) and backwards (queries, tail
 * recovery). Lines are split on `\n` only; a last line without its `\n` is reported as
 * unterminated, which for the audit log means a torn write.
 */
import { createReadStream } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';

/** Longest line accepted, in bytes; longer ones are reported as oversized, not buffered. */
export const MAX_LINE_BYTES = 32 * 1024 * 1024;
const CHUNK_BYTES = 64 * 1024;
const NEWLINE = 0x0a;

export interface FileLine {
  /** 1-based line number (forward reading only; 0 when reading backwards). */
  readonly number: number;
  /** Byte offset of the line's first byte in the file. */
  readonly offset: number;
  readonly text: string;
  /** False for a last line that lacks its `\n`. */
  readonly terminated: boolean;
  /** The line was longer than {@link MAX_LINE_BYTES}; `text` is empty. */
  readonly oversized: boolean;
}

/** Reads `path` front to back without holding more than one line in memory. */
export async function* readLinesForward(path: string): AsyncGenerator<FileLine> {
  const stream = createReadStream(path, { highWaterMark: CHUNK_BYTES });
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let oversized = false;
  let lineStart = 0;
  let position = 0;
  let number = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      let from = 0;
      for (;;) {
        const nl = chunk.indexOf(NEWLINE, from);
        const end = nl === -1 ? chunk.length : nl;
        if (!oversized) {
          if (pendingBytes + (end - from) > MAX_LINE_BYTES) {
            oversized = true;
            pending = [];
          } else {
            pending.push(chunk.subarray(from, end));
          }
        }
        pendingBytes += end - from;
        if (nl === -1) break;
        number += 1;
        yield line(number, lineStart, pending, oversized, true);
        lineStart = position + nl + 1;
        pending = [];
        pendingBytes = 0;
        oversized = false;
        from = nl + 1;
      }
      position += chunk.length;
    }
    if (pendingBytes > 0) {
      number += 1;
      yield line(number, lineStart, pending, oversized, false);
    }
  } finally {
    stream.destroy();
  }
}

function line(
  number: number,
  offset: number,
  parts: Buffer[],
  oversized: boolean,
  terminated: boolean,
): FileLine {
  const text = oversized ? '' : Buffer.concat(parts).toString('utf8');
  return { number, offset, text, terminated, oversized };
}

/**
 * Reads `path` back to front, newest line first, as the file stood when reading began. An
 * unterminated last line comes first, flagged. Line numbers are not known (0).
 */
export async function* readLinesBackward(path: string): AsyncGenerator<FileLine> {
  const handle = await open(path, 'r');
  try {
    let position = (await handle.stat()).size;
    // Bytes from the start of the current read window up to the end of the last line still owed.
    let carry: Buffer = Buffer.alloc(0);
    let atEnd = true;
    while (position > 0) {
      const size = Math.min(CHUNK_BYTES, position);
      position -= size;
      const chunk = Buffer.alloc(size);
      await readFully(handle, chunk, position);
      const data = carry.length === 0 ? chunk : Buffer.concat([chunk, carry]);
      let end = data.length;
      for (let i = data.length - 1; i >= 0; i--) {
        if (data[i] !== NEWLINE) continue;
        if (!atEnd || i + 1 < end) yield backwardLine(data, i + 1, end, position, !atEnd);
        atEnd = false;
        end = i;
      }
      carry = Buffer.from(data.subarray(0, end));
      if (carry.length > MAX_LINE_BYTES) {
        yield { number: 0, offset: position, text: '', terminated: !atEnd, oversized: true };
        return;
      }
    }
    if (carry.length > 0 || !atEnd) yield backwardLine(carry, 0, carry.length, 0, !atEnd);
  } finally {
    await handle.close();
  }
}

function backwardLine(data: Buffer, start: number, end: number, base: number, terminated: boolean): FileLine {
  return {
    number: 0,
    offset: base + start,
    text: data.subarray(start, end).toString('utf8'),
    terminated,
    oversized: false,
  };
}

async function readFully(handle: FileHandle, into: Buffer, position: number): Promise<void> {
  let done = 0;
  while (done < into.length) {
    const { bytesRead } = await handle.read(into, done, into.length - done, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
}
