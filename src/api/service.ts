/**
 * A whole serving process, minus the socket: runtime, masking, sync engine, audit log and app,
 * opened in dependency order and shut down in the reverse. `cellar serve` drives it (and is the
 * only caller of `listen`); tests can drive it with `app.inject()`.
 */
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { CellarConfig } from '../config/types.js';
import type { AuditLog } from '../governance/audit/audit-log.js';
import { closeQuerySandbox } from '../governance/query/query-sandbox.js';
import { installRuntimeMasking } from '../runtime/masking-setup.js';
import { openSync } from '../runtime/open-sync.js';
import { openRuntime, type Runtime } from '../runtime/runtime.js';
import type { BoundSource, SyncEngine } from '../sync/sync-engine.js';
import { buildApp } from './app.js';
import { auditFlushes } from './audit/flush-audit.js';
import { openAuditLog } from './audit/open-audit.js';
import { loadAuthConfig } from './auth/auth-config.js';
import { createAuthenticator } from './auth/authenticator.js';
import type { SyncState } from './sync-state.js';

export interface ServiceOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly logger?: FastifyBaseLogger;
}

/** Undo steps, run last-in first-out; every one runs even when one fails (the first error wins). */
async function unwind(steps: readonly (() => Promise<void> | void)[]): Promise<void> {
  let failure: unknown;
  for (const step of [...steps].reverse()) {
    try {
      await step();
    } catch (err) {
      failure ??= err;
    }
  }
  if (failure !== undefined) throw failure;
}

export class CellarService {
  #state: SyncState = 'starting';
  #run: Promise<void> | undefined;
  #failure: unknown;
  readonly #abort = new AbortController();
  #closing: Promise<void> | undefined;

  private constructor(
    readonly runtime: Runtime,
    readonly engine: SyncEngine,
    readonly sources: readonly BoundSource[],
    readonly audit: AuditLog | undefined,
    readonly app: FastifyInstance,
    private readonly logger: FastifyBaseLogger | undefined,
    private readonly cleanup: readonly (() => Promise<void> | void)[],
  ) {}

  /**
   * Opens everything a serving process needs: the auth configuration (checked first, so a bad
   * one fails before anything is opened), the runtime, masking, the sync engine and its sources,
   * the audit log (recording every flush), and the app. Sync does not start until
   * {@link startSync}.
   */
  static async open(config: CellarConfig, options: ServiceOptions = {}): Promise<CellarService> {
    const env = options.env ?? process.env;
    const authConfig = loadAuthConfig(config);
    const cleanup: (() => Promise<void> | void)[] = [];
    try {
      const runtime = await openRuntime(config, env);
      cleanup.push(() => runtime.close());
      cleanup.push(await installRuntimeMasking(runtime));
      cleanup.push(() => closeQuerySandbox());
      const { engine, sources } = await openSync(runtime);
      const audit = await openAuditLog(runtime);
      if (audit !== undefined) {
        cleanup.push(() => audit.close());
        auditFlushes(engine, audit, runtime.keyring);
      }
      let service: CellarService | undefined;
      const app = await buildApp({
        runtime,
        engine,
        ...(audit === undefined ? {} : { audit }),
        authenticator: createAuthenticator(authConfig),
        auditorRoles: authConfig.auditorRoles,
        ...(options.logger === undefined ? {} : { logger: options.logger }),
        syncState: () => service?.syncState ?? 'starting',
      });
      cleanup.push(() => app.close());
      service = new CellarService(runtime, engine, sources, audit, app, options.logger, cleanup);
      return service;
    } catch (err) {
      await unwind(cleanup).catch(() => {}); // the opening error is the one to report
      throw err;
    }
  }

  get syncState(): SyncState {
    return this.#state;
  }

  /** The error that stopped sync, if it failed. */
  get syncFailure(): unknown {
    return this.#failure;
  }

  /**
   * Starts the sync engine over every source (`follow`: keep streaming until shutdown). Entities
   * are readable as they are applied. Resolves at once; {@link syncDone} settles when it ends.
   * A failure does not stop serving: the state becomes `failed` (readyz says so) and is logged.
   */
  startSync(opts: { readonly follow: boolean }): void {
    if (this.#run !== undefined) return;
    this.#state = 'running';
    this.#run = this.engine.run(this.sources, { follow: opts.follow, signal: this.#abort.signal }).then(
      () => {
        this.#state = this.#abort.signal.aborted ? 'stopped' : 'drained';
        const s = this.engine.stats;
        this.logger?.info(
          { applied: s.applied, deadLetters: s.rejected, flushes: s.flushes },
          `sync ${this.#state}`,
        );
      },
      (err: unknown) => {
        this.#state = 'failed';
        this.#failure = err;
        this.logger?.error({ err }, 'sync failed; serving what is stored');
      },
    );
  }

  /** Settles when sync has ended (never rejects; see {@link syncFailure}). */
  syncDone(): Promise<void> {
    return this.#run ?? Promise.resolve();
  }

  /**
   * Shuts down in order: stop accepting requests (in-flight ones finish), stop the sources and
   * make everything applied durable (the final flush is audited), close the audit log (its last
   * records and a checkpoint are made durable), stop the query sandbox, close the runtime.
   * Idempotent.
   */
  shutdown(): Promise<void> {
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  async #shutdown(): Promise<void> {
    await this.app.close();
    this.#abort.abort();
    if (this.#state === 'running') this.#state = 'stopped';
    await this.syncDone();
    // app.close already ran; the rest in reverse order of opening.
    await unwind(this.cleanup.slice(0, -1));
  }
}
