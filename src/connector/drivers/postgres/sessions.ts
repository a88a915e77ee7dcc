import type { Pool } from 'pg';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { DriverError } from '../driver';
import { sql } from './statements';

const TerminatedRow = z.object({ pid: z.number().int(), signalled: z.boolean() });

export interface SessionPolling {
  /** Between checks; shorter than the 100 ms steps of pg_terminate_backend's waiting form. */
  stepMs: number;
  /** How long sessions may take to exit before we give up with `sessions_remain`. */
  limitMs: number;
}

export const DEFAULT_POLLING: SessionPolling = { stepMs: 20, limitMs: 5_000 };

/** Signals every backend of `username` still in pg_stat_activity; returns how many were there. */
async function signal(pool: Pool, username: string, terminated: Set<number>): Promise<number> {
  const result = await pool.query(sql.terminateSessions, [username]);
  for (const row of result.rows) {
    const parsed = TerminatedRow.parse(row);
    if (parsed.signalled) terminated.add(parsed.pid);
  }
  return result.rows.length;
}

/**
 * Signals every backend of `username` to end, then polls pg_stat_activity until none is left. Each poll signals
 * again whatever it still finds, which also covers a session that was authenticating during the first pass.
 */
export async function terminateAndConfirm(pool: Pool, username: string, polling: SessionPolling = DEFAULT_POLLING): Promise<number> {
  const terminated = new Set<number>();
  const deadline = Date.now() + polling.limitMs;
  for (;;) {
    const open = await signal(pool, username, terminated);
    if (open === 0) return terminated.size;
    if (Date.now() >= deadline) {
      throw new DriverError('sessions_remain', `${open} session(s) of the login still open after ${polling.limitMs} ms`, true);
    }
    await sleep(polling.stepMs);
  }
}
