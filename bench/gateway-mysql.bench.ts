import { loadavg } from 'node:os';
import mysql, { type Connection } from 'mysql2/promise';
import { benchSuffix, MYSQL_URL, mysqlBenchTarget } from './support/databases';
import { startBareRelay } from './support/bare-relay';
import { startBenchConnector } from './support/in-process';
import { load, rotated, sideRows, type SideRound } from './support/stats';
import { markdownTable } from './support/table';

/**
 * A primary-key select sent one at a time by mysql2 (text protocol) three ways in the same run: straight to the
 * server by a login of the same access level (direct), through a bare TCP relay in this process (the same login; no
 * parse, no record: what any process hop costs), and through the MySQL-wire gateway in this process. The three run
 * in turn, each round starting one side later (rotated), so that drift on a shared machine, and the garbage one
 * side leaves in this process (the client runs here too), hit all alike. The gateway parses, classifies,
 * normalizes and records every statement as it does in use.
 */

const STATEMENTS = Number(process.env.BENCH_STATEMENTS ?? 5_000);
const ROUNDS = 3;
const principal = { accountId: 'bench', email: 'bench@example.com', dbUser: null };

async function round(session: Connection): Promise<SideRound> {
  const latenciesMs: number[] = [];
  const started = performance.now();
  for (let index = 0; index < STATEMENTS; index += 1) {
    const sent = performance.now();
    await session.query(`SELECT id, total FROM orders WHERE id = ${(index % 1000) + 1}`);
    latenciesMs.push(performance.now() - sent);
  }
  return { rate: STATEMENTS / ((performance.now() - started) / 1000), latenciesMs };
}

async function main() {
  const loadAtStart = loadavg();
  const suffix = benchSuffix();
  const fixture = await mysqlBenchTarget(suffix);
  await fixture.admin.query('INSERT INTO ??.orders WITH RECURSIVE s (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 1000) SELECT n, n * 10 FROM s', [`jit_bench_${suffix}`]);
  const directTarget = fixture.target;
  const gatewayTarget = { ...directTarget, id: `gw-${suffix}`, access: 'gateway' as const };
  const connector = await startBenchConnector([directTarget, gatewayTarget], { gateway: { mysql: { listen: { host: '127.0.0.1', port: 0 } } } });
  try {
    const notAfter = new Date(Date.now() + 3600_000).toISOString();
    const grant = (grantId: string, target: string) => connector.client.createGrant({ grantId, target, role: 'read', principal, mode: 'ephemeral', notAfter, ticket: 'BENCH-1', reason: 'bench' });
    const directGrant = await grant(`bench-direct-${suffix}`, directTarget.id);
    const gatewayGrant = await grant(`bench-gateway-${suffix}`, gatewayTarget.id);
    const relay = await startBareRelay(directGrant.connect);
    const open = (created: typeof directGrant, endpoint: { host: string; port: number }) =>
      mysql.createConnection({ host: endpoint.host, port: endpoint.port, database: created.connect.database, user: created.username, password: created.password ?? '' });
    const sessions = { direct: await open(directGrant, directGrant.connect), 'bare relay': await open(directGrant, relay), gateway: await open(gatewayGrant, gatewayGrant.connect) };
    const results = { direct: [] as SideRound[], 'bare relay': [] as SideRound[], gateway: [] as SideRound[] };
    const sides = Object.keys(sessions) as (keyof typeof sessions)[];
    for (let index = 0; index < ROUNDS; index += 1) {
      for (const side of rotated(sides, index)) results[side].push(await round(sessions[side]));
    }
    for (const side of sides) await sessions[side].end();
    await relay.close();
    const activity = await connector.context.gateway?.activityPage(gatewayGrant.grantId, null);
    process.stdout.write(
      `mysql2 text queries, one at a time, ${ROUNDS} × ${STATEMENTS} per side, rotating direct, bare relay, gateway, against ${new URL(MYSQL_URL).host}; ${activity?.digest.statements ?? 0} statements recorded through the gateway; load average (1, 5, 15 min) ${load(loadAtStart)} at the start, ${load(loadavg())} at the end.\n\n`,
    );
    process.stdout.write(
      markdownTable(
        ['side', 'statements/s', '/ direct', '/ bare relay', 'p50', 'added p50', 'p99'],
        sideRows(results),
      ),
    );
    await connector.client.revokeGrant(directGrant.grantId);
    await connector.client.revokeGrant(gatewayGrant.grantId);
  } finally {
    await connector.stop();
    await fixture.cleanup();
  }
}

void main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
