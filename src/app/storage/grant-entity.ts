import { z } from 'zod';
import { JOB_GRACE_MS, adfDocSchema, grantRecordSchema, linkedChangeSchema } from '../../core';
import { MAX_DELAY_SECONDS } from '../queue/grant-queue';
import { ticketEffectSchema } from './ticket-effect';

/**
 * One request's grant as the app stores it (custom entity `grant`, keyed by ticket key). `record` is the
 * core grant record the `jit-access` property mirrors; `meta` holds what only the app needs. `phase` and
 * `dueAt` feed the `by-due` index the sweep reads, so it never scans tickets: the store derives both from
 * the record and meta each time it writes (`phaseOf`, `dueAtOf`), and no caller sets them.
 */

export const GRANT_ENTITY = 'grant';
export const DUE_INDEX = 'by-due';
export const CREATED_INDEX = 'by-created';

const instant = z.iso.datetime({ offset: true });

export const grantMetaSchema = z.strictObject({
  requestTypeId: z.string(),
  /** Reasons of the latest policy decision, for the panel and the simulator view. */
  reasons: z.array(z.string()).default([]),
  /** The rule that decided, kept until a transition records it (break-glass records it when access starts). */
  rule: z.strictObject({ id: z.string(), name: z.string() }).optional(),
  /** The follow-up review task of a break-glass request, created when it arrives. */
  reviewTask: z.string().optional(),
  requestedStart: instant.optional(),
  /** The linked change as read when the request arrived: its status and planned window. */
  change: linkedChangeSchema.optional(),
  requesterEmail: z.string().optional(),
  /** The requester's display name from the request, so comments name them without a user lookup. */
  requesterName: z.string().max(255).optional(),
  justification: z.string().max(2000).optional(),
  /** The grant job allowed to act and when it is due; a job carrying another token is a stale duplicate. */
  job: z.strictObject({ token: z.string(), deliverAt: instant }).optional(),
  /** When to warn the requester that access ends soon; gone once warned. */
  warnAt: instant.optional(),
  refusedApprovals: z.array(z.strictObject({ accountId: z.string(), at: instant, reason: z.string() })).default([]),
  alertSent: z.boolean().default(false),
  /** Break-glass alert deliveries that failed; the sweep retries until one is delivered. */
  alertFailures: z.number().int().min(0).default(0),
  /** When the admins were told in the ticket that the alert could not be delivered. */
  alertEscalatedAt: instant.optional(),
  /** Set when the connector still had access the app did not expect (reconciliation). */
  flagged: z.string().optional(),
  /** An extension the policy sent to approvers, waiting for their answer. */
  pendingExtension: z.strictObject({ extendBy: z.string(), at: instant, group: z.string() }).optional(),
  /** A revocation asked for while the connector could not be reached; the sweep retries it. */
  revokeRequested: z.strictObject({ at: instant, by: z.string(), reason: z.string(), event: z.enum(['revoked', 'expired']).default('revoked') }).optional(),
  /** Ticket writes the grant's steps owe, in order (the outbox); applied at once, replayed by the sweep. */
  effects: z.array(ticketEffectSchema).default([]),
  /** The internal audit comment of steps whose comment waits for the next steps' (an approval the grant follows at once). */
  deferredAudit: adfDocSchema.optional(),
  /** The ticket has its comment on what was run under the grant (a gateway target's activity digest). */
  activityRecorded: z.literal(true).optional(),
  /** The ticket was deleted: the grant is ended and nothing is written to Jira for it any more. */
  ticketDeleted: z.strictObject({ at: instant, by: z.string() }).optional(),
});

export const phaseSchema = z.enum(['open', 'idle', 'closed']);

export const storedGrantSchema = z.strictObject({
  ticket: z.string(),
  createdAt: z.number().int(),
  version: z.number().int().min(1),
  record: grantRecordSchema,
  meta: grantMetaSchema,
});

/** What the entity holds: the stored grant and the index attributes derived from it. */
export const grantEntitySchema = storedGrantSchema.extend({
  phase: phaseSchema,
  /** Epoch ms when the sweep should look at this grant next (only meaningful in phase `open`). */
  dueAt: z.number(),
});

export type GrantMeta = z.infer<typeof grantMetaSchema>;
export type GrantMetaInput = z.input<typeof grantMetaSchema>;
export type StoredGrant = z.infer<typeof storedGrantSchema>;
export type GrantEntity = z.infer<typeof grantEntitySchema>;
export type Phase = z.infer<typeof phaseSchema>;

/** Open: the sweep has work on it at `dueAt`; idle: waits for a person; closed: final. */
export function phaseOf({ record, meta }: Pick<StoredGrant, 'record' | 'meta'>): Phase {
  if (alertOwed({ record, meta }) || meta.effects.length > 0) return 'open';
  switch (record.state) {
    case 'approved':
    case 'scheduled':
    case 'granting':
    case 'active':
      return 'open';
    case 'requested':
      // A break-glass request the policy let through waits for its grant job, which the sweep re-sends if it was lost.
      return meta.job ? 'open' : 'idle';
    case 'awaiting-approval':
      return 'idle';
    default:
      return 'closed';
  }
}

export const FAR_FUTURE = 8_640_000_000_000;

/** How long the invocation that wrote effects has to apply them before the sweep replays them. */
export const EFFECTS_REPLAY_AFTER_MS = 2 * 60_000;

/** A break-glass grant that was granted owes its alert until one is delivered, whatever became of the access. */
export function alertOwed({ record, meta }: Pick<StoredGrant, 'record' | 'meta'>): boolean {
  return record.breakGlass && record.username !== undefined && !meta.alertSent;
}

/**
 * When the sweep should next look at the grant: a revocation that could not reach the connector at once;
 * a break-glass alert still owed; ticket writes still owed a while after they were recorded; an active
 * grant's warning, then its end; a queued job's delivery plus a grace (the job was lost if it
 * has not acted by then); a window that opens beyond the queue's reach when it comes within it; and an
 * open grant with no job at once.
 */
export function dueAtOf({ record, meta }: Pick<StoredGrant, 'record' | 'meta'>): number {
  if (phaseOf({ record, meta }) !== 'open') return FAR_FUTURE;
  if (meta.revokeRequested) return Date.parse(meta.revokeRequested.at);
  if (alertOwed({ record, meta })) return 0;
  // Effects are applied by the invocation that wrote them; the sweep replays them if that did not finish.
  const [oldest] = meta.effects;
  if (oldest) return Date.parse(oldest.at) + EFFECTS_REPLAY_AFTER_MS;
  if (record.state === 'active' && record.window) return Date.parse(meta.warnAt ?? record.window.notAfter);
  if (meta.job) return Date.parse(meta.job.deliverAt) + JOB_GRACE_MS;
  if (record.state === 'scheduled' && record.window) return Date.parse(record.window.notBefore) - MAX_DELAY_SECONDS * 1000;
  return 0;
}

/** The entity value of a grant: the grant with its derived index attributes. */
export function toEntity(grant: StoredGrant): GrantEntity {
  const parsed = storedGrantSchema.parse(grant);
  return { ...parsed, phase: phaseOf(parsed), dueAt: dueAtOf(parsed) };
}
