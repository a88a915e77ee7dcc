import { z } from 'zod';
import { grantStateSchema, lifecycleEventSchema, type GrantRecord } from '../../core';
import { activityDigestSchema } from '../../protocol';

const instant = z.iso.datetime({ offset: true });

/**
 * What the SIEM webhook receives, one JSON object a POST: a lifecycle event (each move of a grant's record, as
 * its history entry says, with the grant's target, level and window) or the activity digest of a gateway
 * grant's end (counts, tables and times: no statement, no literal). Never a password, username or secret.
 */
export const siemEventSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('jit-access.lifecycle'),
    ticket: z.string(),
    grantId: z.string().optional(),
    event: lifecycleEventSchema,
    from: grantStateSchema,
    to: grantStateSchema,
    at: instant,
    actor: z.string(),
    rule: z.strictObject({ id: z.string(), name: z.string() }).optional(),
    note: z.string().optional(),
    target: z.string(),
    accessLevel: z.string(),
    role: z.string(),
    requester: z.string(),
    breakGlass: z.boolean(),
    notBefore: instant.optional(),
    notAfter: instant.optional(),
  }),
  z.strictObject({ type: z.literal('jit-access.activity'), ticket: z.string(), grantId: z.string(), digest: activityDigestSchema }),
]);

export type SiemEvent = z.infer<typeof siemEventSchema>;

/** The lifecycle events of the history entries `next` has beyond `previous` (a record write appends them). */
export function newLifecycleEvents(previous: GrantRecord, next: GrantRecord): SiemEvent[] {
  const added = next.history.length + next.historyDropped - (previous.history.length + previous.historyDropped);
  if (added <= 0) return [];
  return next.history.slice(-added).map((entry) => ({
    type: 'jit-access.lifecycle' as const,
    ticket: next.ticket,
    ...(next.grantId !== undefined ? { grantId: next.grantId } : {}),
    ...entry,
    target: next.target,
    accessLevel: next.accessLevel,
    role: next.role,
    requester: next.requester.accountId,
    breakGlass: next.breakGlass,
    ...(next.window ? { notBefore: next.window.notBefore, notAfter: next.window.notAfter } : {}),
  }));
}
