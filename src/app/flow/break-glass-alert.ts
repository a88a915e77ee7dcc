import { fetch } from '@forge/api';
import { adfDoc, assertNoSecrets, type GrantRecord } from '../../core';
import { jira } from '../jira/jira-client';
import { logEvent } from '../log';
import type { AppConfig } from '../storage/app-config';
import type { StoredGrant } from '../storage/grant-entity';
import { updateGrant } from '../storage/grant-store';
import { oweTicketWrites } from './apply-steps';

/** Failed deliveries after which the admins are told in the ticket and by email (the sweep keeps retrying). */
export const ALERT_ESCALATE_AFTER = 3;
/** The review task is due this many days after the break-glass request. */
export const REVIEW_DUE_DAYS = 2;

/**
 * The loud part of break-glass: a JSON alert to the configured webhook (chat or SIEM) and a follow-up
 * review task in the request's project, linked to the ticket. Returns the review task's key. A webhook
 * that fails is logged and does not stop the grant; the internal comment already records the event.
 */
export async function createReviewTask(record: GrantRecord, config: AppConfig): Promise<string> {
  const project = await jira.getProject(record.ticket.split('-')[0] ?? record.ticket);
  const issueType = project.issueTypes.find((type) => type.name.toLowerCase() === config.reviewIssueType.toLowerCase()) ?? project.issueTypes[0];
  if (!issueType) throw new Error(`project ${project.key} offers no issue type for the review task`);
  const task = await jira.createIssue({
    projectKey: project.key,
    issueTypeId: issueType.id,
    summary: `Review break-glass access ${record.ticket}`,
    // Someone owns the review from the start, the project's lead, by a date.
    ...(project.lead ? { assigneeAccountId: project.lead.accountId } : {}),
    dueDate: new Date(Date.now() + REVIEW_DUE_DAYS * 86_400_000).toISOString().slice(0, 10),
    description: adfDoc([
      [`Break-glass access to ${record.target} (${record.accessLevel}) was granted without prior approval on ${record.ticket}.`],
      ['Review what was done with it and whether the emergency justified it.'],
    ]),
  });
  await jira.linkIssues(task.key, record.ticket, 'Relates');
  return task.key;
}

/**
 * Delivers the alert a granted break-glass grant owes and records the outcome: delivered, or one more
 * failure (the grant stays due, so the sweep tries again every five minutes). After ALERT_ESCALATE_AFTER
 * failures the admins are told once, by an internal comment naming their groups and an email from Jira to
 * those groups (the webhook is the channel that failed). Returns the grant as
 * stored afterwards (undefined when another writer moved it on meanwhile).
 */
export async function deliverAlert(stored: StoredGrant, config: AppConfig): Promise<StoredGrant | undefined> {
  const { record, meta } = stored;
  if (await sendAlert(record, config, record.reviewTask)) return updateGrant(stored, { ...stored, meta: { ...meta, alertSent: true } });
  const failures = meta.alertFailures + 1;
  const escalate = failures >= ALERT_ESCALATE_AFTER && meta.alertEscalatedAt === undefined;
  const escalation = [
    `Administrators (${config.adminGroups.join(', ')}): the break-glass alert for this access could not be delivered after ${failures} attempts${config.alertWebhookUrl ? ` to ${new URL(config.alertWebhookUrl).host}` : ' (no alert destination is set)'}.`,
    'Check the alert destination in the app settings; the app keeps trying every five minutes until one is delivered.',
  ];
  return oweTicketWrites(stored, {
    meta: { alertFailures: failures, ...(escalate ? { alertEscalatedAt: new Date().toISOString() } : {}) },
    notes: escalate ? [{ visibility: 'internal', lines: escalation }] : [],
    // Another channel than the one that failed: an email from Jira to the admin groups.
    ...(escalate ? { notify: { subject: `Break-glass alert not delivered: ${record.ticket}`, text: escalation.join('\n'), groups: config.adminGroups } } : {}),
  });
}

async function sendAlert(record: GrantRecord, config: AppConfig, reviewTask: string | undefined): Promise<boolean> {
  if (!config.alertWebhookUrl) return false;
  const alert = {
    kind: 'jit-access.break-glass',
    ticket: record.ticket,
    target: record.target,
    accessLevel: record.accessLevel,
    role: record.role,
    requester: record.requester.accountId,
    notBefore: record.window?.notBefore,
    notAfter: record.window?.notAfter,
    reviewTask,
    text: `Break-glass access to ${record.target} on ${record.ticket} until ${record.window?.notAfter ?? 'unknown'}; review ${reviewTask ?? 'pending'}.`,
  };
  assertNoSecrets(alert);
  try {
    const response = await fetch(config.alertWebhookUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(alert) });
    if (response.status >= 300) logEvent('break-glass.alert-failed', { ticket: record.ticket, status: response.status });
    return response.status < 300;
  } catch (error) {
    logEvent('break-glass.alert-failed', { ticket: record.ticket, error: error instanceof Error ? error.name : 'error' });
    return false;
  }
}
