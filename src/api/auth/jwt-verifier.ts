/**
 * Verifying bearer JWTs with jose: signature (HS256 with the shared secret; RS256 with the PEM
 * key or the JWKS key matching `kid`), algorithm allow-list, `exp` (required), `nbf`, `iss`, `aud`,
 * then the subject and roles claims. Every failure is a 401 whose message says what was wrong
 * and never repeats the token or anything decoded from it.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import {
  createLocalJWKSet,
  errors,
  type FlattenedJWSInput,
  type JWSHeaderParameters,
  type JWTPayload,
  jwtVerify,
} from 'jose';
import { isCellarError } from '../../errors.js';
import type { JwtConfig } from './auth-config.js';
import { unauthenticated as refuse } from './bearer.js';
import { claimAt, rolesFrom } from './claims.js';

/** Who a verified token names. */
export interface JwtIdentity {
  readonly subject: string;
  readonly roles: readonly string[];
}

/** Verifies compact JWTs against one `auth.jwt` configuration. */
export interface JwtVerifier {
  /** The algorithms accepted, from the keys configured (`HS256`, `RS256`). */
  readonly algorithms: readonly string[];
  /** @throws CellarError CELLAR_ERR_AUTH_UNAUTHENTICATED saying why the token is refused. */
  verify(token: string): Promise<JwtIdentity>;
}

/** Longest subject accepted: it becomes the principal name written to every audit record. */
export const MAX_SUBJECT_CHARS = 256;

/** Claims jose names in its validation errors (its own fixed names, not the token's text). */
const KNOWN_CLAIMS = new Set(['exp', 'nbf', 'iat', 'iss', 'aud', 'sub', 'jti', 'typ']);

function claimMessage(err: errors.JWTClaimValidationFailed): string {
  switch (err.claim) {
    case 'nbf':
      return 'the bearer token is not valid yet (nbf)';
    case 'iss':
      return err.reason === 'missing'
        ? 'the bearer token has no issuer (iss)'
        : 'the bearer token comes from an issuer this server does not accept (iss)';
    case 'aud':
      return err.reason === 'missing'
        ? 'the bearer token has no audience (aud)'
        : 'the bearer token is meant for another audience (aud)';
    case 'exp':
      return err.reason === 'missing'
        ? 'the bearer token has no expiry (exp); tokens without one are refused'
        : 'the bearer token has an invalid expiry (exp)';
    default:
      return KNOWN_CLAIMS.has(err.claim)
        ? `the bearer token has an invalid ${err.claim} claim`
        : 'the bearer token has an invalid claim';
  }
}

/** Turns whatever jose threw into a 401 that says why, without the token. */
function translate(err: unknown, algorithms: readonly string[]): unknown {
  if (isCellarError(err)) return err;
  if (err instanceof errors.JWTExpired) return refuse('the bearer token has expired');
  if (err instanceof errors.JWTClaimValidationFailed) return refuse(claimMessage(err));
  if (err instanceof errors.JOSEAlgNotAllowed) {
    return refuse(
      `the bearer token's signing algorithm is not accepted (accepted: ${algorithms.join(', ')})`,
    );
  }
  if (err instanceof errors.JWSSignatureVerificationFailed)
    return refuse("the bearer token's signature does not verify");
  if (err instanceof errors.JWKSNoMatchingKey)
    return refuse('no configured key matches the bearer token (kid)');
  if (err instanceof errors.JWKSMultipleMatchingKeys) {
    return refuse('the bearer token names no key (kid) and several configured keys could sign it');
  }
  if (err instanceof errors.JWSInvalid || err instanceof errors.JWTInvalid) {
    return refuse('the bearer token is not a well-formed JWT');
  }
  if (err instanceof errors.JOSEError || err instanceof TypeError) {
    return refuse('the bearer token could not be verified');
  }
  return err;
}

function identity(payload: JWTPayload, cfg: JwtConfig): JwtIdentity {
  const subject = claimAt(payload, cfg.subjectClaim);
  if (typeof subject !== 'string' || subject === '') {
    throw refuse(`the bearer token has no ${cfg.subjectClaim} claim naming the caller`);
  }
  if (subject.length > MAX_SUBJECT_CHARS) {
    throw refuse(
      `the bearer token's ${cfg.subjectClaim} claim is longer than ${MAX_SUBJECT_CHARS} characters`,
    );
  }
  const value = claimAt(payload, cfg.rolesClaim);
  if (value === undefined) throw refuse(`the bearer token has no ${cfg.rolesClaim} claim`);
  const roles = rolesFrom(value);
  if (roles === undefined) {
    throw refuse(
      `the bearer token's ${cfg.rolesClaim} claim is not a list of roles or space-separated roles`,
    );
  }
  return { subject, roles };
}

/** Builds the verifier; the keys were checked by `loadAuthConfig`, so this does not fail. */
export function createJwtVerifier(cfg: JwtConfig): JwtVerifier {
  const secret = cfg.hs256Secret === undefined ? undefined : new TextEncoder().encode(cfg.hs256Secret);
  const pem: KeyObject | undefined =
    cfg.publicKey === undefined ? undefined : createPublicKey(cfg.publicKey.pem);
  const jwks = cfg.jwks === undefined ? undefined : createLocalJWKSet(cfg.jwks.jwks);
  const algorithms: ('HS256' | 'RS256')[] = [];
  if (secret !== undefined) algorithms.push('HS256');
  if (pem !== undefined || jwks !== undefined) algorithms.push('RS256');

  // jose checks `alg` against `algorithms` before calling this, so each branch has its key; the
  // key follows the algorithm, never the other way round (no HS256 with an RSA public key).
  const keyFor = async (header: JWSHeaderParameters, token: FlattenedJWSInput) => {
    if (header.alg === 'HS256' && secret !== undefined) return secret;
    if (header.alg === 'RS256') {
      // A kid selects from the JWKS; without one the PEM key is used when there is one.
      if (jwks !== undefined && (header.kid !== undefined || pem === undefined)) return jwks(header, token);
      if (pem !== undefined) return pem;
    }
    throw refuse(`the bearer token's signing algorithm is not accepted (accepted: ${algorithms.join(', ')})`);
  };

  const options = {
    algorithms,
    requiredClaims: ['exp'],
    clockTolerance: cfg.clockToleranceSec,
    ...(cfg.issuer === undefined ? {} : { issuer: cfg.issuer }),
    ...(cfg.audience === undefined ? {} : { audience: [...cfg.audience] }),
  };

  return Object.freeze({
    algorithms: Object.freeze([...algorithms]),
    async verify(token: string): Promise<JwtIdentity> {
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, keyFor, options));
      } catch (err) {
        throw translate(err, algorithms);
      }
      return identity(payload, cfg);
    },
  });
}
