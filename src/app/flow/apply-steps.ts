import {
  adfDoc,
  recordTransition,
  serializeRecord,
  type AdfDoc,
  type GrantRecord,
  type GrantRecordPatch,
  type LifecycleEvent,
  type Settings,
} from '../../core';
import type { Move } from '../jira/move-ticket';
import type { GrantMeta, StoredGrant } from '../storage/grant-entity';
import type { NewEffect } from '../storage/ticket-effect';
import { updateGrant } from '../storage/grant-store';
import { newEffects } from './apply-effects';
import { pushTicketWritesJob } from '../queue/grant-queue';
import { ticketComments } from './ticket-comments';

export interface Step {
  event: LifecycleEvent;
  actor: string;
  /** The actor's display name, when the app already read it (no Jira call is made for it). */
  actorName?: string;
  rule?: { id: string; name: string };
  note?: string;
  approvers?: readonly string[];
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
  /** Comment on the steps (the audit entry and the requester's comment; default true). */
  comments?: boolean;
  /** Notes of their own, after the steps' comments (a failed attempt, the warning before the end). */
  notes?: readonly { visibility: 'internal' | 'public'; body: AdfDoc }[];
  /** Writes owed after all the others, so one that keeps failing holds none of them back (the activity record's file). */
  after?: readonly NewEffect[];
  /** Values that must never appear in what is written (the grant's password). */
  secrets?: readonly string[];
  /** Whom the requester's comment tells them to ask (the app's configured contact). */
  contact?: string;
}

/**
 * Applies lifecycle steps to a grant: the record and the ticket writes it owes (workflow moves, one
 * internal comment holding the audit entry of every step, the requester's comment, the property) are
 * stored in one write conditioned on the version read (so a duplicate delivery that lost the race does
 * nothing and gets undefined), then handed to the queue consumer; what it cannot apply, the sweep replays.
 * Steps applied together share one comment to keep Jira calls per lifecycle low, and so do steps whose
 * comment was deferred (`deferInternalComment`). A deleted ticket gets only the store.
 */
export async function applySteps(stored: StoredGrant, settings: Settings, steps: readonly Step[], options: StepOptions = {}): Promise<StoredGrant | undefined> {
  let record: GrantRecord = stored.record;
  const commented = options.comments !== false;
  const internal: AdfDoc['content'] = commented ? [...(stored.meta.deferredAudit?.content ?? [])] : [];
  let publicDoc: AdfDoc | null = null;
  for (const step of steps) {
    record = recordTransition(record, {
      event: step.event,
      at: new Date(),
      actor: step.actor,
      ...(step.rule ? { rule: step.rule } : {}),
      ...(step.note ? { note: step.note } : {}),
      ...(step.approvers ? { approvers: step.approvers } : {}),
      ...(step.set ? { set: step.set } : {}),
    });
    if (!commented) continue;
    const actorName = step.actorName ?? (step.actor === record.requester.accountId ? stored.meta.requesterName : undefined);
    const comments = ticketComments(record, settings, step.reasons ?? [], actorName, options.contact);
    internal.push(...comments.internal.content);
    if (comments.public) publicDoc = comments.public;
  }
  const deferredAudit: AdfDoc | undefined = !commented
    ? stored.meta.deferredAudit
    : options.deferInternalComment && internal.length > 0
    ? { version: 1, type: 'doc', content: internal }
    : undefined;
  const publicBody = publicDoc && options.publicExtra ? { ...publicDoc, content: [...publicDoc.content, ...options.publicExtra.content] } : publicDoc;
  return storeAndApply(
    stored,
    record,
    { ...options.meta, deferredAudit },
    [
          ...(options.moves ?? []).map((move) => ({ kind: 'move' as const, move })),
          ...(internal.length > 0 && !deferredAudit ? [{ kind: 'comment' as const, visibility: 'internal' as const, body: { version: 1 as const, type: 'doc' as const, content: internal } }] : []),
          ...(options.internalExtra ? [{ kind: 'comment' as const, visibility: 'internal' as const, body: options.internalExtra }] : []),
          ...(publicBody && options.publicComment !== false ? [{ kind: 'comment' as const, visibility: 'public' as const, body: publicBody }] : []),
          ...(options.notes ?? []).map((note) => ({ kind: 'comment' as const, ...note })),
          ...(options.property !== false ? [{ kind: 'property' as const }] : []),
          ...(options.after ?? []),
    ],
    options.secrets ?? [],
  );
}

export interface Note {
  visibility: 'internal' | 'public';
  lines: readonly string[];
}

export interface TicketWrites {
  notes?: readonly Note[];
  /** An email to the members of these groups, after the notes: one per group, so a group missing on the site costs only its own. */
  notify?: { subject: string; text: string; groups: readonly string[] };
  meta?: Partial<GrantMeta>;
}

/**
 * Ticket writes decided outside `nextStep` (a refused approval, the break-glass escalation, reconciliation's
 * flag): stored with the grant's change in one write conditioned on the version read, then handed to the
 * queue consumer, as a step's are. Undefined when another writer got there first.
 */
export function oweTicketWrites(stored: StoredGrant, writes: TicketWrites): Promise<StoredGrant | undefined> {
  return storeAndApply(
    stored,
    stored.record,
    writes.meta ?? {},
    [
      ...(writes.notes ?? []).map((note) => ({ kind: 'comment' as const, visibility: note.visibility, body: adfDoc(note.lines.map((line) => [line])) })),
      ...notifications(writes.notify),
    ],
    [],
  );
}

function notifications(notify: TicketWrites['notify']): NewEffect[] {
  if (!notify) return [];
  return notify.groups.map((group) => ({ kind: 'notify' as const, subject: notify.subject, text: notify.text, group }));
}

/**
 * The claim: the record and the ticket writes it owes are one storage write (the outbox), then the writes
 * are handed to the queue consumer, which applies them in an invocation of its own (the sweep replays what
 * it could not), and sends the SIEM events owed meanwhile. A deleted ticket gets only the store. The
 * property is checked for the grant's secrets here, where they are known.
 */
async function storeAndApply(stored: StoredGrant, record: GrantRecord, change: Partial<GrantMeta>, writes: readonly NewEffect[], secrets: readonly string[]): Promise<StoredGrant | undefined> {
  const owed = stored.meta.ticketDeleted ? [] : newEffects(writes, new Date());
  if (owed.some((effect) => effect.kind === 'property')) serializeRecord(record, secrets);
  const meta = { ...stored.meta, ...change, effects: [...stored.meta.effects, ...owed] };
  const written = await updateGrant(stored, { ...stored, record, meta });
  // SIEM events are sent by whichever run applies effects and never make a job wait or come back.
  const ticketWrites = owed.filter((effect) => effect.kind !== 'siem');
  if (written && ticketWrites.length > 0) await pushTicketWritesJob({ ticket: stored.ticket, writes: ticketWrites.map((effect) => effect.id) });
  return written;
}
