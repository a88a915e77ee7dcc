import { z } from 'zod';
import type { ManagedLogin } from '../driver';
import type { Queryable } from './database-quoting';

export const DEFAULT_MARKER = 'jit_managed';

/**
 * Catalog names are schema-qualified: a console user of the same single PGlite session could otherwise
 * shadow `pg_roles` with a temporary table (pg_temp is searched first for relations).
 */
const FIND_ROLE = `
SELECT r.rolname AS name,
       r.rolcanlogin AS "canLogin",
       (pg_catalog.date_part('epoch', NULLIF(r.rolvaliduntil, 'infinity')) * 1000)::float8 AS "validUntilMs",
       EXISTS (SELECT 1
                 FROM pg_catalog.pg_auth_members m
                 JOIN pg_catalog.pg_roles marker ON marker.oid = m.roleid
                WHERE m.member = r.oid AND marker.rolname = $2) AS managed,
       pg_catalog.shobj_description(r.oid, 'pg_authid') AS comment
  FROM pg_catalog.pg_roles r
 WHERE r.rolname = $1`;

/** Direct members of the marker only: a customer login in a managed group is not itself managed. */
const LIST_MANAGED = `
SELECT r.rolname AS name, pg_catalog.shobj_description(r.oid, 'pg_authid') AS comment
  FROM pg_catalog.pg_roles r
  JOIN pg_catalog.pg_auth_members m ON m.member = r.oid
  JOIN pg_catalog.pg_roles marker ON marker.oid = m.roleid
 WHERE marker.rolname = $1
 ORDER BY r.rolname`;

const RoleRow = z.object({
  name: z.string(),
  canLogin: z.boolean(),
  /** Milliseconds since the epoch, null for never ('infinity' too); a number reads the same in every JS realm. */
  validUntilMs: z.number().nullable(),
  managed: z.boolean(),
  comment: z.string().nullable(),
});
export type RoleState = z.infer<typeof RoleRow>;

const ManagedRow = z.object({ name: z.string(), comment: z.string().nullable() });

/** What a managed role's comment records; the marker membership, not the comment, is the tag. */
const RoleComment = z.object({ grantId: z.string() });

export function roleComment(grantId: string): string {
  return JSON.stringify(RoleComment.parse({ grantId }));
}

function grantIdOf(comment: string | null): string | null {
  if (comment === null) return null;
  try {
    const parsed = RoleComment.safeParse(JSON.parse(comment));
    return parsed.success ? parsed.data.grantId : null;
  } catch {
    return null;
  }
}

export async function findRole(db: Queryable, name: string, marker: string): Promise<RoleState | undefined> {
  const result = await db.query(FIND_ROLE, [name, marker]);
  return result.rows[0] === undefined ? undefined : RoleRow.parse(result.rows[0]);
}

export async function listManagedRoles(db: Queryable, marker: string): Promise<ManagedLogin[]> {
  const result = await db.query(LIST_MANAGED, [marker]);
  return result.rows.map((row) => {
    const parsed = ManagedRow.parse(row);
    return { name: parsed.name, grantId: grantIdOf(parsed.comment) };
  });
}
