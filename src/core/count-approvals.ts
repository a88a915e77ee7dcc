/**
 * Who counts when JSM's approval step moved a request to approved: only approvers in the rule's approver
 * group, never the requester. Enough of them approve it; otherwise the approval is refused, with the reason
 * for the audit and the words the requester is told. Fails closed: an approver group no longer in the
 * settings counts no one, and the reason asks the admins to act.
 */

export interface ApprovalCountInput {
  requester: string;
  /** Accounts that approved in the latest completed approval, in order. */
  approvedBy: readonly string[];
  /** The approver group as the settings name it now; undefined when it is gone. */
  group: { id: string; name: string } | undefined;
  /** The group id the request waits for, as recorded (for the note when the group is gone). */
  groupId: string | undefined;
  /** Members of the group's Jira group (not read when the group is gone). */
  members: ReadonlySet<string>;
  needed: number;
  adminGroups: readonly string[];
}

export type ApprovalCount =
  | { kind: 'approved'; eligible: string[] }
  /** `reason` for the internal note, `told` for the requester; `refused` the approvals that did not count. */
  | { kind: 'refused'; reason: string; told: string; refused: string[]; groupMissing: boolean };

export function countApprovals(input: ApprovalCountInput): ApprovalCount {
  const { requester, approvedBy, group, members, needed } = input;
  const eligible = group ? approvedBy.filter((accountId) => accountId !== requester && members.has(accountId)) : [];
  if (eligible.length >= needed) return { kind: 'approved', eligible };
  const refused = approvedBy.filter((accountId) => !eligible.includes(accountId));
  if (!group) {
    return {
      kind: 'refused',
      reason: `the approver group "${input.groupId ?? 'none'}" of this request is not in the app settings, so no approval counts; an administrator (${input.adminGroups.join(', ')}) restores the group in the settings or declines the request`,
      // The requester hears why in their terms; which groups administer the app stays internal.
      told: 'the approvers of this request are no longer set up, so no approval counts until an administrator fixes the settings or declines the request',
      refused,
      groupMissing: true,
    };
  }
  if (approvedBy.includes(requester)) {
    return { kind: 'refused', reason: 'the requester approved their own request, and a requester never approves their own access', told: 'a requester never approves their own access', refused, groupMissing: false };
  }
  const reason = `it needs ${needed} approval${needed === 1 ? '' : 's'} by members of ${group.name} and ${eligible.length} counted`;
  return { kind: 'refused', reason, told: reason, refused, groupMissing: false };
}
