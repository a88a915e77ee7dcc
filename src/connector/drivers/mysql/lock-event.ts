import { z } from 'zod';
import { account, type Db } from './sql';

/*
 * MySQL and MariaDB have no VALID UNTIL, so an ephemeral login also gets a one-shot event that locks it at
 * notAfter: the database ends the login on time even if the connector is down. The event only locks; open
 * sessions keep running until the connector's revoke kills them (an event could loop over PROCESSLIST with
 * a cursor and dynamic KILL, but that is a stored program of its own for little gain: a locked login
 * cannot reconnect, and the connector's revoke follows).
 *
 * Events fire only while @@event_scheduler is ON, so one is created only then. Its AT time is read in the
 * session time zone, which every admin connection sets to +00:00 (see driver.ts). Events are per
 * database; they live in the target URL's database.
 */

const EVENT_PREFIX = 'jit_lock_';

export function lockEventName(login: string): string {
  return `${EVENT_PREFIX}${login}`;
}

/** `YYYY-MM-DD HH:MM:SS` in UTC, rounded down so the lock is never later than notAfter. */
export function eventTime(at: Date): string {
  return at.toISOString().slice(0, 19).replace('T', ' ');
}

const schedulerRow = z.object({ scheduler: z.string() });
const eventRow = z.object({ name: z.string() });

export async function schedulerOn(db: Db): Promise<boolean> {
  const [row] = await db.rows(schedulerRow, 'SELECT @@GLOBAL.event_scheduler AS scheduler');
  return row?.scheduler.toUpperCase() === 'ON';
}

/** Why the database cannot end this target's logins by itself, or null when the lock events can. */
export async function databaseExpiryProblem(db: Db, database: string | null): Promise<string | null> {
  if (database === null) return 'no database-side expiry: the target URL names no database to hold the lock events; logins end only when the connector revokes them';
  if (!(await schedulerOn(db))) {
    return "no database-side expiry: the server's event_scheduler is OFF, so lock events never fire and logins end only when the connector revokes them (SET GLOBAL event_scheduler = ON, and event_scheduler=ON in the server config)";
  }
  return null;
}

/** Create the lock event, or move it to `notAfter` when it is already there (a retried grant, an extend). */
export async function scheduleLock(db: Db, database: string, login: string, host: string, notAfter: Date): Promise<void> {
  const name = lockEventName(login);
  const existing = await db.rows(
    eventRow,
    'SELECT EVENT_NAME AS name FROM information_schema.EVENTS WHERE EVENT_SCHEMA = ? AND EVENT_NAME = ?',
    [database, name],
  );
  if (existing.length > 0) {
    await db.run('ALTER EVENT ??.?? ON SCHEDULE AT ? ENABLE', [database, name, eventTime(notAfter)]);
    return;
  }
  await db.run(
    'CREATE EVENT ??.?? ON SCHEDULE AT ? ON COMPLETION NOT PRESERVE COMMENT ? DO ALTER USER ? ACCOUNT LOCK',
    [database, name, eventTime(notAfter), 'locks a temporary login at its end', account(login, host)],
  );
}

export async function dropLock(db: Db, database: string, login: string): Promise<void> {
  await db.run('DROP EVENT IF EXISTS ??.??', [database, lockEventName(login)]);
}
