/**
 * What a query worker does with one request: open the image, lock it read-only, prepare, check,
 * bind and read at most `maxRows` rows as JSON-safe values. Runs inside the worker process.
 */
import Database from 'better-sqlite3';
import type { BindValue, QueryFailure, QueryRequest, QueryRows } from './query-protocol.js';
import { jsonSafe, jsonSize } from './query-values.js';

function failure(request: QueryRequest, kind: QueryFailure['kind'], message: string): QueryFailure {
  return { type: 'failure', id: request.id, kind, message };
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Runs one request; never throws (every failure becomes a {@link QueryFailure}). */
export function runQuery(request: QueryRequest): QueryRows | QueryFailure {
  let db: Database.Database | undefined;
  try {
    const image = Buffer.from(request.image.buffer, request.image.byteOffset, request.image.byteLength);
    db = new Database(image);
    // Temp data (sorts, materialized CTEs) stays in memory: a clear role's copy holds plaintext.
    db.pragma('temp_store = MEMORY');
    db.pragma('trusted_schema = OFF');
    db.pragma('query_only = ON');
    let statement: Database.Statement;
    try {
      statement = db.prepare(request.sql);
    } catch (err) {
      return failure(request, 'invalid', errorMessage(err));
    }
    if (!statement.reader || !statement.readonly) {
      return failure(request, 'rejected', 'the statement is not a read-only query returning rows');
    }
    statement.safeIntegers(true).raw(true);
    const columns = statement.columns().map((c) => c.name);
    const params = request.params;
    const iterator = Array.isArray(params)
      ? statement.iterate(...(params as BindValue[]))
      : statement.iterate(params as Record<string, BindValue>);
    const rows: unknown[][] = [];
    let bytes = 0;
    let truncated = false;
    for (const raw of iterator as Iterable<unknown[]>) {
      const row = raw.map(jsonSafe);
      bytes += row.reduce((sum: number, value) => sum + jsonSize(value), 2);
      if (rows.length >= request.maxRows || bytes > request.maxBytes) {
        truncated = true;
        break; // ends the iterator, which resets the statement
      }
      rows.push(row);
    }
    return { type: 'rows', id: request.id, columns, rows, truncated };
  } catch (err) {
    return failure(request, 'invalid', errorMessage(err));
  } finally {
    db?.close();
  }
}
