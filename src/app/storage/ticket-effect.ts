import { z } from 'zod';
import { adfDocSchema } from '../../core';
import { activityDigestSchema } from '../../protocol';
import { siemEventSchema } from './siem-event';

/**
 * A write to the ticket that a lifecycle step owes, kept with the grant until it is applied (the outbox):
 * a workflow move, a comment, or the `jit-access` property (always the record as stored when it is
 * applied, so a late replay never writes an older one), the file of a gateway grant's activity record (read from
 * the connector when it is applied), or the note on a break-glass review task with the digest and a link to
 * that file; or an event for the SIEM webhook (which never holds back a ticket write). `attempted` marks one that was tried and may have
 * reached Jira, which a replay checks before doing it again.
 */
const moveSchema = z.union([z.strictObject({ transition: z.string().min(1) }), z.strictObject({ toStatus: z.string().min(1) })]);

const common = { id: z.string().min(1), at: z.iso.datetime({ offset: true }), attempted: z.boolean().optional() };

export const ticketEffectSchema = z.discriminatedUnion('kind', [
  z.strictObject({ ...common, kind: z.literal('move'), move: moveSchema }),
  z.strictObject({ ...common, kind: z.literal('comment'), visibility: z.enum(['internal', 'public']), body: adfDocSchema }),
  z.strictObject({ ...common, kind: z.literal('property') }),
  z.strictObject({ ...common, kind: z.literal('attachment'), grantId: z.string().min(1) }),
  z.strictObject({ ...common, kind: z.literal('siem'), event: siemEventSchema }),
  z.strictObject({ ...common, kind: z.literal('review-note'), task: z.string().min(1), grantId: z.string().min(1), digest: activityDigestSchema }),
]);

export type TicketEffect = z.infer<typeof ticketEffectSchema>;

/** An effect as a step asks for it, before it gets its id and time. */
export type NewEffect = TicketEffect extends infer E ? (E extends TicketEffect ? Omit<E, 'id' | 'at' | 'attempted'> : never) : never;
