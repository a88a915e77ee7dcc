import { z } from 'zod';
import { activityDigestSchema, type ActivityDigest } from '../../protocol';

export const statementKindSchema = z.enum(['read', 'write', 'ddl', 'other']);
export type StatementKind = z.infer<typeof statementKindSchema>;

/** One statement run through the gateway, as the activity record keeps it (PROTOCOL.md v2, activity). */
export const statementRecordSchema = z.strictObject({
  at: z.string(),
  session: z.string(),
  kind: statementKindSchema,
  /** Normalized (literals replaced by $n) unless the target records in full; null when the text did not parse. */
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
export type StatementRecord = z.infer<typeof statementRecordSchema>;

/** The answer of `GET /v1/grants/{grantId}/activity`: one page of the record, the digest of all of it. */
export const activityPageSchema = z.strictObject({
  grantId: z.string(),
  statements: z.array(statementRecordSchema),
  digest: activityDigestSchema,
  /** Pass as `?next=` for the following page; null on the last. */
  next: z.string().nullable(),
});
export type ActivityPage = z.infer<typeof activityPageSchema>;

/** The digest of a grant's whole record, derived from the statements (never stored apart from them). */
export function digestOf(statements: readonly StatementRecord[]): ActivityDigest {
  const byKind: Record<StatementKind, number> = { read: 0, write: 0, ddl: 0, other: 0 };
  const sessions = new Set<string>();
  const tables = new Set<string>();
  let blocked = 0;
  let errors = 0;
  for (const statement of statements) {
    byKind[statement.kind] += 1;
    sessions.add(statement.session);
    for (const table of statement.tables) tables.add(table);
    if (statement.blocked !== null) blocked += 1;
    if (statement.error !== null) errors += 1;
  }
  return {
    sessions: sessions.size,
    statements: statements.length,
    byKind,
    tables: [...tables].sort(),
    blocked,
    errors,
    first: statements[0]?.at ?? null,
    last: statements.at(-1)?.at ?? null,
  };
}
