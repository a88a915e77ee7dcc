import type { PGlite } from '@electric-sql/pglite';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pgliteClass } from '../../../src/connector/drivers/pglite/load-pglite';

/**
 * Why a pglite target cannot have `access: gateway` (the config refuses it, and `npm start --gateway` needs
 * --target-url): PGlite's one session was started by the superuser, and PostgreSQL lets a session whose
 * authenticated user is a superuser become anyone again. The strongest hold there is, SET SESSION AUTHORIZATION
 * to the grant's login (RESET ROLE, SET ROLE and the other resets then stay the login), still falls to SQL the
 * login may run: SET SESSION AUTHORIZATION itself, or set_config, directly or from a function that runs SQL
 * (which no screen of the statement's text can see). Nor does an instance opened as the login (PGlite's
 * `username` option): the login is only its current role, under the superuser's session. A gateway session on PGlite would hand
 * its requester the whole database. Should a PGlite release close these, this test fails and the refusal can be
 * reconsidered.
 */
let db: PGlite;
const LOGIN = 'jit_hostile_login';

beforeAll(async () => {
  db = await pgliteClass().create();
  await db.exec(`CREATE ROLE ${LOGIN} LOGIN; CREATE TABLE private_notes (note text); INSERT INTO private_notes VALUES ('superuser only')`);
}, 120_000);

afterAll(async () => {
  await db.close();
});

async function asLogin(sql: string): Promise<{ currentUser: unknown; sessionUser: unknown; readsPrivate: boolean }> {
  await db.exec(`RESET SESSION AUTHORIZATION; RESET ROLE; SET SESSION AUTHORIZATION ${LOGIN}`);
  try {
    await db.exec(sql);
  } catch {
    // A refused attempt leaves the session as it was; what it is afterwards is checked below.
  }
  const who = (await db.query<{ current_user: string; session_user: string }>('SELECT current_user, session_user')).rows[0];
  const readsPrivate = await db.query('SELECT note FROM private_notes').then(
    () => true,
    () => false,
  );
  await db.exec('RESET SESSION AUTHORIZATION; RESET ROLE');
  return { currentUser: who?.current_user, sessionUser: who?.session_user, readsPrivate };
}

describe('PGlite cannot hold a session to a login', () => {
  test.each([
    ['RESET ROLE', 'RESET ROLE'],
    ['SET ROLE', 'SET ROLE postgres'],
    ['RESET ALL', 'RESET ALL'],
    ['DISCARD ALL', 'DISCARD ALL'],
    ["set_config('role')", "SELECT set_config('role', 'postgres', false)"],
  ])('%s leaves the session as the login', async (_name, sql) => {
    expect(await asLogin(sql)).toEqual({ currentUser: LOGIN, sessionUser: LOGIN, readsPrivate: false });
  });

  test.each([
    ['SET SESSION AUTHORIZATION', 'SET SESSION AUTHORIZATION postgres'],
    ["set_config('session_authorization')", "SELECT set_config('session_authorization', 'postgres', false)"],
    ['a DO block running it', "DO $$ BEGIN PERFORM set_config('session_authorization', 'postgres', false); END $$"],
    ['query_to_xml running it', "SELECT query_to_xml('SELECT set_config(''session_authorization'', ''postgres'', false)', true, true, '')"],
  ])('%s gives the login the superuser back', async (_name, sql) => {
    expect(await asLogin(sql)).toEqual({ currentUser: 'postgres', sessionUser: 'postgres', readsPrivate: true });
  });
});

test('an instance opened as the login (the username option) is still the superuser underneath', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'jit-pglite-username-'));
  try {
    const setup = await pgliteClass().create(dir);
    await setup.exec(`CREATE ROLE ${LOGIN} LOGIN; CREATE TABLE private_notes (note text)`);
    await setup.close();
    const asLoginInstance = await pgliteClass().create(dir, { username: LOGIN });
    try {
      // The login is only the current role; the session's user is the superuser, so RESET ROLE is enough.
      expect((await asLoginInstance.query('SELECT current_user, session_user')).rows).toEqual([{ current_user: LOGIN, session_user: 'postgres' }]);
      await expect(asLoginInstance.query('SELECT note FROM private_notes')).rejects.toMatchObject({ code: '42501' });
      await asLoginInstance.exec('RESET ROLE');
      expect((await asLoginInstance.query('SELECT current_user, session_user')).rows).toEqual([{ current_user: 'postgres', session_user: 'postgres' }]);
      expect((await asLoginInstance.query('SELECT note FROM private_notes')).rows).toEqual([]);
    } finally {
      await asLoginInstance.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 120_000);
