/**
 * `cellar entity erase PRODUCT ID` and `cellar entity unsuppress PRODUCT ID` (docs/erasure.md).
 *
 * Erase crypto-shreds one entity (its data key is destroyed, then its blob, routing and token
 * entries deleted) and suppresses it, so later source events for it are dropped; unsuppress lets
 * them create it again. Both are recorded in the audit log, which this process must be able to
 * open: while `cellar serve` runs on the same data, erase through `DELETE
 * /v1/products/:product/entities/:id` instead.
 */
import { randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { openAuditLog } from '../api/audit/open-audit.js';
import { loadConfig } from '../config/load-config.js';
import { CellarError, isCellarError } from '../errors.js';
import type { AuditLog } from '../governance/audit/audit-log.js';
import { eraseEntity, unsuppressEntity } from '../governance/erasure/erase-entity.js';
import { openRuntime, type Runtime } from '../runtime/runtime.js';
import { type Output, stdio } from './output.js';

/** The principal CLI actions are recorded as: `cli:<operating-system user>`. */
export function cliPrincipal(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return 'cli:unknown'; // no user name (a container without a passwd entry)
  }
}

async function withAudit<T>(
  configFile: string,
  env: NodeJS.ProcessEnv,
  work: (runtime: Runtime, audit: AuditLog | undefined) => Promise<T>,
): Promise<T> {
  const runtime = await openRuntime(loadConfig(configFile, env), env);
  try {
    // Opened first: an erasure that cannot be recorded must not happen.
    const audit = await openAuditLog(runtime).catch((err: unknown) => {
      if (!isCellarError(err, 'CELLAR_ERR_AUDIT_LOCKED')) throw err;
      throw new CellarError('CELLAR_ERR_AUDIT_LOCKED', err.message, {
        hint: 'a Cellar server is running on this data: erase through DELETE /v1/products/:product/entities/:id',
        cause: err,
      });
    });
    try {
      return await work(runtime, audit);
    } finally {
      await audit?.close();
    }
  } finally {
    await runtime.close();
  }
}

/** Records a CLI action on one entity (by its keyed hash): `allowed` when it changed something. */
async function recordAction(
  audit: AuditLog | undefined,
  action: 'erase' | 'unsuppress',
  product: string,
  entityHash: string,
  changed: boolean,
): Promise<void> {
  await audit?.append({
    kind: 'access',
    requestId: randomUUID(),
    principal: cliPrincipal(),
    roles: [],
    action,
    product,
    entity: entityHash,
    outcome: changed ? 'allowed' : 'not-found',
  });
}

/** Runs `cellar entity erase`. */
export async function runEntityErase(
  configFile: string,
  product: string,
  id: string,
  output: Output,
  env: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  await withAudit(configFile, env, async (runtime, audit) => {
    const result = await eraseEntity(runtime, product, id);
    await recordAction(audit, 'erase', result.product, result.entityHash, result.erased);
    output.out(
      result.erased
        ? `erased: the entity's data key is destroyed and its data deleted; later source events for it are dropped`
        : `nothing was stored for that entity; it is suppressed: later source events for it are dropped`,
    );
  });
}

/** Runs `cellar entity unsuppress`. */
export async function runEntityUnsuppress(
  configFile: string,
  product: string,
  id: string,
  output: Output,
  env: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  await withAudit(configFile, env, async (runtime, audit) => {
    const result = await unsuppressEntity(runtime, product, id);
    await recordAction(audit, 'unsuppress', result.product, result.entityHash, result.wasSuppressed);
    output.out(
      result.wasSuppressed
        ? 'unsuppressed: later source events for the entity create it again'
        : 'the entity was not suppressed; nothing changed',
    );
  });
}

/** Adds `erase` and `unsuppress` to the `entity` command (creating it when missing). */
export function registerEntityEraseCommands(program: Command, output: Output = stdio): void {
  const entity =
    program.commands.find((c) => c.name() === 'entity') ?? program.command('entity').description('entities');
  entity
    .command('erase <product> <id>')
    .description(
      'erase one entity: destroy its data key (crypto-shred), delete its data, drop its later events',
    )
    .requiredOption('-c, --config <file>', 'runtime configuration (cellar.yaml)')
    .action(async (product: string, id: string, opts: { config: string }) => {
      await runEntityErase(opts.config, product, id, output);
    });
  entity
    .command('unsuppress <product> <id>')
    .description('let source events create an erased entity again (its erased data stays gone)')
    .requiredOption('-c, --config <file>', 'runtime configuration (cellar.yaml)')
    .action(async (product: string, id: string, opts: { config: string }) => {
      await runEntityUnsuppress(opts.config, product, id, output);
    });
}
