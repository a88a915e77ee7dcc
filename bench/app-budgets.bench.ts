import { performance } from 'node:perf_hooks';
import { z } from 'zod';
// The app's test harness starts the Forge runtime emulator first, before anything loads @forge/api.
import { installApp, type AppUnderTest } from '../test/app/support/install-app';
import { asUser, call, raise, readTicket } from '../test/app/support/ticket';
import { waitFor } from '../test/connector/support/harness';
import { newGrantRecord, recordTransition } from '../src/core';
import { markdownTable } from './support/table';

/**
 * Budgets of the Forge app, counted through the emulators with a real connector (PGlite `demo` target):
 * - Jira REST calls the app makes for one full lifecycle (request, auto-approval, grant, expiry reported by
 *   the connector's callback), counted by the JSM emulator; cold (workflow transition ids not yet cached)
 *   and warm. Target: at most 12.
 * - The scheduled sweep over 5,000 active grants of which 500 are due (their window closed; the connector
 *   already expired them), run in the Forge emulator: wall time against the 55 s web-trigger limit the issue
 *   sets as the goal (the function itself may run 900 s).
 * - A sweep with nothing due: storage calls (counted by wrapping the platform seam `__forge_fetch__`) and
 *   Jira calls. Target: at most one storage query and no Jira call.
 * The baseline of each ratio is the budget itself, so a ratio above 1.00 is over budget.
 */

const TOTAL = Number(process.env.BENCH_SWEEP_GRANTS ?? 5_000);
const DUE = Number(process.env.BENCH_SWEEP_DUE ?? 500);
const SWEEP_LIMIT_MS = 55_000;

type StorageCall = { path: string };
const storageCalls: StorageCall[] = [];

function countStorageCalls(): void {
  const original: unknown = Reflect.get(globalThis, '__forge_fetch__');
  if (typeof original !== 'function') throw new Error('the Forge emulator did not install __forge_fetch__');
  Object.defineProperty(globalThis, '__forge_fetch__', {
    configurable: true,
    value: async (descriptor: unknown, path: string, init: unknown) => {
      if (z.object({ type: z.literal('kvs') }).safeParse(descriptor).success) storageCalls.push({ path });
      return Reflect.apply(original, undefined, [descriptor, path, init]);
    },
  });
}

async function lifecycle(app: AppUnderTest): Promise<{ intakeAndGrant: number; expiry: number; total: number }> {
  const { site } = app;
  const appCalls = () => site.jsm.calls.count({ identity: 'app' });
  const before = appCalls();
  const key = await raise(site, app.ids, site.people.requester, { target: 'demo', accessLevel: 'read-only', duration: 'PT2S' });
  const granted = appCalls();
  if ((await readTicket(site, key)).status !== 'Access granted') throw new Error(`${key} was not granted`);
  await waitFor(async () => ((await readTicket(site, key)).status === 'Access expired' ? true : undefined), 20_000, 100);
  const ended = appCalls();
  return { intakeAndGrant: granted - before, expiry: ended - granted, total: ended - before };
}

/** Issues in the granted status, as tickets whose grants the sweep will find due. */
async function grantedTickets(app: AppUnderTest, count: number): Promise<string[]> {
  const { site } = app;
  const agent = asUser(site.people.agent);
  const keys: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const created = await call(site, agent, 'POST', '/rest/api/3/issue', { fields: { project: { key: 'JIT' }, issuetype: { name: 'Service Request with Approvals' }, summary: `bench ${i}` } });
    const key = z.object({ key: z.string() }).parse(created.body).key;
    for (const id of ['11', '51']) await call(site, agent, 'POST', `/rest/api/3/issue/${key}/transitions`, { transition: { id } });
    keys.push(key);
  }
  await site.jsm.admin.flushEvents();
  await site.runtime.settle();
  return keys;
}

function storedGrant(ticket: string, requester: string, notBefore: number, notAfter: number, dueAt: number) {
  const at = new Date(notBefore);
  let record = newGrantRecord({ ticket, target: 'demo', accessLevel: 'read-only', role: 'read', requesterAccountId: requester, breakGlass: false, at });
  record = recordTransition(record, { event: 'policy-approved', at, actor: 'app', rule: { id: 'read-only-dev', name: 'Read-only on dev is automatic' } });
  record = recordTransition(record, { event: 'grant-started', at, actor: 'app' });
  record = recordTransition(record, {
    event: 'grant-succeeded',
    at,
    actor: 'app',
    set: { window: { notBefore: at.toISOString(), notAfter: new Date(notAfter).toISOString() }, username: 'jit_bench', connect: { host: 'demo.db.internal', port: 5432, database: 'demo' }, attempts: 1 },
  });
  return { ticket, phase: 'open', dueAt, createdAt: notBefore, version: 1, record, meta: { requestTypeId: '1', reasons: [], refusedApprovals: [], alertSent: false, alertFailures: 0, effects: [] } };
}

