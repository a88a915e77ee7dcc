import { z } from 'zod';
import { activityRecordPageSchema, activityStatementSchema, type ActivityDigest } from '../../protocol';

export const statementKindSchema = activityStatementSchema.shape.kind;
export type StatementKind = z.infer<typeof statementKindSchema>;

/** One statement run through the gateway, as the activity record keeps it (PROTOCOL.md v2, activity): exactly the protocol's fields. */
export const statementRecordSchema = z.strictObject(activityStatementSchema.shape);
export type StatementRecord = z.infer<typeof statementRecordSchema>;

/** The answer of `GET /v1/grants/{grantId}/activity`: one page of the record, the digest of all of it. */
export const activityPageSchema = z.strictObject({ ...activityRecordPageSchema.shape, statements: z.array(statementRecordSchema) });
export type ActivityPage = z.infer<typeof activityPageSchema>;

/**
 * The digest of a grant's whole record, built one statement at a time as the record is read (never stored apart
 * from it): what it keeps grows with the sessions and tables named, not with the statements.
 */
export class DigestBuilder {
  private readonly byKind: Record<StatementKind, number> = { read: 0, write: 0, ddl: 0, other: 0 };
  private readonly sessions = new Set<string>();
  private readonly tables = new Set<string>();
  private statements = 0;
  private blocked = 0;
  private errors = 0;
  private first: string | null = null;
  private last: string | null = null;

  add(statement: StatementRecord): void {
    this.statements += 1;
    this.byKind[statement.kind] += 1;
    this.sessions.add(statement.session);
    for (const table of statement.tables) this.tables.add(table);
    if (statement.blocked !== null) this.blocked += 1;
    if (statement.error !== null) this.errors += 1;
    this.first ??= statement.at;
    this.last = statement.at;
  }

  digest(): ActivityDigest {
    return {
      sessions: this.sessions.size,
      statements: this.statements,
      byKind: { ...this.byKind },
      tables: [...this.tables].sort(),
      blocked: this.blocked,
      errors: this.errors,
      first: this.first,
      last: this.last,
    };
  }
}
