import { z } from 'zod';

/** What a request asks for, as the app reads it from the ticket; the input of decide() and the simulator. */

const instantSchema = z.iso.datetime({ offset: true });

export const linkedChangeSchema = z.strictObject({
  key: z.string().min(1),
  status: z.string().min(1),
  plannedStart: instantSchema.optional(),
  plannedEnd: instantSchema.optional(),
});

export const accessRequestSchema = z.strictObject({
  target: z.string().min(1),
  accessLevel: z.string().min(1),
  requester: z.strictObject({
    accountId: z.string().min(1),
    groups: z.array(z.string()).default([]),
  }),
  /** ISO-8601 duration asked for; the access level's default when absent. Parsed by decide(), so a bad value is a denial with a reason. */
  duration: z.string().optional(),
  /** When access should start; as soon as it is granted when absent. */
  requestedStart: instantSchema.optional(),
  breakGlass: z.boolean().default(false),
  change: linkedChangeSchema.optional(),
  justification: z.string().max(2000).optional(),
});

export type LinkedChange = z.infer<typeof linkedChangeSchema>;
export type AccessRequest = z.infer<typeof accessRequestSchema>;
export type AccessRequestInput = z.input<typeof accessRequestSchema>;
