import { z } from 'zod';

/**
 * One grant as the ledger keeps it. `granting` is internal: the intent is recorded, the database may or may not
 * have been touched yet; start-up reconciliation settles it. `tombstone` marks a grantId revoked before it was
 * ever granted, so it can never be granted later.
 */
export const ledgerStateSchema = z.enum(['granting', 'pending', 'active', 'revoking', 'revoked', 'expired', 'failed', 'tombstone']);

export const grantRecordSchema = z.object({
  grantId: z.string(),
  fingerprint: z.string(),
  target: z.string(),
  role: z.string(),
  mode: z.enum(['ephemeral', 'existing-login']),
  dbUser: z.string().nullable(),
  /** The managed object's name on the database (the login in ephemeral mode). */
  name: z.string(),
  username: z.string().nullable(),
  state: ledgerStateSchema,
  notBefore: z.string().nullable(),
  notAfter: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  revokedAt: z.string().nullable().default(null),
  revokeReason: z.string().nullable().default(null),
  /** Revocation attempts so far, for backoff; and when the next one is due. */
  attempts: z.number().int().default(0),
  nextAttemptAt: z.string().nullable().default(null),
  lastError: z.string().nullable().default(null),
  /** A failed grant may have left a partial login behind that still has to be removed. */
  needsCleanup: z.boolean().default(false),
  /** A revocation the connector made on its own, not yet reported to callback.url. */
  callbackPending: z.boolean().default(false),
  /**
   * Ephemeral mode: the credential as first answered, sealed to the requester's key (only its holder opens it).
   * A repeat of the request answers with it again; the password itself is never kept.
   */
  credential: z.string().nullable().default(null),
});

export type GrantRecord = z.infer<typeof grantRecordSchema>;
export type LedgerState = z.infer<typeof ledgerStateSchema>;

/** States in which access may exist on the database and must be ended some day. */
export const LIVE_STATES: readonly LedgerState[] = ['granting', 'pending', 'active', 'revoking'];
export const isLive = (record: GrantRecord): boolean => LIVE_STATES.includes(record.state) || record.needsCleanup;
