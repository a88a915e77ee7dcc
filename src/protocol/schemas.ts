import { z } from 'zod';

/** Wire schemas of connector protocol v2 (docs/connector-api.md). Both sides parse with these. */

export const PROTOCOL_VERSION = 'v2';
export const MAX_BODY_BYTES = 64 * 1024;

export const grantIdSchema = z.string().regex(/^[A-Za-z0-9._:-]{1,64}$/, 'grantId must match [A-Za-z0-9._:-]{1,64}');
export const targetIdSchema = z.string().regex(/^[a-z0-9-]{1,40}$/, 'target id must match [a-z0-9-]{1,40}');
export const roleNameSchema = z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, 'role must match [A-Za-z0-9_-]{1,40}');
export const isoInstantSchema = z.iso.datetime({ offset: true });

export const grantModeSchema = z.enum(['ephemeral', 'existing-login']);

export const principalSchema = z.strictObject({
  accountId: z.string().min(1).max(128),
  email: z.string().max(254).nullable().optional(),
  dbUser: z.string().min(1).max(63).nullable().optional(),
});

/** The public half of the caller's per-grant X25519 key (RFC 8037); the credential is sealed to it. */
export const credentialKeySchema = z.strictObject({
  kty: z.literal('OKP'),
  crv: z.literal('X25519'),
  x: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'x must be the 32-byte public key in base64url'),
});

/** A JWE in compact serialization: five base64url parts, the second (the encrypted key) empty for ECDH-ES. */
export const sealedCredentialSchema = z.string().max(4096).regex(/^[A-Za-z0-9_-]+\.\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/, 'credential must be a compact JWE');

/** What a sealed credential holds once opened. */
export const credentialPlaintextSchema = z.strictObject({ username: z.string().min(1), password: z.string().min(1) });

export const grantRequestSchema = z
  .strictObject({
    grantId: grantIdSchema,
    target: targetIdSchema,
    role: roleNameSchema,
    principal: principalSchema,
    mode: grantModeSchema.default('ephemeral'),
    credentialKey: credentialKeySchema.optional(),
    notBefore: isoInstantSchema.optional(),
    notAfter: isoInstantSchema,
    ticket: z.string().max(64).optional(),
    reason: z.string().max(2000).optional(),
  })
  .superRefine((body, ctx) => {
    if (body.mode === 'existing-login' && !body.principal.dbUser) {
      ctx.addIssue({ code: 'custom', path: ['principal', 'dbUser'], message: 'existing-login mode needs principal.dbUser' });
    }
    if (body.mode === 'ephemeral' && !body.credentialKey) {
      ctx.addIssue({ code: 'custom', path: ['credentialKey'], message: 'ephemeral mode needs credentialKey, the public X25519 JWK the credential is sealed to' });
    }
    if (body.mode === 'existing-login' && body.credentialKey) {
      ctx.addIssue({ code: 'custom', path: ['credentialKey'], message: 'existing-login mode hands out no secret; send no credentialKey' });
    }
    if (body.notBefore && Date.parse(body.notBefore) >= Date.parse(body.notAfter)) {
      ctx.addIssue({ code: 'custom', path: ['notAfter'], message: 'notAfter must be after notBefore' });
    }
  });

export const connectInfoSchema = z.strictObject({
  host: z.string(),
  port: z.number().int(),
  database: z.string(),
});

export const grantCreatedSchema = z.strictObject({
  grantId: grantIdSchema,
  state: z.enum(['active', 'pending']),
  username: z.string(),
  /** Ephemeral mode: `{username, password}` sealed to the request's credentialKey; never a plaintext secret. */
  credential: sealedCredentialSchema.optional(),
  connect: connectInfoSchema,
  notBefore: isoInstantSchema.optional(),
  notAfter: isoInstantSchema,
});

export const grantStateSchema = z.enum(['pending', 'active', 'revoking', 'revoked', 'expired', 'failed']);

export const grantStatusSchema = z.strictObject({
  grantId: grantIdSchema,
  target: z.string(),
  role: z.string(),
  username: z.string().nullable(),
  state: grantStateSchema,
  notBefore: isoInstantSchema.nullable(),
  notAfter: isoInstantSchema.nullable(),
  revokedAt: isoInstantSchema.optional(),
  revokeReason: z.string().optional(),
});

export const grantListSchema = z.strictObject({ grants: z.array(grantStatusSchema) });

/** 200 when access has ended; 202 `revoking` when the database could not be reached yet (it is retried). */
export const revokedSchema = z.discriminatedUnion('state', [
  z.strictObject({ grantId: grantIdSchema, state: z.literal('revoked'), revokedAt: isoInstantSchema }),
  z.strictObject({ grantId: grantIdSchema, state: z.literal('revoking') }),
]);

export const extendRequestSchema = z.strictObject({ notAfter: isoInstantSchema });

/** `POST /v1/grants/{grantId}/query`: one statement, run as the grant through the SQL gateway's pipeline. */
export const queryRequestSchema = z.strictObject({
  sql: z.string().min(1).max(60_000),
  /** Run it for a download: refused unless the level has `export: true`; recorded as session `export`. */
  export: z.boolean().default(false),
});

