import {
  GRANT_PROPERTY_KEY,
  adfDoc,
  recordTransition,
  serializeRecord,
  type AdfDoc,
  type GrantRecord,
  type GrantRecordPatch,
  type LifecycleEvent,
  type Settings,
} from '../../core';
import { jira } from '../jira/jira-client';
import { moveTicket, type Move } from '../jira/move-ticket';
import { phaseOf, type GrantMeta, type StoredGrant } from '../storage/grant-entity';
import { updateGrant } from '../storage/grant-store';
import { ticketComments } from './ticket-comments';

export interface Step {
  event: LifecycleEvent;
  actor: string;
  /** The actor's display name, when the app already read it (no Jira call is made for it). */
  actorName?: string;
  rule?: { id: string; name: string };
  note?: string;
  approver?: string;
  set?: GrantRecordPatch;
  reasons?: readonly string[];
}

export interface StepOptions {
  /** Workflow moves to make, in order, after the store accepted the steps. */
  moves?: readonly Move[];
  /** Post the requester-facing comment of the last step that has one (default true). */
  publicComment?: boolean;
  /** Extra paragraphs for the public comment (a window warning, say). */
  publicExtra?: AdfDoc;
  /** Mirror the record to the `jit-access` property (default true). */
  property?: boolean;
  dueAt: number;
  meta?: Partial<GrantMeta>;
  /** Values that must never appear in what is written (the grant's password). */
  secrets?: readonly string[];
}

/**
 * Applies lifecycle steps to a grant: the store first, conditioned on the version read (so a duplicate
 * delivery that lost the race does nothing and gets undefined), then the ticket: workflow moves, one
 * internal comment holding the audit entry of every step, the requester's comment, and the property.
 * Steps applied together share one comment to keep Jira calls per lifecycle low. A deleted ticket gets
 * only the store.
 */
export async function applySteps(stored: StoredGrant, settings: Settings, steps: readonly Step[], options: StepOptions): Promise<StoredGrant | undefined> {
  let record: GrantRecord = stored.record;
  const internal: AdfDoc['content'] = [];
  let publicDoc: AdfDoc | null = null;
  for (const step of steps) {
    record = recordTransition(record, {
      event: step.event,
      at: new Date(),
      actor: step.actor,
      ...(step.rule ? { rule: step.rule } : {}),
      ...(step.note ? { note: step.note } : {}),
      ...(step.approver ? { approver: step.approver } : {}),
      ...(step.set ? { set: step.set } : {}),
    });
    const actorName = step.actorName ?? (step.actor === record.requester.accountId ? stored.meta.requesterName : undefined);
    const comments = ticketComments(record, settings, step.reasons ?? [], actorName);
    internal.push(...comments.internal.content);
    if (comments.public) publicDoc = comments.public;
  }
  const next: StoredGrant = {
    ...stored,
    state: record.state,
    phase: phaseOf(record.state, record.breakGlass),
    dueAt: options.dueAt,
    record,
    meta: { ...stored.meta, ...options.meta },
  };
  const written = await updateGrant(stored, next);
  if (!written || written.meta.ticketDeleted) return written;
  const secrets = options.secrets ?? [];
  for (const move of options.moves ?? []) await moveTicket(record.ticket, move);
  if (internal.length > 0) await jira.addComment(record.ticket, { version: 1, type: 'doc', content: internal }, 'internal');
  const publicBody = publicDoc && options.publicExtra ? { ...publicDoc, content: [...publicDoc.content, ...options.publicExtra.content] } : publicDoc;
  if (publicBody && options.publicComment !== false) await jira.addComment(record.ticket, publicBody, 'public');
  if (options.property !== false) await writeProperty(record, secrets);
  return written;
}

export async function writeProperty(record: GrantRecord, secrets: readonly string[] = []): Promise<void> {
  await jira.setProperty(record.ticket, GRANT_PROPERTY_KEY, serializeRecord(record, secrets));
}

/** A note on the ticket outside the lifecycle (a refused approval, a failed attempt), as one internal comment. */
export async function internalNote(ticket: string, lines: readonly string[]): Promise<void> {
  await jira.addComment(ticket, adfDoc(lines.map((line) => [line])), 'internal');
}

export async function publicNote(ticket: string, lines: readonly string[]): Promise<void> {
  await jira.addComment(ticket, adfDoc(lines.map((line) => [line])), 'public');
}
