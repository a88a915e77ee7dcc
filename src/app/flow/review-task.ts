import { adfDoc, type GrantRecord } from '../../core';
import { jira } from '../jira/jira-client';
import type { AppConfig } from '../storage/app-config';

/** The review task is due this many days after the break-glass request. */
export const REVIEW_DUE_DAYS = 2;
/** The issue property that names, on a review task, the request it reviews. */
export const REVIEW_OF_PROPERTY = 'jit-review-of';

const ISSUE_KEY = /^[A-Z][A-Z0-9_]*-\d+$/;

/**
 * The follow-up review task of a break-glass request: in the request's project, assigned to the project's
 * lead (someone owns it from the start), due in REVIEW_DUE_DAYS, linked to the request. Applied from the
 * outbox once in outcome: the task carries a property naming the request, so a replay of an attempt whose
 * answer was lost (`attempted`) finds the task made then instead of making another; the link is made
 * again harmlessly (Jira keeps one link of a type between two issues). Returns the task's key.
 */
export async function ensureReviewTask(record: GrantRecord, config: AppConfig, attempted: boolean): Promise<string> {
  const key = (attempted ? await findReviewTask(record.ticket) : undefined) ?? (await createReviewTask(record, config));
  await jira.linkIssues(key, record.ticket, 'Relates');
  return key;
}

async function findReviewTask(ticket: string): Promise<string | undefined> {
  // The JQL is built from a constant and a key checked here, never from free text.
  if (!ISSUE_KEY.test(ticket)) throw new Error(`not an issue key: ${ticket}`);
  const [found] = await jira.searchIssues(`issue.property[${REVIEW_OF_PROPERTY}].ticket = "${ticket}" ORDER BY created`, ['summary'], 1);
  return found?.key;
}

async function createReviewTask(record: GrantRecord, config: AppConfig): Promise<string> {
  const project = await jira.getProject(record.ticket.split('-')[0] ?? record.ticket);
  const issueType = project.issueTypes.find((type) => type.name.toLowerCase() === config.reviewIssueType.toLowerCase()) ?? project.issueTypes[0];
  if (!issueType) throw new Error(`project ${project.key} offers no issue type for the review task`);
  const task = await jira.createIssue({
    projectKey: project.key,
    issueTypeId: issueType.id,
    summary: `Review break-glass access ${record.ticket}`,
    ...(project.lead ? { assigneeAccountId: project.lead.accountId } : {}),
    dueDate: new Date(Date.now() + REVIEW_DUE_DAYS * 86_400_000).toISOString().slice(0, 10),
    description: adfDoc([
      [`Break-glass access to ${record.target} (${record.accessLevel}) was granted without prior approval on ${record.ticket}.`],
      ['Review what was done with it and whether the emergency justified it.'],
    ]),
    properties: [{ key: REVIEW_OF_PROPERTY, value: { ticket: record.ticket } }],
  });
  return task.key;
}
