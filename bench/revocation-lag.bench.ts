import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { z } from 'zod';
import { benchSuffix, PG_URL, postgresBenchTarget } from './support/databases';
import { residentMemory, spawnConnector, writeConfig } from './support/connector-process';
import { mb, ms, ratio, summarize } from './support/stats';
import { markdownTable } from './support/table';

/**
 * Expiry exactness at scale: 10,000 active grants on local PostgreSQL through a connector process started as
 * `npm run connector` does, 1,000 of them with the very same notAfter. Everything is watched from the database
 * side, every WATCH_STEP_MS:
 * - access ended: new logins are refused (every expiring login carries VALID UNTIL notAfter, checked below, and a
 *   few logins are tried right after notAfter) and the login's open sessions have left pg_stat_activity. Sessions
 *   are held open on SESSIONS of the expiring logins (the server has 100 connection slots, shared);
 * - dismantled: the login has left pg_roles.
 * Baseline, in the same run: SESSIONS other logins with open sessions, ended by the bench itself at an instant
 * of its own with a timer and the very statement the connector batches (pg_terminate_backend of every session
 * of those logins) over one already-open admin connection: the least any design could do.
 * The access level is membership in a group role: per-login privileges on one schema stop at ~2,400 logins.
 */

const TOTAL = Number(process.env.BENCH_GRANTS ?? 10_000);
const EXPIRING = Number(process.env.BENCH_EXPIRING ?? 1_000);
const SESSIONS = Number(process.env.BENCH_SESSIONS ?? 20);
const LOGIN_PROBES = 5;
const CONCURRENCY = 16;
const WATCH_STEP_MS = 5;
const principal = { accountId: 'bench', email: 'bench@example.com', dbUser: null };
const nameRows = z.array(z.object({ name: z.string() }));
const countRows = z.tuple([z.object({ n: z.number().int() })]);
const TERMINATE = 'SELECT pg_terminate_backend(pid) FROM pg_catalog.pg_stat_activity WHERE usename = ANY($1::text[])';

async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await work(items[next++] as T);
    }),
  );
}

/** Logs in as `user` over TCP with its password, as a requester would; resolves to the session or the refusal. */
async function login(user: string, password: string): Promise<Client | Error> {
  const url = new URL(PG_URL);
  const client = new Client({ host: url.hostname, port: Number(url.port || 5432), database: url.pathname.slice(1), user, password });
  client.on('error', () => undefined); // the revocation ends it
  try {
    await client.connect();
    return client;
  } catch (error) {
    return error as Error;
  }
}

async function openSessions(logins: readonly { name: string; password: string }[]): Promise<Client[]> {
  const sessions: Client[] = [];
  for (const { name, password } of logins) {
    const session = await login(name, password);
    if (session instanceof Error) throw new Error(`could not open a session as ${name}: ${session.message}`);
    sessions.push(session);
  }
  return sessions;
}

/**
 * From 1 s before `from` until every login in `names` is `gone` (or 60 s after `from`): when each was first seen
 * gone, relative to `from`. Its own connection, so a slow listing of one kind never delays the other.
 */
async function watch(names: string[], from: number, present: (admin: Client) => Promise<Set<string>>, onStep: () => void = () => undefined) {
  const goneAt = new Map<string, number>();
  const admin = new Client({ connectionString: PG_URL });
  await admin.connect();
  try {
    await sleep(Math.max(0, from - Date.now() - 1_000));
    while (goneAt.size < names.length && Date.now() < from + 60_000) {
      const seen = await present(admin);
      const seenAt = Date.now();
      for (const name of names) if (!seen.has(name) && !goneAt.has(name)) goneAt.set(name, seenAt - from);
      onStep();
      await sleep(WATCH_STEP_MS);
    }
    return goneAt;
  } finally {
    await admin.end();
  }
}

/** Logins of `names` with a session in pg_stat_activity. */
const withSessions = (names: string[]) => async (admin: Client) =>
  new Set(nameRows.parse((await admin.query('SELECT DISTINCT usename AS name FROM pg_catalog.pg_stat_activity WHERE usename = ANY($1)', [names])).rows).map((row) => row.name));

