import type { PGlite } from '@electric-sql/pglite';
import { DEMO_SCHEMA } from '../demo-schema';
import type { AccessSpec } from '../driver';

/** The access levels of the embedded `demo` target, as they would be written in config. */
export const DEMO_ACCESS: Readonly<Record<'read' | 'write', AccessSpec>> = Object.freeze({
  read: { memberOf: [], privileges: ['USAGE ON SCHEMA shop', 'SELECT ON ALL TABLES IN SCHEMA shop'] },
  write: { memberOf: [], privileges: ['USAGE ON SCHEMA shop', 'SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA shop'] },
});


/**
 * Creates the demo schema `shop` with a handful of customers, products and orders. Idempotent: a data
 * directory that already has the schema is left as it is, so reopening it does not seed twice.
 */
export async function seedDemo(db: PGlite): Promise<{ seeded: boolean }> {
  return db.transaction(async (tx) => {
    const existing = await tx.query("SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = 'shop'");
    if (existing.rows.length > 0) return { seeded: false };
    await tx.exec(DEMO_SCHEMA);
    return { seeded: true };
  });
}
