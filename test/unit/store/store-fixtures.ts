import type { CommitBatch, DeadLetter, StoredBlob } from '../../../src/store/blob-store.js';

/** A 64-hex-digit key, like a real EntityKey. */
export function hexKey(n: number): string {
  return n.toString(16).padStart(64, '0');
}

/** A batch with nothing in it but `parts`. */
export function batch(parts: Partial<CommitBatch> = {}): CommitBatch {
  return {
    puts: [],
    deletes: [],
    routes: [],
    positions: new Map(),
    deadLetters: [],
    park: [],
    unpark: [],
    ...parts,
  };
}

/** A small blob of `product` whose bytes encode `n` and `version`. */
export function blob(product: string, n: number, version = 1, updatedAt = 1_000 + n): StoredBlob {
  return {
    product,
    key: hexKey(n),
    version,
    data: Uint8Array.from([n & 0xff, version & 0xff, 0, 255]),
    updatedAt,
  };
}

/** The `n`th dead letter of stream `crm`. */
export function letter(n: number): DeadLetter {
  return {
    stream: 'crm',
    token: `0/${n}`,
    code: 'CELLAR_ERR_EVENT_DECODE',
    reason: `bad event ${n}`,
    payload: Uint8Array.of(n),
    at: n,
  };
}

/** What `promise` rejects with, or undefined when it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (err: unknown) => err,
  );
}