/** Logins of `names` still in pg_roles. */
const inRoles = (names: string[]) => async (admin: Client) =>
  new Set(nameRows.parse((await admin.query('SELECT rolname AS name FROM pg_catalog.pg_roles WHERE rolname = ANY($1)', [names])).rows).map((row) => row.name));

async function refused(user: { name: string; password: string }): Promise<boolean> {
  const session = await login(user.name, user.password);
  if (session instanceof Error) return true;
  await session.end();
  return false;
}

async function main(): Promise<void> {
  const suffix = benchSuffix();
  const pg = await postgresBenchTarget(suffix, { viaGroupRole: true });
  const files = writeConfig([pg.target]);
  const connector = await spawnConnector(['--config', files.configPath]);
  const memory = { idle: 0, creating: 0, expiring: 0 };
  const create = async (grantId: string, notAfter: string) => {
    const created = await connector.client.createGrant({ grantId, target: pg.target.id, role: 'read', principal, mode: 'ephemeral', notAfter });
    return { name: created.username, password: created.password ?? '' };
  };
  const sessions: Client[] = [];
  try {
    await sleep(500);
    memory.idle = residentMemory(connector.pid).rss;

    // The long-lived grants first (the baseline's logins among them); their pace says when the expiring ones can all be in place.
    const createStarted = performance.now();
    const longLived = new Map<string, { name: string; password: string }>();
    const farEnd = new Date(Date.now() + 3_600_000).toISOString();
    const longIds = Array.from({ length: TOTAL - EXPIRING }, (_, index) => `LAG-${suffix}.${index}`);
    await forEachLimited(longIds, CONCURRENCY, async (grantId) => void longLived.set(grantId, await create(grantId, farEnd)));
    const perGrantMs = (performance.now() - createStarted) / longIds.length;
    const notAfterMs = Math.ceil((Date.now() + EXPIRING * perGrantMs * 2 + SESSIONS * 100 + 5_000) / 1000) * 1000;
    const notAfter = new Date(notAfterMs).toISOString();
    const expiring = new Map<string, { name: string; password: string }>();
    const expiringIds = Array.from({ length: EXPIRING }, (_, index) => `LAG-${suffix}.x${index}`);
    await forEachLimited(expiringIds, CONCURRENCY, async (grantId) => void expiring.set(grantId, await create(grantId, notAfter)));
    const createSeconds = (performance.now() - createStarted) / 1000;
    memory.creating = residentMemory(connector.pid).peak;

    const expiringLogins = [...expiring.values()];
    const sessioned = expiringLogins.slice(0, SESSIONS);
    const probed = expiringLogins.slice(SESSIONS, SESSIONS + LOGIN_PROBES);
    sessions.push(...(await openSessions(sessioned)));
    const activeAtExpiry = (await connector.client.listGrants('active')).grants.length;
    const names = expiringLogins.map((login) => login.name);
    const { rows: validRows } = await pg.admin.query(
      'SELECT count(*)::int AS n FROM pg_catalog.pg_roles WHERE rolname = ANY($1) AND rolvaliduntil IS NOT NULL AND rolvaliduntil <= $2',
      [names, notAfter],
    );
    const refusedByValidUntil = countRows.parse(validRows)[0].n;
    if (Date.now() >= notAfterMs) throw new Error('the expiring grants were not all in place before their notAfter; rerun on a quieter machine');

    // New logins right after notAfter, tried as a requester would.
    const probes = sleep(notAfterMs + 20 - Date.now()).then(() => Promise.all(probed.map(refused)));
    const sessionedNames = sessioned.map((user) => user.name);
    const [sessionsGone, rolesGone] = await Promise.all([
      watch(sessionedNames, notAfterMs, withSessions(sessionedNames)),
      watch(names, notAfterMs, inRoles(names), () => {
        memory.expiring = Math.max(memory.expiring, residentMemory(connector.pid).rss);
      }),
    ]);
    const refusedNow = (await probes).filter(Boolean).length;

    const access = summarize([...sessionsGone.values()].map((lag) => Math.max(0, lag)));
    const dismantled = summarize([...rolesGone.values()]);
    const early = [...sessionsGone.values(), ...rolesGone.values()].filter((lag) => lag < 0).length;
    const missed = names.length - rolesGone.size;
    const present = new Set(nameRows.parse((await pg.admin.query('SELECT rolname AS name FROM pg_catalog.pg_roles WHERE rolname = ANY($1)', [[...longLived.values()].map((login) => login.name)])).rows).map((row) => row.name));
    const longLivedGone = longLived.size - present.size;
    const ledger = (await connector.client.listGrants('expired')).grants.filter((grant) => expiring.has(grant.grantId)).length;

    // Baseline: other logins' sessions, ended by a timer of the bench and one batched statement at its own instant.
    const baselineLogins = [...longLived.values()].slice(0, SESSIONS);
    sessions.push(...(await openSessions(baselineLogins)));
    const baselineAdmin = new Client({ connectionString: PG_URL });
    await baselineAdmin.connect();
    const baselineAt = Math.ceil((Date.now() + 2_000) / 1000) * 1000;
    const baselineNames = baselineLogins.map((login) => login.name);
    const fired = sleep(baselineAt - Date.now()).then(() => baselineAdmin.query(TERMINATE, [baselineNames]));
    const baselineGone = await watch(baselineNames, baselineAt, withSessions(baselineNames));
    await fired;
    await baselineAdmin.end();
    const baseline = summarize([...baselineGone.values()].map((lag) => Math.max(0, lag)));

    process.stdout.write(
      markdownTable(
        ['measure', 'connector', 'baseline', 'ratio'],
        [
          ['active grants when the burst began', String(activeAtExpiry), '', ''],
          ['grants expiring at the same instant', String(EXPIRING), '', ''],
          [`expiring logins refusing new logins from notAfter (VALID UNTIL ≤ notAfter)`, `${refusedByValidUntil} / ${EXPIRING}`, '', ''],
          [`new logins tried ${20} ms after notAfter and refused`, `${refusedNow} / ${probed.length}`, '', ''],
          [`access ended p50 (open sessions gone − notAfter; ${SESSIONS} logins with a session)`, ms(access.p50), ms(baseline.p50), ratio(access.p50, baseline.p50)],
          ['access ended p99', ms(access.p99), ms(baseline.p99), ratio(access.p99, baseline.p99)],
          ['access ended max', ms(access.max), ms(baseline.max), ratio(access.max, baseline.max)],
          ['login dismantled (gone from pg_roles − notAfter) p50', ms(dismantled.p50), '', ''],
          ['login dismantled p99', ms(dismantled.p99), '', ''],
          ['login dismantled max', ms(dismantled.max), '', ''],
          ['expiring logins still in pg_roles after 60 s (missed)', String(missed), '0', ''],
          ['sessions or logins gone before their notAfter (early)', String(early), '0', ''],
          ['long-lived logins gone (should stay)', String(longLivedGone), '0', ''],
          ['ledger: expiring grants in state expired', `${ledger} / ${EXPIRING}`, '', ''],
          [`creating ${TOTAL} grants (${CONCURRENCY} concurrent requests)`, `${createSeconds.toFixed(1)} s (${((createSeconds * 1000) / TOTAL).toFixed(2)} ms/grant)`, '', ''],
          ['connector resident memory idle / peak while creating / during the burst', `${mb(memory.idle)} / ${mb(memory.creating)} / ${mb(memory.expiring)}`, '', ''],
        ],
      ),
    );
    process.stdout.write(
      `\nTarget: access ended p99 ≤ 250 ms after notAfter, dismantled within 5 s, none missed, none early. Measured from the ` +
        `database side (pg_stat_activity and pg_roles each polled on a connection of its own every ${WATCH_STEP_MS} ms, so each figure is up to one poll late). ` +
        'Baseline: the bench ends as many other sessions itself, with a timer at a whole second and one ' +
        'pg_terminate_backend statement for all of them over an open admin connection.\n',
    );
  } finally {
    for (const session of sessions) await session.end().catch(() => undefined);
    await connector.stop();
    files.remove();
    const dropped = await pg.cleanup();
    process.stderr.write(`dropped ${dropped} bench login(s)\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
