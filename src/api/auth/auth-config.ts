/**
 * The `auth` section of the runtime configuration (it arrives in `CellarConfig.extra`, untouched
 * by `loadConfig`): who may call the API, by API key or JWT, and which roles read the audit
 * trail. docs/auth.md documents every field.
 *
 * ```yaml
 * auth:
 *   apiKeys:
 *     - { name: demo-support, hash: "sha256:<64 hex>", roles: [support] }
 *   jwt:
 *     issuer: https://idp.example
 *     audience: cellar
 *     hs256Secret: ${JWT_SECRET}
 *   auditorRoles: [auditor]
 * ```
 */
import { dirname, resolve } from 'node:path';
import { deepFreeze } from '../../config/deep-freeze.js';
import { type DocumentError, type DocumentIssue, formatDocumentError } from '../../config/document-error.js';
import { schemaIssues } from '../../config/schema-errors.js';
import type { CellarConfig } from '../../config/types.js';
import { locateIssue, readYamlFile } from '../../config/yaml-document.js';
import { CellarError } from '../../errors.js';
import { DEFAULT_AUDITOR_ROLES } from '../../governance/access/access-policy.js';
import { type AuthSection, AuthSectionSchema, type JwtSection } from './auth-config-schema.js';
import { type JwksFile, type PublicKeyFile, readJwksFile, readPublicKeyFile } from './jwt-key-files.js';

/** Claim holding the roles when `jwt.rolesClaim` is not set. */
export const DEFAULT_ROLES_CLAIM = 'roles';
/** Claim naming the principal when `jwt.subjectClaim` is not set. */
export const DEFAULT_SUBJECT_CLAIM = 'sub';
/** Allowed clock skew between the token issuer and this server, seconds. */
export const DEFAULT_CLOCK_TOLERANCE_SEC = 30;
/** RFC 7518 §3.2: an HS256 key must be at least as long as the hash output (256 bits). */
export const MIN_HS256_SECRET_BYTES = 32;

/** One accepted API key: only its hash is known to the server. */
export interface ApiKeyConfig {
  /** The principal name requests with this key act as (audited). Unique. */
  readonly name: string;
  /** `sha256:` and 64 lowercase hex digits. Unique. */
  readonly hash: string;
  readonly roles: readonly string[];
}

/** How bearer JWTs are verified. At least one of `hs256Secret`, `publicKey`, `jwks` is set. */
export interface JwtConfig {
  /** Required `iss`, when set. */
  readonly issuer: string | undefined;
  /** Accepted `aud` values (the token must name one), when set. */
  readonly audience: readonly string[] | undefined;
  /** Claim name or dotted path holding the roles. Default {@link DEFAULT_ROLES_CLAIM}. */
  readonly rolesClaim: string;
  /** Claim name or dotted path naming the principal. Default {@link DEFAULT_SUBJECT_CLAIM}. */
  readonly subjectClaim: string;
  /** Shared secret for HS256 (at least {@link MIN_HS256_SECRET_BYTES} bytes of UTF-8). */
  readonly hs256Secret: string | undefined;
  /** RSA public key for RS256 tokens without a `kid` (or when there is no JWKS). */
  readonly publicKey: PublicKeyFile | undefined;
  /** RSA public keys for RS256, chosen by the token's `kid`. */
  readonly jwks: JwksFile | undefined;
  /** Allowed clock skew for `exp` and `nbf`, seconds. Default {@link DEFAULT_CLOCK_TOLERANCE_SEC}. */
  readonly clockToleranceSec: number;
}

/** The validated, frozen `auth` section. */
export interface AuthConfig {
  readonly apiKeys: readonly ApiKeyConfig[];
  /** Absent: bearer JWTs are refused. */
  readonly jwt: JwtConfig | undefined;
  /** Roles that may read the audit trail. Default {@link DEFAULT_AUDITOR_ROLES}. */
  readonly auditorRoles: readonly string[];
}

/** Schema messages show the offending value; a secret's value must never reach an error. */
function hideSecrets(issue: DocumentIssue): DocumentIssue {
  if (!issue.path.includes('hs256Secret')) return issue;
  return { ...issue, message: 'expected the shared secret as text; got a value of another kind' };
}

function fail(config: CellarConfig, issues: readonly DocumentIssue[]): never {
  // The section came from this file: read it again to point at the lines.
  const parsed = readYamlFile(config.file);
  const errors = issues.map(
    (issue): DocumentError =>
      parsed?.ok === true
        ? locateIssue(parsed.yaml, issue)
        : { file: config.file, path: issue.path, line: undefined, column: undefined, message: issue.message },
  );
  const count = errors.length === 1 ? '1 problem' : `${errors.length} problems`;
  const lines = errors.map((e) => `  ${formatDocumentError(e)}`);
  throw new CellarError(
    'CELLAR_ERR_AUTH_CONFIG',
    [`invalid auth configuration, ${count}:`, ...lines].join('\n'),
    {
      hint: 'fix the listed fields; docs/auth.md describes each one',
    },
  );
}

