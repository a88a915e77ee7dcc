import { countApprovals, type ApprovalCount, type ApprovalCountInput } from '../../src/core';

const leads = { id: 'dba-leads', name: 'DBA leads' };
const base: ApprovalCountInput = {
  requester: 'acc-ana',
  approvedBy: [],
  group: leads,
  groupId: 'dba-leads',
  members: new Set(['acc-lead', 'acc-lead2', 'acc-ana']),
  needed: 1,
  adminGroups: ['jira-admins'],
};

function summary(count: ApprovalCount): string {
  return count.kind === 'approved' ? `approved by ${count.eligible.join(', ')}` : `refused ${count.refused.join(', ') || '-'}: ${count.reason}${count.groupMissing ? ' [admins]' : ''}`;
}

// Separation of duties: who counts when JSM's approval step moved the request to approved.
const rows: Array<[string, Partial<ApprovalCountInput>, string]> = [
  ['a member of the group approves', { approvedBy: ['acc-lead'] }, 'approved by acc-lead'],
  ['two members, one needed: both named', { approvedBy: ['acc-lead', 'acc-lead2'] }, 'approved by acc-lead, acc-lead2'],
  ['the requester, though a member, never counts', { approvedBy: ['acc-ana'] }, 'refused acc-ana: the requester approved their own request, and a requester never approves their own access'],
  ['the requester and a member: the member counts', { approvedBy: ['acc-ana', 'acc-lead'] }, 'approved by acc-lead'],
  ['an approver outside the group does not count', { approvedBy: ['acc-other'] }, 'refused acc-other: it needs 1 approval by members of DBA leads and 0 counted'],
  ['two needed, one counted', { approvedBy: ['acc-lead', 'acc-other'], needed: 2 }, 'refused acc-other: it needs 2 approvals by members of DBA leads and 1 counted'],
  ['no approver at all', {}, 'refused -: it needs 1 approval by members of DBA leads and 0 counted'],
  [
    'the group is gone from the settings: no one counts, and the admins are asked',
    { approvedBy: ['acc-lead'], group: undefined, members: new Set() },
    'refused acc-lead: the approver group "dba-leads" of this request is not in the app settings, so no approval counts; an administrator (jira-admins) restores the group in the settings or declines the request [admins]',
  ],
  [
    'the group is gone: its old members do not count either',
    { approvedBy: ['acc-lead', 'acc-lead2'], group: undefined },
    'refused acc-lead, acc-lead2: the approver group "dba-leads" of this request is not in the app settings, so no approval counts; an administrator (jira-admins) restores the group in the settings or declines the request [admins]',
  ],
];

describe('countApprovals', () => {
  it.each(rows)('%s', (_label, input, expected) => {
    expect(summary(countApprovals({ ...base, ...input }))).toEqual(expected);
  });

  it('tells the requester in their terms, never the admin groups', () => {
    const count = countApprovals({ ...base, approvedBy: ['acc-lead'], group: undefined });
    expect(count).toMatchObject({ kind: 'refused', told: 'the approvers of this request are no longer set up, so no approval counts until an administrator fixes the settings or declines the request' });
    expect(countApprovals({ ...base, approvedBy: ['acc-ana'] })).toMatchObject({ told: 'a requester never approves their own access' });
  });
});
