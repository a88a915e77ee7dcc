import { z } from 'zod';
import { activityDigestSchema } from './schemas';

/**
 * One page of `GET /v1/grants/{grantId}/activity` as a client keeps it. Each statement keeps the fields the
 * connector documents (docs/connector-api.md) and nothing else: a field the connector adds later is dropped
 * here until a client is taught what it holds, so nothing unreviewed reaches a ticket.
 */
export const activityStatementSchema = z.object({
  at: z.string(),
  session: z.string(),
  kind: z.enum(['read', 'write', 'ddl', 'other']),
  /** Normalized (literals replaced by `$n`) unless the target records in full; null when the text did not parse. */
  sql: z.string().nullable(),
  tables: z.array(z.string()),
  rows: z.number().int().nullable(),
  ms: z.number(),
  blocked: z.string().nullable(),
  /** SQLSTATE of a failed statement; the server's message too only when the target records in full. */
  error: z.string().nullable(),
  /** Bound parameters of an extended-protocol execution: only when the target records in full. */
  params: z.array(z.string().nullable()).optional(),
});

export const activityRecordPageSchema = z.object({
  grantId: z.string(),
  statements: z.array(activityStatementSchema),
  digest: activityDigestSchema,
  /** Pass as `?next=` for the following page; null on the last. */
  next: z.string().nullable(),
});

export type ActivityStatement = z.infer<typeof activityStatementSchema>;
export type ActivityRecordPage = z.infer<typeof activityRecordPageSchema>;
