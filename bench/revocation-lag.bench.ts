import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { benchSuffix, postgresBenchTarget } from './support/databases';
import { residentMemory, spawnConnector, writeConfig } from './support/connector-process';
import { mb, ms, summarize } from './support/stats';
import { markdownTable } from './support/table';
import { DEFAULT_POLL_MS } from '../src/connector/scheduler/expiry-scheduler';

/**
 * Revocation lag at scale: 10,000 active grants on local PostgreSQL through a connector process started as
 * `npm run connector` does, 1,000 of them with the very same notAfter. The lag of a login is the time from its
 * notAfter until it had disappeared from pg_roles, watched from the database side by polling pg_roles; a
 * login is dropped only after it was disabled and its sessions were terminated, so this is when access had
 * really ended. Baseline: the scheduler's own poll interval, the delay any polling design starts with.
 * The access level is membership in a group role: per-login privileges on one schema stop at ~2,400 logins.
 */

const TOTAL = Number(process.env.BENCH_GRANTS ?? 10_000);
const EXPIRING = Number(process.env.BENCH_EXPIRING ?? 1_000);
const CONCURRENCY = 16;
const WATCH_STEP_MS = 10;
const SCHEDULER_POLL_MS = DEFAULT_POLL_MS;
const principal = { accountId: 'bench', email: 'bench@example.com', dbUser: null };
const nameRows = z.array(z.object({ rolname: z.string() }));

async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await work(items[next++] as T);
    }),
  );
}

async function main(): Promise<void> {
  const suffix = benchSuffix();
  const pg = await postgresBenchTarget(suffix, { viaGroupRole: true });
  const files = writeConfig([pg.target]);
  const connector = await spawnConnector(['--config', files.configPath]);
  const memory = { idle: 0, creating: 0, expiring: 0 };
  const create = async (grantId: string, notAfter: string): Promise<string> =>
    (await connector.client.createGrant({ grantId, target: pg.target.id, role: 'read', principal, mode: 'ephemeral', notAfter })).username;
  try {
    await sleep(500);
    memory.idle = residentMemory(connector.pid).rss;

    // The long-lived grants first; their pace says when the expiring ones can all be in place.
    const createStarted = performance.now();
    const longLived = new Map<string, string>();
    const farEnd = new Date(Date.now() + 3_600_000).toISOString();
    const longIds = Array.from({ length: TOTAL - EXPIRING }, (_, index) => `LAG-${suffix}.${index}`);
    await forEachLimited(longIds, CONCURRENCY, async (grantId) => void longLived.set(grantId, await create(grantId, farEnd)));
    const perGrantMs = (performance.now() - createStarted) / longIds.length;
    const notAfterMs = Math.ceil((Date.now() + EXPIRING * perGrantMs * 2 + 5_000) / 1000) * 1000;
    const notAfter = new Date(notAfterMs).toISOString();
    const expiring = new Map<string, string>();
    const expiringIds = Array.from({ length: EXPIRING }, (_, index) => `LAG-${suffix}.x${index}`);
    await forEachLimited(expiringIds, CONCURRENCY, async (grantId) => void expiring.set(grantId, await create(grantId, notAfter)));
    const createSeconds = (performance.now() - createStarted) / 1000;
    memory.creating = residentMemory(connector.pid).peak;
    const activeAtExpiry = (await connector.client.listGrants('active')).grants.length;
    if (Date.now() >= notAfterMs) throw new Error('the expiring grants were not all created before their notAfter; rerun on a quieter machine');

    // Watch pg_roles from just before notAfter until every expiring login is gone (or a minute passed).
    const names = [...expiring.values()];
    const endedAt = new Map<string, number>();
    const early: string[] = [];
    await sleep(Math.max(0, notAfterMs - Date.now() - 1_000));
    while (endedAt.size < names.length && Date.now() < notAfterMs + 60_000) {
      const { rows } = await pg.admin.query('SELECT rolname FROM pg_catalog.pg_roles WHERE rolname = ANY($1)', [names]);
      const seenAt = Date.now();
      const present = new Set(nameRows.parse(rows).map((row) => row.rolname));
      for (const name of names) {
        if (present.has(name) || endedAt.has(name)) continue;
        endedAt.set(name, seenAt);
        if (seenAt < notAfterMs) early.push(name);
      }
      memory.expiring = Math.max(memory.expiring, residentMemory(connector.pid).rss);
      await sleep(WATCH_STEP_MS);
    }

    const lags = [...endedAt.values()].map((at) => at - notAfterMs);
    const lag = summarize(lags);
    const missed = names.length - endedAt.size;
    const present = new Set(nameRows.parse((await pg.admin.query('SELECT rolname FROM pg_catalog.pg_roles WHERE rolname = ANY($1)', [[...longLived.values()]])).rows).map((row) => row.rolname));
    const longLivedGone = longLived.size - present.size;
    const ledger = (await connector.client.listGrants('expired')).grants.filter((grant) => expiring.has(grant.grantId)).length;

    process.stdout.write(
      markdownTable(
        ['measure', 'value', 'baseline', 'ratio'],
        [
          ['active grants when the burst began', String(activeAtExpiry), '', ''],
          ['grants expiring at the same instant', String(EXPIRING), '', ''],
          ['lag p50 (ended − notAfter)', ms(lag.p50), `${SCHEDULER_POLL_MS} ms`, `${(lag.p50 / SCHEDULER_POLL_MS).toFixed(2)}×`],
          ['lag p99', ms(lag.p99), `${SCHEDULER_POLL_MS} ms`, `${(lag.p99 / SCHEDULER_POLL_MS).toFixed(2)}×`],
          ['lag max', ms(lag.max), `${SCHEDULER_POLL_MS} ms`, `${(lag.max / SCHEDULER_POLL_MS).toFixed(2)}×`],
          ['expiring logins still in pg_roles after 60 s (missed)', String(missed), '0', ''],
          ['logins gone before their notAfter', String(early.length), '0', ''],
          ['long-lived logins gone (should stay)', String(longLivedGone), '0', ''],
          ['ledger: expiring grants in state expired', `${ledger} / ${EXPIRING}`, '', ''],
          [`creating ${TOTAL} grants (${CONCURRENCY} concurrent requests)`, `${createSeconds.toFixed(1)} s (${((createSeconds * 1000) / TOTAL).toFixed(2)} ms/grant)`, '', ''],
          ['connector resident memory idle / peak while creating / during the burst', `${mb(memory.idle)} / ${mb(memory.creating)} / ${mb(memory.expiring)}`, '', ''],
        ],
      ),
    );
    process.stdout.write(
      `\nTarget: lag p99 ≤ 1 s, none missed. Lag is measured from the database side (pg_roles polled every ${WATCH_STEP_MS} ms, ` +
        'so each figure is up to one poll late). Baseline: the scheduler polls its ledger every ' +
        `${SCHEDULER_POLL_MS} ms, so an expiry waits up to that long before its revocation even starts.\n`,
    );
  } finally {
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
