/** `GET /v1/products` (catalog) and `GET /v1/products/:product` (descriptor). Any principal. */
import type { Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { catalogEntry, descriptor } from '../catalog.js';
import { BEARER, ProductParams, responses } from '../schemas/common.js';
import { Catalog, Descriptor } from '../schemas/product.js';

export async function productRoutes(app: FastifyInstance): Promise<void> {
  const { runtime, engine } = app.cellar;

  app.get(
    '',
    {
      schema: {
        tags: ['products'],
        summary: 'the catalog: every data product, its entity count and freshness',
        security: [...BEARER],
        response: responses({ 200: Catalog }),
      },
    },
    async () => {
      const now = Date.now();
      const products = await Promise.all(
        runtime.products.list().map((p) => catalogEntry(p, runtime.blobs, engine?.stats, now)),
      );
      return { products };
    },
  );

  app.get<{ Params: Static<typeof ProductParams> }>(
    '/:product',
    {
      schema: {
        tags: ['products'],
        summary: "a product's descriptor: tables, columns, types, pii, masks per role, sources",
        security: [...BEARER],
        params: ProductParams,
        response: responses({ 200: Descriptor }),
      },
    },
    async (request) => descriptor(runtime.products.get(request.params.product)),
  );
}