function apiKeys(section: AuthSection, issues: DocumentIssue[]): ApiKeyConfig[] {
  const byName = new Map<string, number>();
  const byHash = new Map<string, number>();
  return (section.apiKeys ?? []).map((entry, index) => {
    const hash = entry.hash.toLowerCase();
    const sameName = byName.get(entry.name);
    if (sameName !== undefined) {
      const message = `expected a name no other key uses; apiKeys[${sameName}] is also ${JSON.stringify(entry.name)}`;
      issues.push({ path: ['auth', 'apiKeys', index, 'name'], message });
    }
    const sameHash = byHash.get(hash);
    if (sameHash !== undefined) {
      const message = `expected a hash no other key uses; apiKeys[${sameHash}] has it too (one key, two names)`;
      issues.push({ path: ['auth', 'apiKeys', index, 'hash'], message });
    }
    byName.set(entry.name, index);
    byHash.set(hash, index);
    return { name: entry.name, hash, roles: [...entry.roles] };
  });
}

function jwtConfig(jwt: JwtSection, base: string, issues: DocumentIssue[]): JwtConfig {
  const at = (key: string): (string | number)[] => ['auth', 'jwt', key];
  if (jwt.hs256Secret === undefined && jwt.publicKeyFile === undefined && jwt.jwksFile === undefined) {
    issues.push({
      path: ['auth', 'jwt'],
      message: 'expected at least one of hs256Secret, publicKeyFile, jwksFile',
    });
  }
  if (jwt.hs256Secret !== undefined) {
    const bytes = Buffer.byteLength(jwt.hs256Secret, 'utf8');
    if (bytes < MIN_HS256_SECRET_BYTES) {
      const message = `expected a secret of at least ${MIN_HS256_SECRET_BYTES} bytes (256 bits); got ${bytes} bytes`;
      issues.push({ path: at('hs256Secret'), message });
    }
  }
  let publicKey: PublicKeyFile | undefined;
  if (jwt.publicKeyFile !== undefined) {
    const read = readPublicKeyFile(resolve(base, jwt.publicKeyFile));
    if (read.ok) publicKey = read.value;
    else issues.push({ path: at('publicKeyFile'), message: read.message });
  }
  let jwks: JwksFile | undefined;
  if (jwt.jwksFile !== undefined) {
    const read = readJwksFile(resolve(base, jwt.jwksFile));
    if (read.ok) jwks = read.value;
    else issues.push({ path: at('jwksFile'), message: read.message });
  }
  const audience = jwt.audience;
  return {
    issuer: jwt.issuer,
    audience: audience === undefined ? undefined : typeof audience === 'string' ? [audience] : [...audience],
    rolesClaim: jwt.rolesClaim ?? DEFAULT_ROLES_CLAIM,
    subjectClaim: jwt.subjectClaim ?? DEFAULT_SUBJECT_CLAIM,
    hs256Secret: jwt.hs256Secret,
    publicKey,
    jwks,
    clockToleranceSec: jwt.clockToleranceSec ?? DEFAULT_CLOCK_TOLERANCE_SEC,
  };
}

/**
 * Reads and validates `config.extra.auth`, once, at startup: the schema, unique key names and
 * hashes, the HS256 secret's length, and the key files (read now, relative to the configuration
 * file's folder). Hashes are normalised to lowercase.
 *
 * Caveat: a configuration with neither API keys nor a `jwt` section is refused, since no request
 * could ever authenticate against it.
 *
 * @throws CellarError CELLAR_ERR_AUTH_CONFIG listing every problem as `FILE:LINE:COL: PATH: …`.
 */
export function loadAuthConfig(config: CellarConfig): AuthConfig {
  const raw = config.extra.auth;
  if (raw === undefined || raw === null) {
    const message = 'missing; expected apiKeys or a jwt section: without them no request can authenticate';
    fail(config, [{ path: ['auth'], message }]);
  }
  const schema = schemaIssues(AuthSectionSchema, raw).map((issue) =>
    hideSecrets({ ...issue, path: ['auth', ...issue.path] }),
  );
  if (schema.length > 0) fail(config, schema);

  const section = raw as AuthSection;
  const issues: DocumentIssue[] = [];
  const keys = apiKeys(section, issues);
  const jwt = section.jwt === undefined ? undefined : jwtConfig(section.jwt, dirname(config.file), issues);
  if (keys.length === 0 && jwt === undefined) {
    const message =
      'expected at least one API key (apiKeys) or a jwt section: without them no request can authenticate';
    issues.push({ path: ['auth'], message });
  }
  if (issues.length > 0) fail(config, issues);
  return deepFreeze({
    apiKeys: keys,
    jwt,
    auditorRoles: section.auditorRoles === undefined ? DEFAULT_AUDITOR_ROLES : [...section.auditorRoles],
  });
}
