import type { Keyring } from '../crypto/keyring.js';
import type { ErrorCode } from '../errors.js';
import type { DeadLetter } from '../store/blob-store.js';
import type { SourcePosition } from './change-event.js';

/** The system key dead letters (and parked events) are sealed with. */
export const DEAD_LETTER_KEY = 'dead-letter';

/**
 * Inputs sync could not apply, sealed (they hold raw entity data) and queued for the next commit,
 * so that a dead letter is durable exactly when the source position past it is.
 */
export class DeadLetterQueue {
  #queued: DeadLetter[] = [];
  readonly #counts = new Map<string, number>();

  constructor(private readonly keyring: Keyring) {}

  async add(
    product: string,
    position: SourcePosition,
    code: ErrorCode,
    reason: string,
    raw: string,
  ): Promise<void> {
    const payload = await this.keyring.sealSystem(
      DEAD_LETTER_KEY,
      Buffer.from(JSON.stringify({ product, raw }), 'utf8'),
    );
    this.#queued.push({
      stream: position.stream,
      token: position.token,
      code,
      reason,
      payload,
      at: Date.now(),
    });
    this.#counts.set(code, (this.#counts.get(code) ?? 0) + 1);
  }

  /** Dead letters since the last drain, for the next commit. */
  drain(): DeadLetter[] {
    const queued = this.#queued;
    this.#queued = [];
    return queued;
  }

  get pending(): number {
    return this.#queued.length;
  }

  /** Dead letters counted per error code since start. */
  counts(): ReadonlyMap<string, number> {
    return this.#counts;
  }

  get total(): number {
    let n = 0;
    for (const v of this.#counts.values()) n += v;
    return n;
  }
}
