import { z } from 'zod';
import type { Transaction } from '@electric-sql/pglite';

/** The slice of PGlite this driver uses: the instance itself or a transaction on it. */
export type Queryable = Pick<Transaction, 'query'>;

const FormatRow = z.object({ statement: z.string() });

/**
 * Runs a constant statement template whose identifiers (`%I`) and literals (`%L`) are filled in by the
 * database's own `format()`, the same quoting `quote_ident` / `quote_literal` apply. Values never pass
 * through string concatenation here, so a name like `x"; DROP ROLE postgres; --` stays one identifier.
 */
export async function execFormatted(db: Queryable, template: string, ...args: string[]): Promise<void> {
  const formatted = await db.query('SELECT pg_catalog.format($1, VARIADIC $2::text[]) AS statement', [template, args]);
  const { statement } = FormatRow.parse(formatted.rows[0]);
  await db.query(statement);
}
