/**
 * The access checks routes share: who the caller is (authenticated by the `/v1` scope's hooks)
 * and whether one of their roles may read a product — decided before any entity is looked up.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { CellarError } from '../../errors.js';
import { authorize } from '../../governance/access/access-policy.js';
import type { Principal } from '../../governance/access/principal.js';
import { maskPlanFor } from '../../governance/masking/effective-mask.js';
import type { MaskPlan, Product } from '../../product/types.js';

/** The caller, known to be authenticated (the preValidation hook refused everyone else). */
export function principalOf(request: FastifyRequest): Principal {
  if (request.principal === null)
    throw new CellarError('CELLAR_ERR_AUTH_UNAUTHENTICATED', 'missing credentials');
  return request.principal;
}

/**
 * The product and the caller's mask plan for reading it: the product must exist (404) and one of
 * the caller's roles must allow `read` (403).
 */
export function readAccess(
  app: FastifyInstance,
  request: FastifyRequest,
  productName: string,
): { product: Product; plan: MaskPlan | null } {
  const product = app.cellar.runtime.products.get(productName);
  const principal = principalOf(request);
  authorize(product, principal, 'read');
  return { product, plan: maskPlanFor(product, principal.roles) };
}
