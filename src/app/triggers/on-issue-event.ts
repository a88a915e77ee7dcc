import { z } from 'zod';
import { syncTicket } from '../flow/sync-ticket';
import { ticketDeleted } from '../flow/ticket-deleted';
import { logEvent } from '../log';
import { loadAppConfig } from '../storage/settings-store';

const issueEventSchema = z.looseObject({
  eventType: z.string(),
  atlassianId: z.string().optional(),
  issue: z.looseObject({
    key: z.string(),
    fields: z.looseObject({ project: z.looseObject({ key: z.string() }).optional() }).optional(),
  }),
  changelog: z.looseObject({ items: z.array(z.looseObject({ field: z.string() })) }).optional(),
});

/**
 * Product trigger for `avi:jira:created:issue`, `avi:jira:updated:issue` and `avi:jira:deleted:issue` (the
 * app's own changes are filtered out by `ignoreSelf`). Updates that do not change the status mean nothing
 * to a grant and cost no REST call; a deletion ends the ticket's grant; everything else re-reads the
 * request and syncs it.
 */
export async function onIssueEvent(event: unknown): Promise<void> {
  const parsed = issueEventSchema.safeParse(event);
  if (!parsed.success) {
    logEvent('issue-event.unreadable');
    return;
  }
  const { eventType, issue, changelog, atlassianId } = parsed.data;
  if (eventType === 'avi:jira:updated:issue' && changelog && !changelog.items.some((item) => item.field === 'status')) return;
  const config = await loadAppConfig();
  const project = issue.fields?.project?.key ?? issue.key.split('-')[0];
  if (config.projectKey && project !== config.projectKey) return;
  if (eventType === 'avi:jira:deleted:issue') await ticketDeleted(issue.key, atlassianId ?? 'jsm');
  else await syncTicket(issue.key, atlassianId ?? 'jsm');
}
