/**
 * Authentication of the `/v1` routes, in two steps so that rate limiting sits between them:
 * `onRequest` opens the access draft and resolves the `Authorization` header into
 * `request.principal` (or keeps the failure); the rate limiter then counts the request against
 * the principal, or the client address; `preValidation` refuses a request without a principal
 * with 401 — before its parameters are validated, and long before any entity is looked up.
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { CellarError, isCellarError } from '../../errors.js';
import { openAccessDraft } from '../audit/access-draft.js';

export const authentication = fp(
  async (app: FastifyInstance) => {
    const services = app.cellar;
    app.addHook('onRequest', async (request) => {
      openAccessDraft(request, services);
      try {
        const principal = await services.authenticator.authenticate(request.headers.authorization);
        request.principal = principal;
        if (request.access !== null) {
          request.access.principal = principal.name;
          request.access.roles = principal.roles;
        }
      } catch (err) {
        if (!isCellarError(err, 'CELLAR_ERR_AUTH_UNAUTHENTICATED')) throw err;
        request.authFailure = err;
      }
    });
    app.addHook('preValidation', async (request) => {
      if (request.principal === null) {
        throw (
          request.authFailure ?? new CellarError('CELLAR_ERR_AUTH_UNAUTHENTICATED', 'missing credentials')
        );
      }
    });
  },
  { name: 'cellar-authentication', fastify: '5.x', dependencies: ['cellar-services'] },
);
