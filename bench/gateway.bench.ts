import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PG_URL, benchSuffix, postgresBenchTarget } from './support/databases';
import { startBareRelay } from './support/bare-relay';
import { startBenchConnector } from './support/in-process';
import { load, rotated, sideRows, type SideRound } from './support/stats';
import { markdownTable } from './support/table';

/**
 * pgbench's select-only transaction sent three ways in the same run, at 1 and 8 clients: straight to PostgreSQL by a
 * login of the same access level (direct), through a bare TCP relay in this process (the same login; no parse, no
 * record: what any process hop costs), and through the SQL gateway in this process. Each client count runs the three
 * in turn, each round starting one side later (rotated), so drift on a shared machine, and the garbage one side
 * leaves in this process, hit all alike. Latency comes from pgbench's
 * per-transaction log. The gateway parses, classifies, normalizes and records every statement as it does in use.
 */

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CLIENTS = [1, 8];
const ROUNDS = 3;
const run = promisify(execFile);
const principal = { accountId: 'bench', email: 'bench@example.com', dbUser: null };

async function pgbench(endpoint: { host: string; port: number; database: string }, login: { username: string; password: string }, schema: string, clients: number): Promise<SideRound> {
  const logDir = mkdtempSync(join(tmpdir(), 'jit-pgbench-'));
  try {
    const { stdout } = await run(
      'pgbench',
      ['-n', '-S', '-c', String(clients), '-j', String(clients), '-T', String(SECONDS), '-l', `--log-prefix=${join(logDir, 'tx')}`, '-h', endpoint.host, '-p', String(endpoint.port), '-U', login.username, endpoint.database],
      { env: { ...process.env, PGPASSWORD: login.password, PGSSLMODE: 'disable', PGOPTIONS: `-c search_path=${schema}` }, maxBuffer: 16 * 1024 * 1024 },
    );
    const tps = Number(/tps = ([\d.]+) \(without initial connection time\)/.exec(stdout)?.[1]);
    // Each log line: client_id transaction_no latency_us script_no epoch epoch_us.
    const latenciesMs = readdirSync(logDir).flatMap((file) =>
      readFileSync(join(logDir, file), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => Number(line.split(' ')[2]) / 1000),
    );
    return { rate: tps, latenciesMs };
  } finally {
    rmSync(logDir, { recursive: true, force: true });
  }
}

async function main() {
  const loadAtStart = loadavg();
  const suffix = benchSuffix();
  const fixture = await postgresBenchTarget(suffix);
  const schema = `s_${suffix}`;
  await run('pgbench', ['-i', '-s', '1', '-q', PG_URL], { env: { ...process.env, PGOPTIONS: `-c search_path=${schema}` } });
  const directTarget = fixture.target;
  const gatewayTarget = { ...directTarget, id: `gw-${suffix}`, access: 'gateway' as const };
  const connector = await startBenchConnector([directTarget, gatewayTarget], { gateway: { postgres: { listen: { host: '127.0.0.1', port: 0 } } } });
  try {
    const notAfter = new Date(Date.now() + 3600_000).toISOString();
    const grant = (grantId: string, target: string) => connector.client.createGrant({ grantId, target, role: 'read', principal, mode: 'ephemeral', notAfter, ticket: 'BENCH-1', reason: 'bench' });
    const directGrant = await grant(`bench-direct-${suffix}`, directTarget.id);
    const gatewayGrant = await grant(`bench-gateway-${suffix}`, gatewayTarget.id);
    const relay = await startBareRelay(directGrant.connect);
    const sides = {
      direct: { endpoint: directGrant.connect, login: directGrant },
      'bare relay': { endpoint: { ...directGrant.connect, host: relay.host, port: relay.port }, login: directGrant },
      gateway: { endpoint: gatewayGrant.connect, login: gatewayGrant },
    };
    const rows: string[][] = [];
    try {
      for (const clients of CLIENTS) {
        const results = { direct: [] as SideRound[], 'bare relay': [] as SideRound[], gateway: [] as SideRound[] };
        for (let round = 0; round < ROUNDS; round += 1) {
          for (const side of rotated(Object.keys(sides) as (keyof typeof sides)[], round)) {
            const { endpoint, login } = sides[side];
            results[side].push(await pgbench(endpoint, { username: login.username, password: login.password ?? '' }, schema, clients));
          }
        }
        for (const cells of sideRows(results)) rows.push([String(clients), ...cells]);
      }
    } finally {
      await relay.close();
    }
    const activity = await connector.context.gateway?.activityPage(`bench-gateway-${suffix}`, null);
    process.stdout.write(
      `pgbench -S (select-only, simple protocol), ${ROUNDS} × ${SECONDS} s per side and client count, rotating direct, bare relay, gateway; ${activity?.digest.statements ?? 0} statements recorded through the gateway; load average (1, 5, 15 min) ${load(loadAtStart)} at the start, ${load(loadavg())} at the end.\n\n`,
    );
    process.stdout.write(markdownTable(['clients', 'side', 'tps', '/ direct', '/ bare relay', 'p50', 'added p50', 'p99'], rows));
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
