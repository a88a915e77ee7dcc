import { z } from 'zod';
import { grantRecordSchema, type GrantRecord, type GrantState } from '../../core';

/**
 * One request's grant as the app stores it (custom entity `grant`, keyed by ticket key). `record` is the
 * core grant record the `jit-access` property mirrors; `meta` holds what only the app needs. `phase` and
 * `dueAt` feed the `by-due` index the sweep reads, so it never scans tickets.
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
  plannedWindow: z.strictObject({ start: instant, end: instant }).optional(),
  changeStatus: z.string().optional(),
  requesterEmail: z.string().optional(),
  /** The requester's display name from the request, so comments name them without a user lookup. */
  requesterName: z.string().max(255).optional(),
  justification: z.string().max(2000).optional(),
  /** The grant job allowed to act; a job carrying another token is a stale duplicate. */
  jobToken: z.string().optional(),
  warnedAt: instant.optional(),
  refusedApprovals: z.array(z.strictObject({ accountId: z.string(), at: instant, reason: z.string() })).default([]),
  alertSent: z.boolean().default(false),
  /** Set when the connector still had access the app did not expect (reconciliation). */
  flagged: z.string().optional(),
  /** An extension the policy sent to approvers, waiting for their answer. */
  pendingExtension: z.strictObject({ extendBy: z.string(), at: instant, group: z.string() }).optional(),
  /** A revocation asked for while the connector could not be reached; the sweep retries it. */
  revokeRequested: z.strictObject({ at: instant, by: z.string(), reason: z.string() }).optional(),
  /** The ticket was deleted: the grant is ended and nothing is written to Jira for it any more. */
  ticketDeleted: z.strictObject({ at: instant, by: z.string() }).optional(),
});

export const phaseSchema = z.enum(['open', 'idle', 'closed']);

export const storedGrantSchema = z.strictObject({
  ticket: z.string(),
  state: z.string(),
  phase: phaseSchema,
  /** Epoch ms when the sweep should look at this grant next (only meaningful in phase `open`). */
  dueAt: z.number().int(),
  createdAt: z.number().int(),
  version: z.number().int().min(1),
  record: grantRecordSchema,
  meta: grantMetaSchema,
});

export type GrantMeta = z.infer<typeof grantMetaSchema>;
export type GrantMetaInput = z.input<typeof grantMetaSchema>;
export type StoredGrant = z.infer<typeof storedGrantSchema>;
export type Phase = z.infer<typeof phaseSchema>;

/** Open: the sweep has work on it at `dueAt`; idle: waits for a person; closed: final. */
export function phaseOf(state: GrantState, breakGlass = false): Phase {
  switch (state) {
    case 'approved':
    case 'scheduled':
    case 'granting':
    case 'active':
      return 'open';
    case 'requested':
      // A break-glass request waits for its grant job, which the sweep re-sends if it was lost.
      return breakGlass ? 'open' : 'idle';
    case 'awaiting-approval':
      return 'idle';
    default:
      return 'closed';
  }
}

export const FAR_FUTURE = 8_640_000_000_000;

/** The grant id of a ticket's grant: the ticket key and a generation (`JIT-12.1`), so callbacks map back without a lookup. */
export function grantIdFor(ticket: string, generation = 1): string {
  return `${ticket}.${generation}`;
}

/**
 * The grant id an administrator's retry of a failed grant uses: the next generation after the one the
 * grant last ran under (the first, when it never got one recorded).
 */
export function nextGrantId(record: Pick<GrantRecord, 'ticket' | 'grantId'>): string {
  const generation = Number(/\.(\d+)$/.exec(record.grantId ?? '')?.[1] ?? 1);
  return grantIdFor(record.ticket, generation + 1);
}

export function ticketOfGrantId(grantId: string): string | undefined {
  return /^([A-Z][A-Z0-9_]*-\d+)\.\d+$/.exec(grantId)?.[1];
}

/** The stored grant with another record (state, phase follow it) and due time. */
export function withRecord(stored: StoredGrant, record: GrantRecord, dueAt: number, meta: Partial<GrantMeta> = {}): StoredGrant {
  return { ...stored, state: record.state, phase: phaseOf(record.state, record.breakGlass), dueAt, record, meta: { ...stored.meta, ...meta } };
}
