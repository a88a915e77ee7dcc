import { z } from 'zod';
import { adfDocSchema } from '../../core';
import { activityDigestSchema } from '../../protocol';
import { siemEventSchema } from './siem-event';

/**
 * A write to the ticket that a lifecycle step owes, kept with the grant until it is applied (the outbox):
 * a workflow move, a comment, the `jit-access` property (always the record as stored when it is applied,
 * so a late replay never writes an older one), a link to another issue, an email notification, the file of
 * a gateway grant's activity record (read from the connector when it is applied), the break-glass review
 * task, or the note on that task with the digest and a link to that file; or an event for the SIEM webhook (a
 * queue of its own in the same list, which never holds back a ticket write). `attempted` marks one that was tried and may have
 * reached Jira, which a replay checks before doing it again.
 */
const moveSchema = z.union([z.strictObject({ transition: z.string().min(1) }), z.strictObject({ toStatus: z.string().min(1) })]);

const common = {
  id: z.string().min(1),
  at: z.iso.datetime({ offset: true }),
  attempted: z.boolean().optional(),
  /** The last try failed and its writer gave up for now: a later claim's job does not wait for it. */
  stalled: z.literal(true).optional(),
};

export const ticketEffectSchema = z.discriminatedUnion('kind', [
  z.strictObject({ ...common, kind: z.literal('move'), move: moveSchema }),
  z.strictObject({ ...common, kind: z.literal('comment'), visibility: z.enum(['internal', 'public']), body: adfDocSchema }),
  z.strictObject({ ...common, kind: z.literal('property') }),
  /** A link from the ticket to another issue (the linked change); Jira keeps one link of a type between two issues, so a replay adds none. */
  z.strictObject({ ...common, kind: z.literal('link'), to: z.string().min(1), linkType: z.string().min(1) }),
  /** An email to the members of a Jira group, for what must not wait for someone to open the ticket. */
  z.strictObject({ ...common, kind: z.literal('notify'), subject: z.string().min(1).max(255), text: z.string().min(1).max(2000), group: z.string().min(1) }),
  z.strictObject({ ...common, kind: z.literal('attachment'), grantId: z.string().min(1) }),
  z.strictObject({ ...common, kind: z.literal('siem'), event: siemEventSchema }),
  z.strictObject({ ...common, kind: z.literal('review-note'), task: z.string().min(1), grantId: z.string().min(1), digest: activityDigestSchema }),
  /** The follow-up review task of a break-glass request; it carries a property naming the request, so a replay finds the one it made. */
  z.strictObject({ ...common, kind: z.literal('review-task') }),
]);

export type TicketEffect = z.infer<typeof ticketEffectSchema>;

/** An effect as a step asks for it, before it gets its id and time. */
export type NewEffect = TicketEffect extends infer E ? (E extends TicketEffect ? Omit<E, 'id' | 'at' | 'attempted'> : never) : never;
