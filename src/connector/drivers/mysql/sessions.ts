import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { DriverError } from '../driver';
import { errnoOf } from './errors';
import type { Db } from './sql';

const idRow = z.object({ id: z.union([z.number(), z.bigint(), z.string()]).transform((id) => Number(id)) });

const ER_NO_SUCH_THREAD = 1094;
/** How long to wait for killed sessions to leave PROCESSLIST; a KILL is acted on at the next check point. */
const DEADLINE_MS = 5000;
const MIN_STEP_MS = 10;
const MAX_STEP_MS = 25;

async function sessionIds(db: Db, user: string): Promise<number[]> {
  const rows = await db.rows(
    idRow,
    'SELECT ID AS id FROM information_schema.PROCESSLIST WHERE USER = ? AND ID <> CONNECTION_ID()',
    [user],
  );
  return rows.map((row) => row.id);
}

async function kill(db: Db, id: number): Promise<void> {
  try {
    await db.run('KILL CONNECTION ?', [id]);
  } catch (error) {
    // Gone between the listing and the KILL: that is what we wanted.
    if (errnoOf(error) !== ER_NO_SUCH_THREAD) throw error;
  }
}

/**
 * Kill sessions of `user` and wait until they have left PROCESSLIST (a killed thread stays listed as
 * "Killed" until it reaches a check point). With `untilNone`, sessions that appear meanwhile are killed too
 * and the wait is for no session at all: right for a locked login that cannot reconnect. Without it only
 * the sessions present at the start are waited for: for a customer's own login, which may legitimately
 * reconnect (without our role) at once.
 */
export async function terminateSessions(db: Db, user: string, untilNone: boolean): Promise<number> {
  const killed = new Set<number>();
  const deadline = Date.now() + DEADLINE_MS;
  let step = MIN_STEP_MS;
  let targets = await sessionIds(db, user);
  const initial = new Set(targets);
  while (targets.length > 0) {
    for (const id of targets) {
      if (!killed.has(id)) {
        await kill(db, id);
        killed.add(id);
      }
    }
    if (Date.now() >= deadline) {
      throw new DriverError('sessions_remain', `${targets.length} session(s) of the login are still open`, true);
    }
    await sleep(step);
    step = Math.min(step + 5, MAX_STEP_MS);
    const current = await sessionIds(db, user);
    targets = untilNone ? current : current.filter((id) => initial.has(id));
  }
  return killed.size;
}
