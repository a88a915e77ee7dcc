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
import type { Move } from '../jira/move-ticket';
import type { GrantMeta, StoredGrant } from '../storage/grant-entity';
import type { NewEffect } from '../storage/ticket-effect';
import { updateGrant } from '../storage/grant-store';
import { applyEffects, newEffects } from './apply-effects';
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
  /**
   * Keep the internal comment with the grant and post it with the next steps' (default false): an
   * approval followed at once by the grant is audited in the grant's comment, one Jira call fewer.
   */
  deferInternalComment?: boolean;
  meta?: Partial<GrantMeta>;
  /** A further internal comment of its own, after the audit entry (what was run under a gateway grant). */
  internalExtra?: AdfDoc;
  /** Writes owed after all the others, so one that keeps failing holds none of them back (the activity record's file). */
  after?: readonly NewEffect[];
  /** Values that must never appear in what is written (the grant's password). */
  secrets?: readonly string[];
}

/**
 * Applies lifecycle steps to a grant: the record and the ticket writes it owes (workflow moves, one
 * internal comment holding the audit entry of every step, the requester's comment, the property) are
 * stored in one write conditioned on the version read (so a duplicate delivery that lost the race does
 * nothing and gets undefined), then applied (`applyEffects`); what a failure leaves, the sweep replays.
 * Steps applied together share one comment to keep Jira calls per lifecycle low, and so do steps whose
 * comment was deferred (`deferInternalComment`). A deleted ticket gets only the store.
 */
export async function applySteps(stored: StoredGrant, settings: Settings, steps: readonly Step[], options: StepOptions = {}): Promise<StoredGrant | undefined> {
  let record: GrantRecord = stored.record;
  const internal: AdfDoc['content'] = [...(stored.meta.deferredAudit?.content ?? [])];
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
  const deferredAudit: AdfDoc | undefined = options.deferInternalComment && internal.length > 0 ? { version: 1, type: 'doc', content: internal } : undefined;
  const publicBody = publicDoc && options.publicExtra ? { ...publicDoc, content: [...publicDoc.content, ...options.publicExtra.content] } : publicDoc;
  const owed = stored.meta.ticketDeleted
    ? []
    : newEffects(
        [
          ...(options.moves ?? []).map((move) => ({ kind: 'move' as const, move })),
          ...(internal.length > 0 && !deferredAudit ? [{ kind: 'comment' as const, visibility: 'internal' as const, body: { version: 1 as const, type: 'doc' as const, content: internal } }] : []),
          ...(options.internalExtra ? [{ kind: 'comment' as const, visibility: 'internal' as const, body: options.internalExtra }] : []),
          ...(publicBody && options.publicComment !== false ? [{ kind: 'comment' as const, visibility: 'public' as const, body: publicBody }] : []),
          ...(options.property !== false ? [{ kind: 'property' as const }] : []),
          ...(options.after ?? []),
        ],
        new Date(),
      );
  const meta = { ...stored.meta, ...options.meta, deferredAudit, effects: [...stored.meta.effects, ...owed] };
  // The record and the ticket writes it owes are one storage write (the outbox), then applied.
  const written = await updateGrant(stored, { ...stored, record, meta });
  if (!written || owed.length === 0) return written;
  return applyEffects(written, new Set(owed.map((effect) => effect.id)), options.secrets ?? []);
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
