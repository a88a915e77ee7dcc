import type { ClientBase } from 'pg';
import { roleExists } from './catalog';
import { SQLSTATE, sqlState } from './errors';
import { createMarkerRole } from './statements';

/**
 * Creates the marker role (NOLOGIN) if it is missing. Two connectors may start together: a concurrent
 * CREATE ROLE of the same name fails with duplicate_object (42710), or unique_violation (23505) when both
 * inserts race on pg_authid's unique index; either means the marker now exists.
 */
export async function ensureMarker(client: ClientBase, marker: string): Promise<void> {
  if (await roleExists(client, marker)) return;
  try {
    await client.query(createMarkerRole(marker));
  } catch (error) {
    const state = sqlState(error);
    if (state !== SQLSTATE.duplicateObject && state !== SQLSTATE.uniqueViolation) throw error;
  }
}
