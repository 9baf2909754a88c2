/**
 * Tokenization over HTTP (docs/tokens.md):
 *
 * - `POST /v1/products/:product/entities/:id/tokens` `{ column, values }` → `{ product, column,
 *   tokens }`: issues a token for each value into that entity's vault. Needs the `detokenize`
 *   right on the product: a role that may exchange tokens for values may also issue them (the
 *   spec has no separate right). Checked before the entity is looked up.
 * - `POST /v1/detokenize` `{ tokens }` → `{ results: [{ token, status, value? }] }`, in order:
 *   `ok` with the value, `not-found`, or `denied` when none of the caller's roles may detokenize
 *   the token's product. A caller who may detokenize no product at all is refused (403).
 *
 * Both are audited: tokenize as one access record, detokenize as one per entity (or refused
 * product) the tokens led to — entity hashes, never tokens or values.
 */
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { CellarError, isCellarError } from '../../errors.js';
import { authorize } from '../../governance/access/access-policy.js';
import type { Principal } from '../../governance/access/principal.js';
import { TokenService } from '../../governance/tokens/token-service.js';
import type { Product } from '../../product/types.js';
import { writeAccess } from '../audit/access-draft.js';
import { auditName, auditNames } from '../audit/audit-names.js';
import { BEARER, EntityParams, responses } from '../schemas/common.js';
import { principalOf } from './route-access.js';

/** Longest value accepted for tokenizing, characters. */
export const MAX_TOKENIZE_VALUE_CHARS = 4096;
/** Longest token accepted for detokenizing, characters. */
export const MAX_TOKEN_CHARS = 4096;

const TokenizeBody = Type.Object(
  {
    column: Type.String({
      minLength: 1,
      maxLength: 257,
      description: 'a tokenized column: table.column, or column when unambiguous',
    }),
    values: Type.Array(Type.String({ maxLength: MAX_TOKENIZE_VALUE_CHARS }), {
      description: 'values to tokenize: from 1 to tokens.maxBatch (default 1000)',
    }),
  },
  { additionalProperties: false },
);

const TokenizeResponse = Type.Object(
  {
    product: Type.String(),
    column: Type.String({ description: 'the column as table.column' }),
    tokens: Type.Array(Type.String(), { description: 'one token per value, in order' }),
  },
  { additionalProperties: false },
);

const DetokenizeBody = Type.Object(
  {
    tokens: Type.Array(Type.String({ minLength: 1, maxLength: MAX_TOKEN_CHARS }), {
      description: 'tokens to exchange: from 1 to tokens.maxBatch (default 1000)',
    }),
  },
  { additionalProperties: false },
);

const DetokenizeResponse = Type.Object(
  {
    results: Type.Array(
      Type.Object(
        {
          token: Type.String(),
          status: Type.Union([Type.Literal('ok'), Type.Literal('not-found'), Type.Literal('denied')]),
          value: Type.Optional(Type.String({ description: 'the value, when status is ok' })),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

/** True when `principal` may detokenize values of `product`. */
function mayDetokenize(product: Product, principal: Principal): boolean {
  try {
    authorize(product, principal, 'detokenize');
    return true;
  } catch (err) {
    if (isCellarError(err, 'CELLAR_ERR_AUTH_FORBIDDEN')) return false;
    throw err;
  }
}

export async function tokenRoutes(app: FastifyInstance): Promise<void> {
  const { runtime, engine } = app.cellar;
  const tokens = TokenService.create(runtime, engine);

  app.post<{ Params: Static<typeof EntityParams>; Body: Static<typeof TokenizeBody> }>(
    '/products/:product/entities/:id/tokens',
    {
      config: { audit: 'tokenize' },
      schema: {
        tags: ['tokens'],
        summary: "tokenize values into one entity's vault (roles with detokenize)",
        security: [...BEARER],
        params: EntityParams,
        body: TokenizeBody,
        response: responses({ 200: TokenizeResponse }),
      },
    },
    async (request) => {
      const product = runtime.products.get(request.params.product);
      authorize(product, principalOf(request), 'detokenize');
      const result = await tokens.tokenize(
        product.name,
        request.params.id,
        request.body.column,
        request.body.values,
      );
      if (request.access !== null) {
        request.access.tables = [result.column.split('.')[0] ?? result.column];
        request.access.columns = [result.column];
      }
      await writeAccess(request, app.cellar, 'allowed', 200);
      return { product: result.product, column: result.column, tokens: result.tokens };
    },
  );

  app.post<{ Body: Static<typeof DetokenizeBody> }>(
    '/detokenize',
    {
      config: { audit: 'detokenize' },
      schema: {
        tags: ['tokens'],
        summary: 'exchange tokens for values, per token (roles with detokenize on its product)',
        security: [...BEARER],
        body: DetokenizeBody,
        response: responses({ 200: DetokenizeResponse }),
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const allowed = new Set(
        runtime.products
          .list()
          .filter((p) => mayDetokenize(p, principal))
          .map((p) => p.name),
      );
      if (allowed.size === 0) {
        throw new CellarError(
          'CELLAR_ERR_AUTH_FORBIDDEN',
          'no role of the caller may detokenize values of any product',
          {
            hint: 'ask for a role with detokenize: true in a product spec',
          },
        );
      }
      const { items, access } = await tokens.detokenize(request.body.tokens, (p) => allowed.has(p.name));
      const audit = app.cellar.audit;
      if (audit !== undefined && request.access !== null) {
        request.access.written = true; // recorded below, one record per entity
        // Appended together: the log keeps call order and makes them durable in one group commit.
        await Promise.all(
          access.map((group) =>
            audit.append({
              kind: 'access',
              requestId: request.id,
              principal: auditName(principal.name),
              roles: auditNames(principal.roles),
              action: 'detokenize',
              ...(group.product === undefined ? {} : { product: group.product }),
              ...(group.entityHash === undefined ? {} : { entity: group.entityHash }),
              outcome: group.outcome,
              status: 200,
            }),
          ),
        );
      }
      return { results: items };
    },
  );
}
