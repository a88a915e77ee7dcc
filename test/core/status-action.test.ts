import { defaultSettings, statusAction, statusOfState, type GrantState, type StatusAction } from '../../src/core';
import { accessRequestWorkflow } from '../../src/sandbox/jsm/workflow-presets';

const statuses = defaultSettings.statuses;

// Every status of the shipped workflow (src/sandbox/jsm/workflow-presets.ts, docs/admin-guide.md section 4).
const WORKFLOW = ['Waiting for approval', 'Approved', 'Access granted', 'Access expired', 'Access revoked', 'Access failed', 'Denied', 'Declined', 'Resolved', 'Canceled'] as const;
type Status = (typeof WORKFLOW)[number];

const none = 'none';
const check = 'check-approval';
const declined = 'record approval-declined';
const cancelled = 'record revoked';
const revoke = 'end-access revoked';
const expire = 'end-access expired';
const back = (to: string) => `put-back ${to}`;

/** What a person moving the ticket to each status leads to, for a grant in each state. */
const TABLE: Record<GrantState, Record<Status, string>> = {
  // A break-glass request waiting for its grant job: it holds a grant id, so whatever refuses or ends it revokes there.
  requested: {
    'Waiting for approval': none, Approved: back('Waiting for approval'), 'Access granted': back('Waiting for approval'), 'Access expired': revoke,
    'Access revoked': revoke, 'Access failed': back('Waiting for approval'), Denied: revoke, Declined: revoke, Resolved: revoke, Canceled: revoke,
  },
  'awaiting-approval': {
    'Waiting for approval': none, Approved: check, 'Access granted': back('Waiting for approval'), 'Access expired': cancelled,
    'Access revoked': cancelled, 'Access failed': back('Waiting for approval'), Denied: declined, Declined: declined, Resolved: cancelled, Canceled: cancelled,
  },
  approved: {
    'Waiting for approval': back('Approved'), Approved: none, 'Access granted': back('Approved'), 'Access expired': revoke,
    'Access revoked': revoke, 'Access failed': back('Approved'), Denied: revoke, Declined: revoke, Resolved: revoke, Canceled: revoke,
  },
  scheduled: {
    'Waiting for approval': back('Approved'), Approved: none, 'Access granted': back('Approved'), 'Access expired': revoke,
    'Access revoked': revoke, 'Access failed': back('Approved'), Denied: revoke, Declined: revoke, Resolved: revoke, Canceled: revoke,
  },
  granting: {
    'Waiting for approval': back('Approved'), Approved: none, 'Access granted': back('Approved'), 'Access expired': revoke,
    'Access revoked': revoke, 'Access failed': back('Approved'), Denied: revoke, Declined: revoke, Resolved: revoke, Canceled: revoke,
  },
  active: {
    'Waiting for approval': back('Access granted'), Approved: back('Access granted'), 'Access granted': none, 'Access expired': expire,
    'Access revoked': revoke, 'Access failed': back('Access granted'), Denied: revoke, Declined: revoke, Resolved: revoke, Canceled: revoke,
  },
  failed: {
    'Waiting for approval': back('Access failed'), Approved: back('Access failed'), 'Access granted': back('Access failed'), 'Access expired': none,
    'Access revoked': none, 'Access failed': none, Denied: none, Declined: none, Resolved: none, Canceled: none,
  },
  // Final states: nothing exists at the connector and the ticket's history already says why.
  expired: Object.fromEntries(WORKFLOW.map((status) => [status, none])) as Record<Status, string>,
  revoked: Object.fromEntries(WORKFLOW.map((status) => [status, none])) as Record<Status, string>,
  denied: Object.fromEntries(WORKFLOW.map((status) => [status, none])) as Record<Status, string>,
  declined: Object.fromEntries(WORKFLOW.map((status) => [status, none])) as Record<Status, string>,
};

function describe_(action: StatusAction): string {
  switch (action.kind) {
    case 'record':
    case 'end-access':
      return `${action.kind} ${action.event}`;
    case 'put-back':
      return `put-back ${action.toStatus}`;
    default:
      return action.kind;
  }
}

const rows = Object.entries(TABLE).flatMap(([state, byStatus]) => WORKFLOW.map((status) => [state as GrantState, status, byStatus[status]] as const));

describe('a person moves the ticket: the app makes the status true or puts the ticket back', () => {
  it.each(rows)('%s, moved to %s: %s', (state, status, expected) => {
    expect(describe_(statusAction(state, status, statuses))).toBe(expected);
  });

  it('covers every status of the shipped workflow and every grant state', () => {
    expect([...WORKFLOW].sort()).toEqual(accessRequestWorkflow('dba-leads').statuses.map((status) => status.name).sort());
    expect(Object.keys(TABLE).sort()).toEqual(['active', 'approved', 'awaiting-approval', 'declined', 'denied', 'expired', 'failed', 'granting', 'requested', 'revoked', 'scheduled']);
    const named = new Set([statuses.awaitingApproval, statuses.approved, statuses.granted, statuses.expired, statuses.revoked, statuses.failed, statuses.denied, statuses.declined, ...statuses.endAccess]);
    for (const status of WORKFLOW) expect(named).toContain(status);
  });

  it('puts a ticket back only to the status of the grant’s real state, and says why', () => {
    const action = statusAction('active', 'Access failed', statuses);
    expect(action).toEqual({
      kind: 'put-back',
      toStatus: statusOfState('active', statuses),
      note: 'the ticket was moved to Access failed, but access is active at the database; end it with Revoke access or by resolving the request',
    });
  });

  it('compares status names as Jira does, ignoring case', () => {
    expect(statusAction('active', 'access EXPIRED', statuses)).toMatchObject({ kind: 'end-access', event: 'expired' });
  });

  it('leaves statuses it does not know alone', () => {
    expect(statusAction('active', 'Under review', statuses)).toEqual({ kind: 'none' });
  });
});
