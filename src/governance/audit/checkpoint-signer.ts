/**
 * Ed25519 signing of audit checkpoints. A checkpoint signature covers the bytes
 * `cellar-audit-checkpoint\0<upTo>\0<upToHash>` (upTo in decimal, upToHash in lowercase hex), so a
 * verifier holding only the public key can check that the chain up to `upTo` ended in `upToHash`
 * when the log wrote it.
 */
import { CellarError } from '../../errors.js';
import { type Ed25519KeyPair, ed25519FromSeed, ed25519Verify, SIGN_SEED_BYTES } from './sodium.js';

/** Domain-separation prefix of the signed message. */
export const CHECKPOINT_CONTEXT = 'cellar-audit-checkpoint';

/**
 * Key material kept in secure memory, such as crypto/secure-buffer's `SecureKey`: anything that
 * lends its bytes to a callback for the duration of the call.
 */
export interface SecretBytesSource {
  use<T>(fn: (bytes: Uint8Array) => T): T;
}

/** The 32-byte Ed25519 seed of the log's signing key, raw or held in secure memory. */
export type SigningSeed = Uint8Array | SecretBytesSource;

/** The exact bytes a checkpoint signature covers. */
export function checkpointMessage(upTo: number, upToHash: string): Buffer {
  return Buffer.from(`${CHECKPOINT_CONTEXT}\0${upTo}\0${upToHash}`, 'utf8');
}

/** True when `signatureHex` is `publicKeyHex`'s signature of the checkpoint (upTo, upToHash). */
export function verifyCheckpointSignature(
  publicKeyHex: string,
  upTo: number,
  upToHash: string,
  signatureHex: string,
): boolean {
  return ed25519Verify(
    Buffer.from(signatureHex, 'hex'),
    checkpointMessage(upTo, upToHash),
    Buffer.from(publicKeyHex, 'hex'),
  );
}

/** Signs checkpoints with one key pair. The secret key stays in sodium's guarded memory. */
export class CheckpointSigner {
  /** Ed25519 public key, lowercase hex: what verifiers pin. */
  readonly publicKey: string;
  readonly #pair: Ed25519KeyPair;

  private constructor(pair: Ed25519KeyPair) {
    this.#pair = pair;
    this.publicKey = pair.publicKey.toString('hex');
  }

  /** Derives the signer from a seed. Throws CELLAR_ERR_CONFIG_INVALID if it is not 32 bytes. */
  static fromSeed(seed: SigningSeed): CheckpointSigner {
    const derive = (bytes: Uint8Array): Ed25519KeyPair => {
      if (!(bytes instanceof Uint8Array) || bytes.length !== SIGN_SEED_BYTES) {
        throw new CellarError(
          'CELLAR_ERR_CONFIG_INVALID',
          `the audit signing seed must be ${SIGN_SEED_BYTES} bytes`,
          { hint: 'derive it from the master key or load it from a 32-byte key file' },
        );
      }
      return ed25519FromSeed(bytes);
    };
    return new CheckpointSigner(seed instanceof Uint8Array ? derive(seed) : seed.use(derive));
  }

  /** Hex signature of the checkpoint (upTo, upToHash). */
  sign(upTo: number, upToHash: string): string {
    return this.#pair.sign(checkpointMessage(upTo, upToHash)).toString('hex');
  }

  /** Zeroes the secret key. Idempotent. */
  dispose(): void {
    this.#pair.dispose();
  }

  toJSON(): string {
    return `[CheckpointSigner ${this.publicKey}]`;
  }
}
