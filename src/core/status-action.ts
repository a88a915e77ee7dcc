import type { GrantState } from './lifecycle';
import type { StatusNames } from './settings-schema';

/**
 * What the app does when a person moves a ticket to `status`, so the ticket never claims a state the
 * database does not have. A status that ends access (revoked, expired, resolved, cancelled…) is made
 * true at once: access is revoked at the connector before it is recorded. A status only the app may
 * claim (access granted, access failed, or a grant's progress) is put back to the status of the grant's
 * real state, with a note saying why. Before approval, a declined, denied or ended ticket records what
 * happened (declined, or cancelled) so it never shows a stale approval.
 */

export type StatusAction =
  /** The status already says what the grant is, or the grant is over and the move changes nothing. */
  | { kind: 'none' }
  /** JSM's approval step moved the ticket to approved: count the approvals. */
  | { kind: 'check-approval' }
  /** Record the event; nothing exists at the connector. */
  | { kind: 'record'; event: 'approval-declined' | 'revoked'; note: string }
  /** Revoke at the connector at once, then record the event. */
  | { kind: 'end-access'; event: 'revoked' | 'expired'; note: string }
  /** Move the ticket back to `toStatus` (the grant's real status) with an internal note. */
  | { kind: 'put-back'; toStatus: string; note: string };

/** The workflow status that tells the truth about a grant in `state`. */
export function statusOfState(state: GrantState, statuses: StatusNames): string {
  switch (state) {
    case 'requested':
    case 'awaiting-approval':
      return statuses.awaitingApproval;
    case 'approved':
    case 'scheduled':
    case 'granting':
      return statuses.approved;
    case 'active':
      return statuses.granted;
    default:
      return statuses[state];
  }
}

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

export function statusAction(state: GrantState, status: string, statuses: StatusNames): StatusAction {
  if (same(status, statusOfState(state, statuses))) return { kind: 'none' };
  const moved = `the ticket was moved to ${status}`;
  const ends = [...statuses.endAccess, statuses.revoked, statuses.expired].some((name) => same(name, status));
  const refusal = [statuses.declined, statuses.denied].some((name) => same(name, status));
  const claimedByApp = [statuses.awaitingApproval, statuses.approved, statuses.granted, statuses.failed].some((name) => same(name, status));
  const putBack = (why: string): StatusAction => ({ kind: 'put-back', toStatus: statusOfState(state, statuses), note: `${moved}, but ${why}` });

  switch (state) {
    case 'requested':
    case 'awaiting-approval':
      if (same(status, statuses.approved) && state === 'awaiting-approval') return { kind: 'check-approval' };
      if (state === 'awaiting-approval' && refusal) return { kind: 'record', event: 'approval-declined', note: moved };
      // A break-glass request holds a grant id its job may still use: declining it ends it there too.
      if (state === 'requested' && (ends || refusal)) return { kind: 'end-access', event: 'revoked', note: `${moved} before access started` };
      if (ends) return { kind: 'record', event: 'revoked', note: `${moved} before approval` };
      return claimedByApp ? putBack('the request is still waiting for approval; only the app records access') : { kind: 'none' };
    case 'approved':
    case 'scheduled':
    case 'granting':
      if (ends || refusal) return { kind: 'end-access', event: 'revoked', note: moved };
      return claimedByApp ? putBack('access is not granted yet; the app moves the ticket when the connector has answered') : { kind: 'none' };
    case 'active':
      if (same(status, statuses.expired)) return { kind: 'end-access', event: 'expired', note: moved };
      if (ends || refusal) return { kind: 'end-access', event: 'revoked', note: moved };
      return claimedByApp ? putBack('access is active at the database; end it with Revoke access or by resolving the request') : { kind: 'none' };
    case 'failed':
      // An administrator retries from the access panel, which runs the retry transition itself.
      return claimedByApp ? putBack('the grant failed; an administrator retries it from the access panel') : { kind: 'none' };
    default:
      return { kind: 'none' };
  }
}
