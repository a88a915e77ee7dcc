import { z } from 'zod';
import { DriverError } from '../driver';
import type { Db } from './sql';

/*
 * Objects that run under a DEFINER: triggers, stored routines (SQL SECURITY DEFINER or INVOKER alike),
 * views and events. A temporary login whose level grants TRIGGER, CREATE ROUTINE, CREATE VIEW or EVENT can
 * define them, and DROP USER leaves them behind: a trigger whose definer is gone makes every INSERT on its
 * table fail for everyone, an event keeps firing, a routine or view waits for someone to use it. None of them
 * is the login's to leave, so revocation drops every one before the login. Tables have no definer and stay.
 */

const definedRow = z.object({ kind: z.string(), schema: z.string(), name: z.string() });
type Defined = z.infer<typeof definedRow>;

const LIST = `
SELECT 'EVENT' AS kind, EVENT_SCHEMA AS \`schema\`, EVENT_NAME AS name FROM information_schema.EVENTS WHERE DEFINER = ?
UNION ALL SELECT 'TRIGGER', TRIGGER_SCHEMA, TRIGGER_NAME FROM information_schema.TRIGGERS WHERE DEFINER = ?
UNION ALL SELECT ROUTINE_TYPE, ROUTINE_SCHEMA, ROUTINE_NAME FROM information_schema.ROUTINES WHERE DEFINER = ?
UNION ALL SELECT 'VIEW', TABLE_SCHEMA, TABLE_NAME FROM information_schema.VIEWS WHERE DEFINER = ?`;

/** Events first: they would otherwise go on starting new threads as the login while the rest is dropped. */
const DROP: ReadonlyMap<string, string> = new Map([
  ['EVENT', 'DROP EVENT IF EXISTS ??.??'],
  ['TRIGGER', 'DROP TRIGGER IF EXISTS ??.??'],
  ['PACKAGE BODY', 'DROP PACKAGE BODY IF EXISTS ??.??'],
  ['PACKAGE', 'DROP PACKAGE IF EXISTS ??.??'],
  ['PROCEDURE', 'DROP PROCEDURE IF EXISTS ??.??'],
  ['FUNCTION', 'DROP FUNCTION IF EXISTS ??.??'],
  ['VIEW', 'DROP VIEW IF EXISTS ??.??'],
]);
const ORDER = [...DROP.keys()];

/** What `user@host` defined, as information_schema shows it (the admin sees what its privileges cover). */
export async function definedBy(db: Db, user: string, host: string): Promise<Defined[]> {
  const definer = `${user}@${host}`;
  const rows = await db.rows(definedRow, LIST, [definer, definer, definer, definer]);
  return rows.sort((a, b) => ORDER.indexOf(a.kind) - ORDER.indexOf(b.kind));
}

/** Drops everything `user@host` defined and confirms none is left; otherwise the login must not be dropped. */
export async function dropDefinedObjects(db: Db, user: string, host: string): Promise<number> {
  const objects = await definedBy(db, user, host);
  for (const object of objects) {
    const statement = DROP.get(object.kind);
    if (!statement) throw new DriverError('failed', `the login defined a ${object.kind}, which the connector cannot drop`, false);
    await db.run(statement, [object.schema, object.name]);
  }
  const left = await definedBy(db, user, host);
  if (left.length > 0) {
    throw new DriverError('failed', `${left.length} object(s) the login defined are still there (${left.map((object) => object.kind).join(', ')})`, true);
  }
  return objects.length;
}
