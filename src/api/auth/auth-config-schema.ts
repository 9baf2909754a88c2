import { type Static, Type } from '@sinclair/typebox';

/**
 * The shape of the `auth` section of `cellar.yaml` as written (defaults are applied by
 * `loadAuthConfig`). docs/auth.md documents each field.
 */

const NonEmpty = Type.String({ minLength: 1 });
const Closed = { additionalProperties: false } as const;

/** Roles travel in JWTs as space-separated text too, so a role name has no whitespace. */
const Role = Type.String({ pattern: '^\\S+$', expect: 'a role name (text without spaces)' });
const Roles = Type.Array(Role, { minItems: 1, expect: 'a list of role names, at least one' });

/** A claim name, or a dotted path into nested claims (`realm_access.roles`). */
const ClaimPath = Type.String({
  minLength: 1,
  expect: 'a claim name or a dotted path such as realm_access.roles',
});

export const API_KEY_HASH_PATTERN = '^sha256:[0-9a-fA-F]{64}$';

export const ApiKeyEntrySchema = Type.Object(
  {
    name: NonEmpty,
    hash: Type.String({
      pattern: API_KEY_HASH_PATTERN,
      expect: '"sha256:" and 64 hex digits, as printed by `cellar keys hash`',
    }),
    roles: Roles,
  },
  Closed,
);

export const JwtSectionSchema = Type.Object(
  {
    issuer: Type.Optional(NonEmpty),
    audience: Type.Optional(
      Type.Union([NonEmpty, Type.Array(NonEmpty, { minItems: 1 })], {
        expect: 'an audience, or a list of accepted audiences',
      }),
    ),
    rolesClaim: Type.Optional(ClaimPath),
    subjectClaim: Type.Optional(ClaimPath),
    // Never described by its value in errors: see auth-config.ts.
    hs256Secret: Type.Optional(Type.String({ expect: 'the shared secret as text' })),
    publicKeyFile: Type.Optional(NonEmpty),
    jwksFile: Type.Optional(NonEmpty),
    clockToleranceSec: Type.Optional(Type.Integer({ minimum: 0, maximum: 300 })),
  },
  Closed,
);

export const AuthSectionSchema = Type.Object(
  {
    apiKeys: Type.Optional(Type.Array(ApiKeyEntrySchema)),
    jwt: Type.Optional(JwtSectionSchema),
    auditorRoles: Type.Optional(Roles),
  },
  Closed,
);

/** The `auth` section as written, once it has passed {@link AuthSectionSchema}. */
export type AuthSection = Static<typeof AuthSectionSchema>;
export type JwtSection = Static<typeof JwtSectionSchema>;