async function sweepAtScale(app: AppUnderTest) {
  const { site } = app;
  const tickets = await grantedTickets(app, DUE);
  const now = Date.now();
  // Each grant ends four seconds after it is made: on a busy machine making 500 takes longer than that.
  const ends = new Map<string, number>();
  for (const ticket of tickets) {
    const notAfter = Date.now() + 4_000;
    ends.set(ticket, notAfter);
    await app.connector.client.createGrant({ grantId: `${ticket}.1`, target: 'demo', role: 'read', principal: { accountId: site.people.requester }, notAfter: new Date(notAfter).toISOString(), ticket });
  }
  await waitFor(async () => ((await app.connector.client.listGrants('active')).grants.length === 0 ? true : undefined), 60_000, 250);
  const store = site.runtime.kvsStoreForTests;
  for (const ticket of tickets) {
    const notAfter = ends.get(ticket) ?? now;
    store.set({ kind: 'entity', entityName: 'grant' }, ticket, storedGrant(ticket, site.people.requester, now, notAfter, notAfter));
  }
  for (let i = 0; i < TOTAL - DUE; i += 1) {
    const ticket = `JIT-${900_000 + i}`;
    store.set({ kind: 'entity', entityName: 'grant' }, ticket, storedGrant(ticket, site.people.requester, now, now + 3_600_000, now + 3_600_000 - 15 * 60_000));
  }
  site.jsm.calls.reset();
  storageCalls.length = 0;
  const started = performance.now();
  const outcome = await site.runtime.runScheduledTrigger('expiry-sweep');
  const elapsed = performance.now() - started;
  if (!outcome.ok) throw new Error(`the sweep failed: ${outcome.error.message}`);
  const grants = z.record(z.string(), z.object({ record: z.object({ state: z.string() }) })).parse(site.runtime.inspect.kvs().entities.grant);
  const expired = tickets.filter((ticket) => grants[ticket]?.record.state === 'expired').length;
  return { elapsed, expired, jiraCalls: site.jsm.calls.count({ identity: 'app' }), storageCalls: storageCalls.length };
}

async function sweepNothingDue(app: AppUnderTest) {
  const { site } = app;
  site.jsm.calls.reset();
  storageCalls.length = 0;
  const started = performance.now();
  await site.runtime.runScheduledTrigger('expiry-sweep');
  const elapsed = performance.now() - started;
  const queries = storageCalls.filter((entry) => entry.path.endsWith('/query')).length;
  return { elapsed, queries, storageCalls: storageCalls.length, jiraCalls: site.jsm.calls.count({ identity: 'app' }) };
}

async function main(): Promise<void> {
  console.log = () => undefined;
  const app = await installApp();
  countStorageCalls();
  try {
    const cold = await lifecycle(app);
    const warm = await lifecycle(app);
    const scale = await sweepAtScale(app);
    const idle = await sweepNothingDue(app);
    const ratio = (value: number, budget: number) => (value / budget).toFixed(2);
    const rows = [
      ['Jira calls, one lifecycle (cold cache)', `${cold.total} (intake+grant ${cold.intakeAndGrant}, expiry ${cold.expiry})`, '≤ 12', ratio(cold.total, 12)],
      ['Jira calls, one lifecycle (warm)', `${warm.total} (intake+grant ${warm.intakeAndGrant}, expiry ${warm.expiry})`, '≤ 12', ratio(warm.total, 12)],
      [`Sweep, ${TOTAL} active / ${DUE} due: time`, `${(scale.elapsed / 1000).toFixed(1)} s (${scale.expired}/${DUE} expired)`, '< 55 s', ratio(scale.elapsed, SWEEP_LIMIT_MS)],
      [`Sweep, ${TOTAL} active / ${DUE} due: calls`, `${scale.jiraCalls} Jira, ${scale.storageCalls} storage`, '-', '-'],
      ['Sweep, nothing due: storage queries', `${idle.queries} (${idle.storageCalls} storage calls in all)`, '≤ 1', ratio(idle.queries, 1)],
      ['Sweep, nothing due: Jira calls', String(idle.jiraCalls), '0', idle.jiraCalls === 0 ? '0.00' : '∞'],
      ['Sweep, nothing due: time', `${idle.elapsed.toFixed(1)} ms`, '-', '-'],
    ];
    process.stdout.write(markdownTable(['Budget', 'Measured', 'Budget', 'Ratio (measured / budget)'], rows));
  } finally {
    await app.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
