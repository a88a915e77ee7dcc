import { z } from 'zod';
import { CoreError } from './core-error';

/**
 * The lifecycle of one grant (shared/DESIGN.md). "Extended" is an event, not a state: an extension keeps
 * the grant `active` with a later end, and the history records it (from active, to active, event
 * extended). `revoked` also ends a grant that never became active (withdrawn or cancelled before
 * access, or while granting: the app still revokes at the connector, which is idempotent). `failed` is
 * final except for an administrator's retry (`grant-retried`), which grants again under a new grant id.
 */

export const grantStateSchema = z.enum([
  'requested',
  'awaiting-approval',
  'approved',
  'denied',
  'declined',
  'scheduled',
  'granting',
  'active',
  'expired',
  'revoked',
  'failed',
]);

export const lifecycleEventSchema = z.enum([
  'policy-approved',
  'policy-needs-approval',
  'policy-denied',
  'approval-approved',
  'approval-declined',
  'window-not-open',
  'grant-started',
  'grant-succeeded',
  /** Only after retries ran out. */
  'grant-failed',
  /** An administrator sends a failed grant back to the connector, under a new grant id. */
  'grant-retried',
  'expired',
  'revoked',
  'extended',
  'break-glass',
]);

export type GrantState = z.infer<typeof grantStateSchema>;
export type LifecycleEvent = z.infer<typeof lifecycleEventSchema>;

/** Every legal move; anything not listed is illegal. */
export const LIFECYCLE: Readonly<Record<GrantState, Readonly<Partial<Record<LifecycleEvent, GrantState>>>>> = {
  requested: {
    'policy-approved': 'approved',
    'policy-needs-approval': 'awaiting-approval',
    'policy-denied': 'denied',
    // Break-glass skips approval and scheduling: the app grants at once and records the outcome.
    'break-glass': 'active',
    'grant-failed': 'failed',
    // A break-glass request ended before its grant job ran.
    revoked: 'revoked',
  },
  'awaiting-approval': { 'approval-approved': 'approved', 'approval-declined': 'declined', revoked: 'revoked' },
  approved: { 'window-not-open': 'scheduled', 'grant-started': 'granting', revoked: 'revoked' },
  scheduled: { 'grant-started': 'granting', revoked: 'revoked' },
  granting: { 'grant-succeeded': 'active', 'grant-failed': 'failed', revoked: 'revoked' },
  active: { extended: 'active', expired: 'expired', revoked: 'revoked' },
  denied: {},
  declined: {},
  expired: {},
  revoked: {},
  // The only way out of failed: an administrator's retry, which starts a fresh grant.
  failed: { 'grant-retried': 'granting' },
};

/** The state after `event`; throws CoreError `illegal_transition` (never a silent no-op). */
export function transition(state: GrantState, event: LifecycleEvent): GrantState {
  const next = LIFECYCLE[state][event];
  if (next === undefined) {
    const allowed = allowedEvents(state);
    const hint = allowed.length ? `allowed: ${allowed.join(', ')}` : 'it is final';
    throw new CoreError('illegal_transition', `A grant that is ${state} cannot take the event ${event} (${hint}).`, {
      state,
      event,
      allowed,
    });
  }
  return next;
}

export function allowedEvents(state: GrantState): LifecycleEvent[] {
  return lifecycleEventSchema.options.filter((event) => LIFECYCLE[state][event] !== undefined);
}

export function isFinal(state: GrantState): boolean {
  return allowedEvents(state).length === 0;
}
