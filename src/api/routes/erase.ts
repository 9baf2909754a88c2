/**
 * `DELETE /v1/products/:product/entities/:id`: erase one entity by crypto-shredding, for roles
 * with `erase` (docs/erasure.md). Checked before anything about the entity is learnt; the answer
 * is the same shape whether or not it existed (`erased` says which), and either way the entity is
 * suppressed: later source events for it are dropped. Runs through the sync engine's queue when
 * this process syncs. Audited (action `erase`).
 */
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { authorize } from '../../governance/access/access-policy.js';
import { eraseEntity } from '../../governance/erasure/erase-entity.js';
import { storeWork } from '../../governance/tokens/store-work.js';
import { writeAccess } from '../audit/access-draft.js';
import { BEARER, EntityParams, responses } from '../schemas/common.js';
import { principalOf } from './route-access.js';

const EraseResponse = Type.Object(
  {
    product: Type.String(),
    id: Type.String(),
    erased: Type.Boolean({ description: 'true when data of the entity was stored and is now destroyed' }),
    suppressed: Type.Boolean({ description: 'always true: later source events for the entity are dropped' }),
  },
  { additionalProperties: false },
);

export async function eraseRoutes(app: FastifyInstance): Promise<void> {
  const { runtime, engine } = app.cellar;
  const work = storeWork(runtime, engine);

  app.delete<{ Params: Static<typeof EntityParams> }>(
    '/:product/entities/:id',
    {
      config: { audit: 'erase' },
      schema: {
        tags: ['products'],
        summary:
          'erase one entity: destroy its data key, delete its data, drop its later events (roles with erase)',
        security: [...BEARER],
        params: EntityParams,
        response: responses({ 200: EraseResponse }),
      },
    },
    async (request) => {
      const product = runtime.products.get(request.params.product);
      authorize(product, principalOf(request), 'erase');
      const result = await eraseEntity(runtime, product.name, request.params.id, { work });
      await writeAccess(request, app.cellar, result.erased ? 'allowed' : 'not-found', 200);
      return { product: product.name, id: request.params.id, erased: result.erased, suppressed: true };
    },
  );
}
