import { adfDoc, adfToText, link, type AdfDoc } from '../../core';
import type { ActivityDigest } from '../../protocol';
import { jira } from '../jira/jira-client';
import { activityComment } from './activity-digest';
import { attachedRecord } from './activity-record';

/**
 * Tells a break-glass grant's review task what was run under it: the digest, and where the whole record
 * is (the file on the ticket, which the effect before this one attached). A replay looks for the note first.
 */
export async function noteReviewTask(ticket: string, note: { task: string; grantId: string; digest: ActivityDigest }, replay: boolean): Promise<void> {
  const file = await attachedRecord(ticket, note.grantId);
  const body = reviewNote(ticket, note.grantId, note.digest, file);
  if (replay && (await jira.listIssueComments(note.task)).includes(adfToText(body))) return;
  await jira.addIssueComment(note.task, body);
}

export function reviewNote(ticket: string, grantId: string, digest: ActivityDigest, file: { filename: string; content: string } | undefined): AdfDoc {
  return adfDoc([
    [`What was run under the break-glass access of ${ticket}:`],
    ...activityComment(grantId, digest).content.map((paragraph) => paragraph.content),
    ...(digest.statements === 0 ? [] : [file === undefined ? [`The full record of every statement is at the connector: GET /v1/grants/${grantId}/activity.`] : [`The full record of every statement is attached to ${ticket}: `, link(file.filename, file.content)]]),
  ]);
}
