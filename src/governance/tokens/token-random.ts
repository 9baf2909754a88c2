import { randomFillSync } from 'node:crypto';

/**
 * Uniform random integers for token generation, from the operating system's CSPRNG. Injectable so
 * that tests can drive generation deterministically; production code uses {@link secureRandom}.
 */
export interface TokenRandom {
  /** A uniform integer in [0, bound), for 1 ≤ bound ≤ 256. */
  below(bound: number): number;
  /** `out` filled with random bytes. */
  fill(out: Uint8Array): void;
}

const POOL_BYTES = 512;

/** Draws bytes from a refilled pool (one system call per 512 bytes, not per character). */
class PooledRandom implements TokenRandom {
  readonly #pool = Buffer.alloc(POOL_BYTES);
  #next = POOL_BYTES;

  below(bound: number): number {
    // Rejection sampling: bytes past the largest multiple of `bound` would bias the low values.
    const limit = 256 - (256 % bound);
    for (;;) {
      const byte = this.#byte();
      if (byte < limit) return byte % bound;
    }
  }

  fill(out: Uint8Array): void {
    randomFillSync(out);
  }

  #byte(): number {
    if (this.#next === POOL_BYTES) {
      randomFillSync(this.#pool);
      this.#next = 0;
    }
    const byte = this.#pool[this.#next]!;
    // Used bytes are cleared: the pool never holds the randomness of tokens already issued.
    this.#pool[this.#next] = 0;
    this.#next += 1;
    return byte;
  }
}

/** The process's token randomness. */
export const secureRandom: TokenRandom = new PooledRandom();
