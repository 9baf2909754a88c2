/**
 * Messages between the query sandbox (parent) and a query worker process. The channel uses
 * Node's `advanced` (structured clone) serialization, so bigints and byte arrays cross as such.
 */

/** A value SQLite can bind. */
export type BindValue = bigint | number | string | Uint8Array | null;

/** Positional (`?`, `?1`) or named (`:name`, `@name`, `$name`, keys given without the sigil) parameters. */
export type BindParams = readonly BindValue[] | Readonly<Record<string, BindValue>>;

/** Parent → worker: run one query on a database image. */
export interface QueryRequest {
  readonly type: 'query';
  readonly id: number;
  /** A serialized SQLite database: the masked copy. */
  readonly image: Uint8Array;
  readonly sql: string;
  readonly params: BindParams;
  /** Rows returned at most; one more is read to tell whether there were more. */
  readonly maxRows: number;
  /** Approximate bytes of row data returned at most; rows beyond it are cut like extra rows. */
  readonly maxBytes: number;
}

/** Worker → parent, once, when it is ready to take requests. */
export interface ReadyMessage {
  readonly type: 'ready';
}

/** Worker → parent: the rows of a request. */
export interface QueryRows {
  readonly type: 'rows';
  readonly id: number;
  readonly columns: string[];
  readonly rows: unknown[][];
  readonly truncated: boolean;
}

/**
 * Worker → parent: the request failed. `invalid`: SQLite (or binding) refused it, `message` is
 * its own; `rejected`: the statement is not a read-only reader.
 */
export interface QueryFailure {
  readonly type: 'failure';
  readonly id: number;
  readonly kind: 'invalid' | 'rejected';
  readonly message: string;
}

export type WorkerMessage = ReadyMessage | QueryRows | QueryFailure;

/** Narrows a message received from a worker (anything else is a protocol error). */
export function isWorkerMessage(value: unknown): value is WorkerMessage {
  if (typeof value !== 'object' || value === null) return false;
  const type = (value as { readonly type?: unknown }).type;
  return type === 'ready' || type === 'rows' || type === 'failure';
}

/** Narrows a message received from the parent. */
export function isQueryRequest(value: unknown): value is QueryRequest {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<Record<keyof QueryRequest, unknown>>;
  return (
    v.type === 'query' &&
    typeof v.id === 'number' &&
    v.image instanceof Uint8Array &&
    typeof v.sql === 'string' &&
    typeof v.params === 'object' &&
    v.params !== null &&
    typeof v.maxRows === 'number' &&
    typeof v.maxBytes === 'number'
  );
}
