import { fetch } from '@forge/api';
import { assertNoSecrets, type GrantRecord } from '../../core';
import { logEvent } from '../log';
import type { AppConfig } from '../storage/app-config';
import type { StoredGrant } from '../storage/grant-entity';
import { updateGrant } from '../storage/grant-store';
import { oweTicketWrites } from './apply-steps';

/** Failed deliveries after which the admins are told in the ticket and by email (the sweep keeps retrying). */
export const ALERT_ESCALATE_AFTER = 3;

/**
 * The loud part of break-glass, with the review task (`ensureReviewTask`): a JSON alert to the configured
 * webhook (chat or SIEM). Delivers the alert a granted break-glass grant owes and records the outcome: delivered, or one more
 * failure (the grant stays due, so the sweep tries again every five minutes). After ALERT_ESCALATE_AFTER
 * failures the admins are told once, by an internal comment naming their groups and an email from Jira to
 * those groups (the webhook is the channel that failed). Returns the grant as
 * stored afterwards (undefined when another writer moved it on meanwhile).
 */
export async function deliverAlert(stored: StoredGrant, config: AppConfig): Promise<StoredGrant | undefined> {
  const { record, meta } = stored;
  if (await sendAlert(record, config, record.reviewTask ?? meta.reviewTask)) return updateGrant(stored, { ...stored, meta: { ...meta, alertSent: true } });
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
