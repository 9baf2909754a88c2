/**
 * The one error handler: every error becomes `{ "error": { "code", "message" } }` with the status
 * of its code, after the request's access record (if any) is written.
 *
 * - CellarError → its code and status. Below 500 its message is sent (messages name what was
 *   wrong, never entity data); from 500 up only the code's generic message, since detail there
 *   is for operators (logged, without the request's URL).
 * - Fastify's own errors: schema validation and malformed requests → CELLAR_ERR_REQUEST_INVALID;
 *   bodies too large or of an unknown media type → their codes.
 * - Anything else → 500 CELLAR_ERR_INTERNAL with no detail at all.
 * - Unknown routes → 404 CELLAR_ERR_ROUTE_NOT_FOUND.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { CellarError, ERROR_CODES, type ErrorCode, isCellarError } from '../../errors.js';
import { refusalOutcome, writeAccess } from '../audit/access-draft.js';

/** The JSON body of an error response. */
export function errorBody(code: ErrorCode, message: string): { error: { code: ErrorCode; message: string } } {
  return { error: { code, message } };
}

function isFastifyError(err: unknown): err is FastifyError {
  return err instanceof Error && typeof (err as { code?: unknown }).code === 'string';
}

/** What a thrown value is, as a CellarError the client may see (and whether it is a server fault). */
export function toCellarError(err: unknown): CellarError {
  if (isCellarError(err)) return err;
  if (isFastifyError(err)) {
    if (err.validation !== undefined) {
      return new CellarError('CELLAR_ERR_REQUEST_INVALID', `invalid request: ${err.message}`);
    }
    const status = err.statusCode ?? 500;
    if (status === 413) {
      return new CellarError(
        'CELLAR_ERR_REQUEST_TOO_LARGE',
        'the request body is larger than this route accepts',
      );
    }
    if (status === 415) {
      return new CellarError('CELLAR_ERR_REQUEST_MEDIA_TYPE', 'send the body as application/json');
    }
    if (status >= 400 && status < 500) {
      // Fastify's messages here describe the request's form (bad JSON, bad URL), not its data.
      return new CellarError('CELLAR_ERR_REQUEST_INVALID', `invalid request: ${err.message}`);
    }
  }
  return new CellarError('CELLAR_ERR_INTERNAL', ERROR_CODES.CELLAR_ERR_INTERNAL.message, { cause: err });
}

/**
 * Server-side conditions that are expected and whose messages hold no internal detail: sent as
 * they are and not logged as failures.
 */
const EXPECTED_5XX: ReadonlySet<ErrorCode> = new Set(['CELLAR_ERR_NOT_READY', 'CELLAR_ERR_QUERY_BUSY']);

function publicMessage(err: CellarError): string {
  return err.status >= 500 && !EXPECTED_5XX.has(err.code) ? ERROR_CODES[err.code].message : err.message;
}

async function handleError(
  this: FastifyInstance,
  raw: unknown,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  let err = toCellarError(raw);
  if (err.status >= 500 && !EXPECTED_5XX.has(err.code)) {
    // Operators get the detail; never the URL (it names entities), never the request body.
    const cause = err.code === 'CELLAR_ERR_INTERNAL' ? raw : err;
    request.log.error(
      { err: cause, route: request.routeOptions.url, method: request.method },
      'request failed',
    );
  }
  try {
    await writeAccess(request, this.cellar, refusalOutcome(err.code, err.status), err.status);
  } catch (auditErr) {
    // Without its record the response must not go out as if audited: report the audit failure.
    request.log.error({ err: auditErr, route: request.routeOptions.url }, 'audit record failed');
    err = isCellarError(auditErr) ? auditErr : new CellarError('CELLAR_ERR_AUDIT_IO');
  }
  return reply.code(err.status).send(errorBody(err.code, publicMessage(err)));
}

/** Installs the error and not-found handlers on the whole app. */
export const errorHandling = fp(
  async (app: FastifyInstance) => {
    app.setErrorHandler(handleError);
    app.setNotFoundHandler(async (request, reply) => {
      // The message leaves out the path: it may carry an entity id.
      return reply
        .code(404)
        .send(errorBody('CELLAR_ERR_ROUTE_NOT_FOUND', `no route matches ${request.method} on this path`));
    });
  },
  { name: 'cellar-error-handling', fastify: '5.x' },
);
