/**
 * `GET /healthz` (the process is up) and `GET /readyz` (it can serve: the store answers and the
 * sync sources are running). Neither needs credentials, nor says anything about entities.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { CellarError } from '../../errors.js';
import { responses } from '../schemas/common.js';
import { READY_SYNC_STATES } from '../sync-state.js';

const Health = Type.Object({ status: Type.Literal('ok') });

const Ready = Type.Object({
  status: Type.Literal('ready'),
  checks: Type.Object({
    store: Type.Literal('ok'),
    sync: Type.String({ description: 'starting, running, drained, stopped, failed, or none' }),
    audit: Type.Union([Type.Literal('on'), Type.Literal('off')]),
  }),
});

export async function healthRoutes(app: FastifyInstance): Promise<void> {
  const { runtime, syncState, audit } = app.cellar;

  app.get(
    '/healthz',
    { schema: { tags: ['operations'], summary: 'liveness', response: responses({ 200: Health }) } },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      schema: {
        tags: ['operations'],
        summary: 'readiness: store reachable and sources running',
        response: responses({ 200: Ready }),
      },
    },
    async () => {
      try {
        await runtime.blobs.positions();
      } catch (err) {
        throw new CellarError('CELLAR_ERR_NOT_READY', 'not ready: the store cannot be read', { cause: err });
      }
      const sync = syncState?.() ?? 'none';
      if (sync !== 'none' && !READY_SYNC_STATES.has(sync)) {
        throw new CellarError('CELLAR_ERR_NOT_READY', `not ready: the sync sources are ${sync}`);
      }
      return {
        status: 'ready' as const,
        checks: {
          store: 'ok' as const,
          sync,
          audit: audit === undefined ? ('off' as const) : ('on' as const),
        },
      };
    },
  );
}
