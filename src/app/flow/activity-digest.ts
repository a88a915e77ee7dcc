import { adfDoc, readableTime, type AdfDoc } from '../../core';
import { ConnectorRequestError, type ActivityDigest, type ConnectorClient } from '../../protocol';
import { logEvent } from '../log';
import type { GrantMeta, StoredGrant } from '../storage/grant-entity';
import type { NewEffect } from '../storage/ticket-effect';
import { activityRecordEffects } from './activity-record';

/** Tables named in the comment; a long session's others are counted (a Jira comment has a size limit). */
export const TABLES_SHOWN = 50;

/** What the connector says was run under a grant: its digest, `unreadable`, or `none` when it keeps no record of it (a direct target). */
export type ActivityReading = ActivityDigest | 'unreadable' | 'none';

/** Reads the digest of a grant's activity record once access has ended (the gateway closed its sessions first). */
export async function readActivity(client: ConnectorClient, grantId: string): Promise<ActivityReading> {
  try {
    return await client.activityDigest(grantId);
  } catch (error) {
    if (!(error instanceof ConnectorRequestError)) throw error;
    // A direct target's grant, or an id the connector only tombstoned: nothing was run through the gateway.
    if (error.code === 'no_activity_record' || error.code === 'not_found') return 'none';
    logEvent('activity.unreadable', { grantId, code: error.code });
    return 'unreadable';
  }
}

/**
 * The ticket's one internal comment on what was run under a gateway grant: counts, tables and times from the digest,
 * which holds no literal and no secret, and (`after`, owed after the step's other writes) the record's file and
 * a break-glass review task's note. Only once per grant (`activityRecorded`), whichever end is recorded first.
 */
export function activityStep(stored: StoredGrant, grantId: string, reading: ActivityReading | undefined): { comment?: AdfDoc; meta?: Partial<GrantMeta>; after?: NewEffect[] } {
  if (reading === undefined || reading === 'none' || stored.meta.activityRecorded) return {};
  return { comment: activityComment(grantId, reading), meta: { activityRecorded: true }, after: reading === 'unreadable' ? [] : activityRecordEffects(stored, grantId, reading) };
}

export function activityComment(grantId: string, reading: ActivityDigest | 'unreadable'): AdfDoc {
  if (reading === 'unreadable') {
    return adfDoc([[`The connector could not be asked what was run under grant ${grantId} when access ended. For a target behind the SQL gateway it keeps the record: GET /v1/grants/${grantId}/activity.`]]);
  }
  const heading = `Database activity under grant ${grantId}, through the SQL gateway:`;
  const { sessions, statements, byKind, tables, blocked, errors, first, last } = reading;
  return adfDoc([
    [heading],
    [`Sessions: ${sessions}`],
    [`Statements: ${statements} (read ${byKind.read}, write ${byKind.write}, DDL ${byKind.ddl}, other ${byKind.other})`],
    [`Tables touched: ${tablesText(tables)}`],
    [`Refused statements: ${blocked}`],
    [`Errors: ${errors}`],
    [first !== null && last !== null ? `First statement: ${readableTime(first, 'seconds')}; last statement: ${readableTime(last, 'seconds')}` : 'No statement was run.'],
  ]);
}

function tablesText(tables: readonly string[]): string {
  if (tables.length === 0) return 'none';
  const shown = tables.slice(0, TABLES_SHOWN).join(', ');
  return tables.length > TABLES_SHOWN ? `${shown} and ${tables.length - TABLES_SHOWN} more` : shown;
}
