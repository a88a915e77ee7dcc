import type { ClientBase } from 'pg';
import { z } from 'zod';
import { decodeGrantComment } from './grant-comment';
import { sql } from './statements';

/** Catalog reads, values bound as parameters, rows parsed. */

const RoleStateRow = z.object({ canLogin: z.boolean(), marked: z.boolean(), comment: z.string().nullable() });
const ExistsRow = z.object({ exists: z.boolean() });
const ManagedRow = z.object({ name: z.string(), comment: z.string().nullable() });
const MemberRow = z.object({ name: z.string() });
const LeftoverRow = z.object({ canLogin: z.boolean(), sessions: z.number().int(), dependencies: z.number().int() });

/** `managed`: tagged by the marker and by this target (or by no target, a role tagged before targets were). */
export type RoleState = { exists: false } | { exists: true; managed: boolean; canLogin: boolean; grantId: string | null };

export async function roleState(client: ClientBase, name: string, marker: string, target: string): Promise<RoleState> {
  const result = await client.query(sql.roleState, [name, marker]);
  const row = result.rows[0];
  if (row === undefined) return { exists: false };
  const parsed = RoleStateRow.parse(row);
  const tag = decodeGrantComment(parsed.comment);
  const managed = parsed.marked && (tag?.target ?? target) === target;
  return { exists: true, managed, canLogin: parsed.canLogin, grantId: tag?.grantId ?? null };
}

export async function roleExists(client: ClientBase, name: string): Promise<boolean> {
  const result = await client.query(sql.roleExists, [name]);
  return ExistsRow.parse(result.rows[0]).exists;
}

/** The marker's members tagged with this target; roles are cluster-wide, other targets' logins are not ours. */
export async function managedRoles(client: ClientBase, marker: string, target: string): Promise<{ name: string; grantId: string | null }[]> {
  const result = await client.query(sql.managedRoles, [marker]);
  return result.rows.flatMap((row) => {
    const parsed = ManagedRow.parse(row);
    const tag = decodeGrantComment(parsed.comment);
    return tag?.target === target ? [{ name: parsed.name, grantId: tag.grantId }] : [];
  });
}

export async function groupMembers(client: ClientBase, group: string): Promise<string[]> {
  const result = await client.query(sql.groupMembers, [group]);
  return result.rows.map((row) => MemberRow.parse(row).name);
}

const InventoryRow = z.discriminatedUnion('action', [
  z.object({ action: z.literal('revoke'), kind: z.enum(['TABLE', 'SEQUENCE', 'SCHEMA', 'TYPE', 'DOMAIN', 'LARGE OBJECT']), object: z.string(), name: z.string().nullable() }),
  z.object({ action: z.literal('drop-rule'), kind: z.literal('RULE'), object: z.string(), name: z.string() }),
  z.object({ action: z.literal('drop-routine'), kind: z.literal('ROUTINE'), object: z.string(), name: z.null() }),
]);
const FootprintRow = z.object({ ownsHere: z.boolean(), elsewhere: z.array(z.string()) });

/**
 * What a role left in the current database that could outlive it with more power than it had. `object` is the
 * database's own quoted rendering (regclass, regprocedure, regtype, quote_ident).
 */
export type InventoryItem = z.infer<typeof InventoryRow>;

export async function inventory(client: ClientBase, name: string): Promise<InventoryItem[]> {
  const result = await client.query(sql.inventory, [name]);
  return result.rows.map((row) => InventoryRow.parse(row));
}

/** What is left of a role on the cluster: undefined once it is gone. */
export async function leftover(client: ClientBase, name: string): Promise<z.infer<typeof LeftoverRow> | undefined> {
  const result = await client.query(sql.leftover, [name]);
  const row = result.rows[0];
  return row === undefined ? undefined : LeftoverRow.parse(row);
}

/** Whether a role owns objects in the current database, and the other databases where it left anything. */
export async function footprint(client: ClientBase, name: string): Promise<z.infer<typeof FootprintRow>> {
  const result = await client.query(sql.footprint, [name]);
  return FootprintRow.parse(result.rows[0] ?? { ownsHere: false, elsewhere: [] });
}