/** Its answer: at most 500 rows, values in the database's text form; `truncated` when rows were cut off. */
export const queryResultSchema = z.strictObject({
  columns: z.array(z.strictObject({ name: z.string(), type: z.string() })),
  rows: z.array(z.array(z.string().nullable())),
  /** Rows the statement returned (those cut off included) or affected; null when it reports no count. */
  rowCount: z.number().int().nullable(),
  truncated: z.boolean(),
  ms: z.number(),
  /** The grant's level may download results (`export: true`). */
  exportable: z.boolean(),
});

/** At most this many columns come back from `GET /v1/grants/{grantId}/schema`; `truncated` says more were left out. */
export const MAX_SCHEMA_COLUMNS = 5000;

/**
 * `GET /v1/grants/{grantId}/schema`: the tables and columns the grant's login sees on its target, as the database's
 * own catalog shows them to that login (a column it holds no privilege on is left out). `masked`: how the console
 * and the gateway show the column to this grant's level (null when shown as it is). `defaultSchema`: the schema (on
 * MySQL, the database) unqualified names resolve to.
 */
export const grantSchemaSchema = z.strictObject({
  defaultSchema: z.string().nullable(),
  tables: z.array(
    z.strictObject({
      schema: z.string(),
      name: z.string(),
      columns: z.array(z.strictObject({ name: z.string(), type: z.string(), masked: z.enum(['email', 'partial', 'hash', 'null']).nullable() })),
    }),
  ),
  truncated: z.boolean(),
});

export const targetSummarySchema = z.strictObject({
  id: z.string(),
  engine: z.enum(['postgres', 'mysql', 'pglite']),
  environment: z.string(),
  roles: z.array(z.string()),
  connect: connectInfoSchema,
});

export const targetListSchema = z.strictObject({ targets: z.array(targetSummarySchema) });

export const healthSchema = z.strictObject({
  status: z.enum(['ok', 'degraded']),
  /** `problems` names why a target is degraded: unreachable, clock skew, no database-side expiry. */
  targets: z.array(z.strictObject({ id: z.string(), reachable: z.boolean(), problems: z.array(z.string()) })),
});

/** What was run under a gateway grant, summed up (PROTOCOL.md v2, activity): counts, tables and times, never literals. */
export const activityDigestSchema = z.strictObject({
  sessions: z.number().int(),
  statements: z.number().int(),
  byKind: z.strictObject({ read: z.number().int(), write: z.number().int(), ddl: z.number().int(), other: z.number().int() }),
  tables: z.array(z.string()),
  blocked: z.number().int(),
  errors: z.number().int(),
  first: z.string().nullable(),
  last: z.string().nullable(),
});

export const revocationCallbackSchema = z.strictObject({
  grantId: grantIdSchema,
  state: z.enum(['revoked', 'expired']),
  revokedAt: isoInstantSchema,
  reason: z.string(),
  /** The digest of the grant's activity record: for gateway targets only. */
  activity: activityDigestSchema.optional(),
});

export const errorCodeSchema = z.enum([
  'missing_signature',
  'bad_signature',
  'stale_timestamp',
  'replayed_request',
  'payload_too_large',
  'bad_request',
  'unknown_target',
  'unknown_role',
  'grant_conflict',
  'grant_revoked',
  'not_found',
  'no_activity_record',
  'grant_not_active',
  'statement_refused',
  'method_not_allowed',
  'target_unavailable',
  'internal',
]);

export const errorBodySchema = z.strictObject({
  error: z.strictObject({ code: errorCodeSchema, message: z.string() }),
});

export type CredentialKey = z.infer<typeof credentialKeySchema>;
export type CredentialPlaintext = z.infer<typeof credentialPlaintextSchema>;
export type GrantRequest = z.infer<typeof grantRequestSchema>;
export type GrantRequestInput = z.input<typeof grantRequestSchema>;
export type GrantCreated = z.infer<typeof grantCreatedSchema>;
export type GrantState = z.infer<typeof grantStateSchema>;
export type GrantStatus = z.infer<typeof grantStatusSchema>;
export type GrantList = z.infer<typeof grantListSchema>;
export type Revoked = z.infer<typeof revokedSchema>;
export type ExtendRequest = z.infer<typeof extendRequestSchema>;
export type QueryRequest = z.infer<typeof queryRequestSchema>;
export type QueryResult = z.infer<typeof queryResultSchema>;
export type GrantSchema = z.infer<typeof grantSchemaSchema>;
export type TargetSummary = z.infer<typeof targetSummarySchema>;
export type TargetList = z.infer<typeof targetListSchema>;
export type Health = z.infer<typeof healthSchema>;
export type RevocationCallback = z.infer<typeof revocationCallbackSchema>;
export type ActivityDigest = z.infer<typeof activityDigestSchema>;
export type ErrorCode = z.infer<typeof errorCodeSchema>;
export type ErrorBody = z.infer<typeof errorBodySchema>;
export type ConnectInfo = z.infer<typeof connectInfoSchema>;
