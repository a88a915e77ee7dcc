import type { Settings } from '../../core';
import type { AppConfig } from '../storage/app-config';
import { isAppError } from '../app-error';
import { jira } from '../jira/jira-client';
import { moveTicket } from '../jira/move-ticket';
import type { StoredGrant } from '../storage/grant-entity';
import { applySteps, oweTicketWrites } from './apply-steps';
import { approveAndSchedule } from './schedule-grant';

/**
 * The ticket reached the approved status through JSM's approval step: count the approvals of the latest
 * completed approval that are by members of the rule's approver group and not by the requester. Enough:
 * record `approval-approved` and go on to access. Not enough (a self-approval, say): the approval is
 * refused and recorded (internal comment, stored with the grant), the requester is told, and the ticket
 * goes back to the approval status; a workflow with no way back declines instead. An approver group that
 * is no longer in the settings fails closed: no approval counts, and the admins are asked to act (the note,
 * and an email to their groups).
 */
export async function checkApproval(stored: StoredGrant, settings: Settings, config: AppConfig): Promise<StoredGrant | undefined> {
  const { record } = stored;
  const approvals = (await jira.getApprovals(record.ticket)).values.filter((approval) => approval.finalDecision === 'approved');
  const latest = approvals[approvals.length - 1];
  const approved = (latest?.approvers ?? []).filter((entry) => entry.approverDecision === 'approved');
  const approvedBy = approved.map((entry) => entry.approver.accountId);
  const requester = record.requester.accountId;
  const group = settings.approverGroups.find((candidate) => candidate.id === record.approval?.group);
  // Fail closed: an approver group missing from the settings counts no one, and the admins are asked to act.
  const members = group ? new Set(await jira.groupMembers(group.jiraGroup)) : new Set<string>();
  const eligible = approvedBy.filter((accountId) => accountId !== requester && members.has(accountId));
  const needed = record.approval?.count ?? 1;

  if (eligible.length >= needed) {
    const [first] = eligible;
    const firstName = approved.find((entry) => entry.approver.accountId === first)?.approver.displayName;
    return approveAndSchedule(
      stored,
      settings,
      config,
      [
        {
          event: 'approval-approved',
          actor: first ?? 'jsm',
          ...(firstName ? { actorName: firstName } : {}),
          ...(first ? { approver: first } : {}),
          ...(eligible.length > 1 ? { note: `approved by ${eligible.join(', ')}` } : {}),
        },
      ],
      [],
    );
  }

  const selfApproved = approvedBy.includes(requester);
  const reason = !group
    ? `the approver group "${record.approval?.group ?? 'none'}" of this request is not in the app settings, so no approval counts; an administrator (${config.adminGroups.join(', ')}) restores the group in the settings or declines the request`
    : selfApproved
    ? 'the requester approved their own request, and a requester never approves their own access'
    : `it needs ${needed} approval${needed === 1 ? '' : 's'} by members of ${group?.name ?? 'the approver group'} and ${eligible.length} counted`;
  // The requester hears why in their terms; which groups administer the app stays internal.
  const told = !group
    ? 'the approvers of this request are no longer set up, so no approval counts until an administrator fixes the settings or declines the request'
    : selfApproved
    ? 'a requester never approves their own access'
    : reason;
  const at = new Date().toISOString();
  const refused = approvedBy.filter((accountId) => !eligible.includes(accountId)).map((accountId) => ({ accountId, at, reason }));
  const note = [`Approval refused: ${reason}.`, ...refused.map((entry) => `Refused approval by ${entry.accountId} at ${entry.at}.`)];
  // Claimed with its note first, so of two deliveries only one refuses, moves the ticket back and says so.
  const kept = await oweTicketWrites(stored, {
    meta: { refusedApprovals: [...stored.meta.refusedApprovals, ...refused].slice(-20) },
    notes: [{ visibility: 'internal', lines: note }],
    // Only an administrator can settle a request whose approvers are gone: they are emailed, not left to find the note.
    ...(group ? {} : { notify: { subject: `Approval refused: ${record.ticket} needs an administrator`, text: note.join('\n').slice(0, 2000), groups: config.adminGroups } }),
  });
  if (!kept) return undefined;
  // Moved at once rather than owed: a workflow with no way back declines instead, which only the answer tells.
  try {
    await moveTicket(record.ticket, { toStatus: settings.statuses.awaitingApproval });
  } catch (error) {
    if (!isAppError(error, 'invalid_state')) throw error;
    return applySteps(kept, settings, [{ event: 'approval-declined', actor: 'app', note: `Approval refused: ${reason}` }], {
      moves: [{ toStatus: settings.statuses.declined }],
      ...(config.contact ? { contact: config.contact } : {}),
    });
  }
  return oweTicketWrites(kept, { notes: [{ visibility: 'public', lines: [`The approval did not count: ${told}. The request is back with the approvers; you will be told here when it is decided.`] }] });
}
