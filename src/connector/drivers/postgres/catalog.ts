import type { ClientBase } from 'pg';
import { z } from 'zod';
import { decodeGrantComment } from './grant-comment';
import { sql } from './statements';

/** Catalog reads, values bound as parameters, rows parsed. */

const RoleStateRow = z.object({ canLogin: z.boolean(), managed: z.boolean(), comment: z.string().nullable() });
const ExistsRow = z.object({ exists: z.boolean() });
const ManagedRow = z.object({ name: z.string(), comment: z.string().nullable() });
const MemberRow = z.object({ name: z.string() });

export type RoleState = { exists: false } | { exists: true; managed: boolean; canLogin: boolean; grantId: string | null };

export async function roleState(client: ClientBase, name: string, marker: string): Promise<RoleState> {
  const result = await client.query(sql.roleState, [name, marker]);
  const row = result.rows[0];
  if (row === undefined) return { exists: false };
  const parsed = RoleStateRow.parse(row);
  return { exists: true, managed: parsed.managed, canLogin: parsed.canLogin, grantId: decodeGrantComment(parsed.comment) };
}

export async function roleExists(client: ClientBase, name: string): Promise<boolean> {
  const result = await client.query(sql.roleExists, [name]);
  return ExistsRow.parse(result.rows[0]).exists;
}

export async function managedRoles(client: ClientBase, marker: string): Promise<{ name: string; grantId: string | null }[]> {
  const result = await client.query(sql.managedRoles, [marker]);
  return result.rows.map((row) => {
    const parsed = ManagedRow.parse(row);
    return { name: parsed.name, grantId: decodeGrantComment(parsed.comment) };
  });
}

export async function groupMembers(client: ClientBase, group: string): Promise<string[]> {
  const result = await client.query(sql.groupMembers, [group]);
  return result.rows.map((row) => MemberRow.parse(row).name);
}
