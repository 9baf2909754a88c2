import { open } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { CellarError, isCellarError } from '../../errors.js';
import type { Product, SourceDef } from '../../product/types.js';
import type { ChangeBatch, ChangeEvent, RejectedInput, SourcePosition } from '../../sync/change-event.js';
import type { Connector, ConnectorContext } from '../connector.js';
import { decodeDebezium } from '../debezium/decode.js';
import type { DecodeOptions } from '../debezium/decode-types.js';
import { JsonSyntaxError, parseJsonExact } from '../debezium/exact-json.js';
import { tableLookup } from '../debezium/table-lookup.js';
import { type FileSourceOptions, fileSourceOptions } from './file-source-options.js';

/** Events (and rejected lines) handed to the engine per batch, by default. */
export const DEFAULT_FILE_BATCH_SIZE = 1000;

export interface FileConnectorOptions {
  /** Most items (events plus rejected lines) per delivered batch. Default {@link DEFAULT_FILE_BATCH_SIZE}. */
  readonly batchSize?: number;
}

/**
 * A bounded source reading Debezium JSON, one message per line, from a file — the embedded demo's
 * sample data, replays of captured topics, and tests.
 *
 * - Stream `<product>/<source>`; a line's token is its 1-based line number, its order the same as
 *   a bigint. On start it skips every line up to the stored token, so nothing is delivered twice
 *   and nothing is lost.
 * - Reads with a stream, a line at a time; delivers batches of up to `batchSize` items and awaits
 *   each `deliver` before reading on (backpressure).
 * - Blank lines and messages without a row change (tombstones, transaction markers) are passed
 *   over; invalid JSON and undecodable messages are delivered as {@link RejectedInput}s.
 * - `start` resolves at the end of the file (a file is bounded, so `ctx.follow` changes nothing),
 *   or early, without delivering the partial batch, when `ctx.signal` aborts or `stop` is called.
 * - `acknowledge` does nothing: a file needs no upstream acknowledgement; the engine keeps the
 *   token.
 *
 * Caveat: resuming re-reads (without decoding) the lines before the token; a file must only grow
 * by appending, since line numbers are the positions.
 */
export class FileConnector implements Connector {
  readonly name: string;
  /** The one stream this source writes positions for. */
  readonly stream: string;
  private readonly options: FileSourceOptions;
  private readonly decodeOptions: DecodeOptions;
  private readonly batchSize: number;
  private run: AbortController | undefined;

  constructor(product: Product, source: SourceDef, opts: FileConnectorOptions = {}) {
    this.options = fileSourceOptions(product, source);
    this.name = `${product.name}/${source.name}`;
    this.stream = this.name;
    this.decodeOptions = { format: this.options.format, tableFor: tableLookup(this.options.tables) };
    const batchSize = opts.batchSize ?? DEFAULT_FILE_BATCH_SIZE;
    if (!Number.isSafeInteger(batchSize) || batchSize < 1) {
      throw new CellarError(
        'CELLAR_ERR_SOURCE_CONFIG',
        `source ${this.name}: batchSize must be a positive integer`,
      );
    }
    this.batchSize = batchSize;
  }

  async start(ctx: ConnectorContext): Promise<void> {
    if (this.run !== undefined) {
      throw new CellarError('CELLAR_ERR_INTERNAL', `connector ${this.name} is already running`);
    }
    const run = new AbortController();
    this.run = run;
    try {
      await this.readFile(ctx, AbortSignal.any([ctx.signal, run.signal]));
    } finally {
      this.run = undefined;
    }
  }

  async acknowledge(_positions: ReadonlyMap<string, string>): Promise<void> {}

  async stop(): Promise<void> {
    this.run?.abort();
  }

  private async readFile(ctx: ConnectorContext, signal: AbortSignal): Promise<void> {
    const resumeAfter = this.resumeLine(ctx.positions.get(this.stream));
    if (signal.aborted) return;
    const handle = await open(this.options.path, 'r').catch((err: unknown) => {
      throw new CellarError(
        'CELLAR_ERR_SOURCE_UNAVAILABLE',
        `source ${this.name} cannot open ${this.options.path}`,
        {
          cause: err,
          hint: 'generate the sample with `npm run sample`, or fix the source path',
        },
      );
    });
    const input = handle.createReadStream({ encoding: 'utf8' });
    const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
    const onAbort = () => lines.close();
    signal.addEventListener('abort', onAbort, { once: true });
    let events: ChangeEvent[] = [];
    let rejected: RejectedInput[] = [];
    let lineNumber = 0;
    let delivering = false;
    const deliver = async (batch: ChangeBatch): Promise<void> => {
      delivering = true;
      await ctx.deliver(batch);
      delivering = false;
    };
    try {
      for await (const text of lines) {
        if (signal.aborted) return;
        lineNumber++;
        if (lineNumber <= resumeAfter) continue;
        const line = lineNumber === 1 ? text.replace(/^\uFEFF/, '') : text;
        if (line.trim() === '') continue;
        const position: SourcePosition = {
          stream: this.stream,
          token: String(lineNumber),
          order: BigInt(lineNumber),
        };
        this.decodeLine(line, position, events, rejected);
        if (events.length + rejected.length >= this.batchSize) {
          await deliver({ events, rejected });
          events = [];
          rejected = [];
        }
      }
      if (!signal.aborted && events.length + rejected.length > 0) await deliver({ events, rejected });
    } catch (err) {
      // The engine's own failures pass through as they are; only reading failures are wrapped.
      if (delivering || isCellarError(err)) throw err;
      throw new CellarError(
        'CELLAR_ERR_SOURCE_UNAVAILABLE',
        `source ${this.name} failed reading ${this.options.path}`,
        {
          cause: err,
        },
      );
    } finally {
      signal.removeEventListener('abort', onAbort);
      lines.close();
      input.destroy(); // closing the interface only pauses its input
      await handle.close();
    }
  }

  /** Decodes one line into `events` or `rejected`; a skipped message adds nothing. */
  private decodeLine(
    line: string,
    position: SourcePosition,
    events: ChangeEvent[],
    rejected: RejectedInput[],
  ): void {
    let value: unknown;
    try {
      value = parseJsonExact(line);
    } catch (err) {
      const detail = err instanceof JsonSyntaxError ? `: ${err.message}` : '';
      rejected.push({
        position,
        raw: line,
        code: 'CELLAR_ERR_EVENT_DECODE',
        reason: `not valid JSON${detail}`,
      });
      return;
    }
    const result = decodeDebezium(value, this.decodeOptions);
    if (result.kind === 'event') events.push({ ...result.event, position });
    else if (result.kind === 'error')
      rejected.push({ position, raw: line, code: result.code, reason: result.reason });
  }

  /** The line number to resume after: 0 when there is no stored token. */
  private resumeLine(token: string | undefined): number {
    if (token === undefined) return 0;
    const line = /^\d+$/.test(token) ? Number(token) : Number.NaN;
    if (!Number.isSafeInteger(line)) {
      throw new CellarError(
        'CELLAR_ERR_SOURCE_CONFIG',
        `source ${this.name}: the stored position is not a line number`,
        { hint: 'the stream name may be shared with another source; give each source its own name' },
      );
    }
    return line;
  }
}

/** Creates the connector for a `file` source of a product. Throws CELLAR_ERR_SOURCE_CONFIG on bad options. */
export function createFileConnector(
  product: Product,
  source: SourceDef,
  opts?: FileConnectorOptions,
): FileConnector {
  return new FileConnector(product, source, opts);
}
