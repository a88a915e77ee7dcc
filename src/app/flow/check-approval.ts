import { countApprovals, readableTime, type Settings } from '../../core';
import type { AppConfig } from '../storage/app-config';
import { isAppError } from '../app-error';
import { jira } from '../jira/jira-client';
import { moveTicket } from '../jira/move-ticket';
import type { StoredGrant } from '../storage/grant-entity';
import { applySteps, oweTicketWrites } from './apply-steps';
import { approveAndSchedule } from './schedule-grant';

/**
 * The ticket reached the approved status through JSM's approval step: the latest completed approval is read
 * and `countApprovals` decides who counts. Enough: record `approval-approved` and go on to access. Not
 * enough (a self-approval, say): the approval is refused and recorded (internal comment, stored with the
 * grant), the requester is told, and the ticket goes back to the approval status; a workflow with no way
 * back declines instead. An approver group no longer in the settings also emails the admin groups.
 */
export async function checkApproval(stored: StoredGrant, settings: Settings, config: AppConfig): Promise<StoredGrant | undefined> {
  const { record } = stored;
  const approvals = (await jira.getApprovals(record.ticket)).values.filter((approval) => approval.finalDecision === 'approved');
  const latest = approvals[approvals.length - 1];
  const approved = (latest?.approvers ?? []).filter((entry) => entry.approverDecision === 'approved');
  const group = settings.approverGroups.find((candidate) => candidate.id === record.approval?.group);
  const count = countApprovals({
    requester: record.requester.accountId,
    approvedBy: approved.map((entry) => entry.approver.accountId),
    group,
    groupId: record.approval?.group,
    members: group ? new Set(await jira.groupMembers(group.jiraGroup)) : new Set<string>(),
    needed: record.approval?.count ?? 1,
    adminGroups: config.adminGroups,
  });

  if (count.kind === 'approved') {
    const [first] = count.eligible;
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
          approvers: count.eligible,
        },
      ],
      [],
    );
  }

  const { reason, told } = count;
  const at = new Date().toISOString();
  const refused = count.refused.map((accountId) => ({ accountId, at, reason }));
  const nameOf = (accountId: string) => approved.find((entry) => entry.approver.accountId === accountId)?.approver.displayName ?? 'an approver Jira cannot name';
  const note = [`Approval refused: ${reason}.`, ...refused.map((entry) => `Refused approval by ${nameOf(entry.accountId)} at ${readableTime(entry.at, 'seconds')}.`)];
  // Claimed with its note first, so of two deliveries only one refuses, moves the ticket back and says so.
  const kept = await oweTicketWrites(stored, {
    meta: { refusedApprovals: [...stored.meta.refusedApprovals, ...refused].slice(-20) },
    notes: [{ visibility: 'internal', lines: note }],
    // Only an administrator can settle a request whose approvers are gone: they are emailed, not left to find the note.
    ...(count.groupMissing ? { notify: { subject: `Approval refused: ${record.ticket} needs an administrator`, text: note.join('\n').slice(0, 2000), groups: config.adminGroups } } : {}),
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
