/**
 * The one table of Cellar's error codes. Every error the runtime raises or returns carries one of
 * these codes (`CELLAR_ERR_<AREA>_<WHAT>`), the HTTP status it maps to, and a default message.
 * `docs/errors.md` documents every code; a unit test checks that it does.
 *
 * Areas add codes in their own block, keeping the table sorted by area.
 */
export const ERROR_CODES = {
  // config and product specs
  CELLAR_ERR_CONFIG_INVALID: { status: 500, message: 'the configuration is invalid' },
  CELLAR_ERR_CONFIG_NOT_FOUND: { status: 500, message: 'the configuration file was not found' },
  CELLAR_ERR_SPEC_INVALID: { status: 400, message: 'the product spec is invalid' },

  // keys and codec
  CELLAR_ERR_KEY_MASTER_MISSING: { status: 500, message: 'no master key is configured' },
  CELLAR_ERR_KEY_MASTER_INVALID: { status: 500, message: 'the master key is malformed' },
  CELLAR_ERR_KEY_MASTER_WRONG: { status: 500, message: 'the master key does not open this key store' },
  CELLAR_ERR_KEY_NOT_FOUND: { status: 404, message: 'no data key exists for this entity' },
  CELLAR_ERR_KEY_MASTER_INSECURE: { status: 500, message: 'the master key file is readable by other users' },
  CELLAR_ERR_KEY_CORRUPT: { status: 500, message: 'a wrapped key in the key store failed authentication' },
  CELLAR_ERR_CODEC_FORMAT: { status: 500, message: 'the blob is not in a format this version can read' },
  CELLAR_ERR_CODEC_TAMPERED: { status: 500, message: 'the blob failed authentication: altered or moved' },
  CELLAR_ERR_CODEC_ROLLBACK: { status: 500, message: 'the blob is older than the version the store expects' },

  // store
  CELLAR_ERR_STORE_IO: { status: 503, message: 'the store could not be read or written' },
  CELLAR_ERR_STORE_CLOSED: { status: 503, message: 'the store is closed' },
  CELLAR_ERR_STORE_SCHEMA: {
    status: 500,
    message: 'the store file is not a Cellar store this version can use',
  },

  // micro-databases and entities
  CELLAR_ERR_PRODUCT_NOT_FOUND: { status: 404, message: 'no such data product' },
  CELLAR_ERR_ENTITY_NOT_FOUND: { status: 404, message: 'no such entity' },
  CELLAR_ERR_TABLE_NOT_FOUND: { status: 404, message: 'no such table in this product' },
  CELLAR_ERR_COLUMN_NOT_FOUND: { status: 400, message: 'no such column in this table' },
  CELLAR_ERR_MICRODB_IMAGE: { status: 500, message: 'the image is not a micro-DB of this product' },
  CELLAR_ERR_PRODUCT_MIGRATION: {
    status: 500,
    message: 'the product spec changed in a way its stored entities cannot follow',
  },

  // sync: change events that cannot be applied (they go to the dead-letter store)
  CELLAR_ERR_EVENT_DECODE: { status: 400, message: 'the change event could not be decoded' },
  CELLAR_ERR_EVENT_UNKNOWN_TABLE: {
    status: 400,
    message: 'the change event names a table the product does not map',
  },
  CELLAR_ERR_EVENT_TYPE: { status: 400, message: 'a value does not fit its column type' },
  CELLAR_ERR_EVENT_MISSING_KEY: { status: 400, message: 'the change event lacks a primary key or entity id' },
  CELLAR_ERR_EVENT_ORPHAN: { status: 400, message: 'the parent row never arrived' },
  CELLAR_ERR_EVENT_UNROUTABLE: { status: 400, message: 'no entity could be found for the row' },

  // sources
  CELLAR_ERR_SOURCE_CONFIG: { status: 500, message: 'the source is misconfigured' },
  CELLAR_ERR_SOURCE_UNAVAILABLE: { status: 503, message: 'the source cannot be reached' },

  // sync engine
  CELLAR_ERR_SYNC_STOPPED: { status: 503, message: 'the sync engine is stopped' },

  // audit log
  CELLAR_ERR_AUDIT_IO: { status: 503, message: 'the audit log could not be read or written' },
  CELLAR_ERR_AUDIT_CLOSED: { status: 503, message: 'the audit log is closed' },
  CELLAR_ERR_AUDIT_LOCKED: { status: 500, message: 'another writer holds the audit log directory' },
  CELLAR_ERR_AUDIT_CORRUPT: { status: 500, message: 'the audit log is damaged' },
  CELLAR_ERR_AUDIT_RECORD_INVALID: { status: 500, message: 'the audit record is invalid' },
  CELLAR_ERR_AUDIT_QUERY_INVALID: { status: 400, message: 'the audit query is invalid' },

  // auth
  CELLAR_ERR_AUTH_UNAUTHENTICATED: { status: 401, message: 'no valid credentials were presented' },
  CELLAR_ERR_AUTH_FORBIDDEN: { status: 403, message: 'no role of the caller allows this action' },
  CELLAR_ERR_AUTH_CONFIG: { status: 500, message: 'the auth configuration is invalid' },

  // query
  CELLAR_ERR_QUERY_REJECTED: { status: 400, message: 'the query is not an allowed read-only SELECT' },
  CELLAR_ERR_QUERY_INVALID: { status: 400, message: 'the query or its parameters are invalid' },
  CELLAR_ERR_QUERY_TIMEOUT: { status: 400, message: 'the query ran past its time limit' },
  CELLAR_ERR_QUERY_BUSY: { status: 503, message: 'too many queries are waiting to run' },

  // api
  CELLAR_ERR_REQUEST_INVALID: { status: 400, message: 'the request does not match the route schema' },
  CELLAR_ERR_REQUEST_TOO_LARGE: { status: 413, message: 'the request body is too large' },
  CELLAR_ERR_REQUEST_MEDIA_TYPE: { status: 415, message: 'the request body has an unsupported media type' },
  CELLAR_ERR_ROUTE_NOT_FOUND: { status: 404, message: 'no such route' },
  CELLAR_ERR_RATE_LIMITED: { status: 429, message: 'too many requests from this caller' },
  CELLAR_ERR_NOT_READY: { status: 503, message: 'the service is not ready' },

  // tokens, erasure and key rotation
  CELLAR_ERR_TOKEN_COLUMN: { status: 400, message: 'the column is not a tokenized column of this product' },
  CELLAR_ERR_TOKEN_BATCH: { status: 400, message: 'too many values or tokens in one request' },
  CELLAR_ERR_KEY_RETIRE_REFUSED: { status: 409, message: 'the master key version cannot be retired yet' },
  CELLAR_ERR_KEY_ROTATION: { status: 500, message: 'the key rotation cannot go on' },

  // generic
  CELLAR_ERR_INTERNAL: { status: 500, message: 'internal error' },
} as const satisfies Record<string, { readonly status: number; readonly message: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface CellarErrorOptions {
  /** What the caller can do about it. */
  readonly hint?: string;
  readonly cause?: unknown;
}

/** An error with a code from {@link ERROR_CODES}, a precise message, and an optional hint. */
export class CellarError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly hint: string | undefined;

  constructor(code: ErrorCode, detail?: string, options: CellarErrorOptions = {}) {
    const base = ERROR_CODES[code];
    super(detail ?? base.message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CellarError';
    this.code = code;
    this.status = base.status;
    this.hint = options.hint;
  }
}

/** True when `err` is a CellarError, optionally of the given code. */
export function isCellarError(err: unknown, code?: ErrorCode): err is CellarError {
  return err instanceof CellarError && (code === undefined || err.code === code);
}
