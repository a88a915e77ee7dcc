import mysql from 'mysql2/promise';
import { Client } from 'pg';
import { cachingSha2PasswordHash, nativePasswordHash } from '../src/connector/drivers/mysql/password-hash';
import { scramSha256Verifier } from '../src/connector/drivers/postgres/scram';
import { generatePassword } from '../src/connector/grants/usernames';
import { MYSQL_URL, PG_URL, benchSuffix, mysqlBenchTarget, postgresBenchTarget } from './support/databases';
import { startBenchConnector } from './support/in-process';
import { StatementCapture, type Engine, type Statement } from './support/statement-capture';
import { ms, ratio, summarize, timed } from './support/stats';
import { markdownTable } from './support/table';

/**
 * Grant and revoke latency through the connector's signed HTTP API, against a baseline measured in the same
 * run: the very statements the driver sent for each operation (recorded by wrapping the client libraries'
 * `query`), sent again over one plain connection, with the password verifier computed afresh, as the driver
 * must. Connector and baseline alternate in chunks so that drift on a shared machine hits both alike.
 */

const OPERATIONS = Number(process.env.BENCH_OPERATIONS ?? 500);
const CHUNK = 50;
const WARMUP = 20;
const principal = { accountId: 'bench', email: 'bench@example.com', dbUser: null };

/** How the baseline of one engine sends statements and refreshes the password verifier in them. */
interface Baseline {
  send(statement: Statement): Promise<void>;
  /** The statements with the verifier replaced by one computed now for a new password. */
  withFreshVerifier(statements: Statement[]): Promise<Statement[]>;
  close(): Promise<void>;
}

async function postgresBaseline(): Promise<Baseline> {
  const client = new Client({ connectionString: PG_URL });
  await client.connect();
  const VERIFIER = /SCRAM-SHA-256\$[^']+/;
  return {
    send: async ({ text, values }) => void (await client.query(text, values)),
    async withFreshVerifier(statements) {
      const verifier = await scramSha256Verifier(generatePassword());
      return statements.map((statement) => ({ ...statement, text: statement.text.replace(VERIFIER, verifier) }));
    },
    close: () => client.end(),
  };
}

async function mysqlBaseline(): Promise<Baseline> {
  const connection = await mysql.createConnection({ uri: MYSQL_URL });
  const fresh = (value: unknown, password: string): unknown => {
    if (typeof value !== 'string') return value;
    if (/^\*[0-9A-F]{40}$/.test(value)) return nativePasswordHash(password);
    if (value.startsWith('$A$')) return cachingSha2PasswordHash(password);
    return value;
  };
  return {
    send: async ({ text, values }) => void (await connection.query(text, values)),
    async withFreshVerifier(statements) {
      const password = generatePassword();
      return statements.map((statement) => ({ ...statement, values: statement.values.map((value) => fresh(value, password)) }));
    },
    close: () => connection.end(),
  };
}

interface Samples {
  /** A signed GET of an unknown grant: HTTP, signature check and a ledger lookup, no database. */
  http: number[];
  grant: number[];
  revoke: number[];
  baselineGrant: number[];
  baselineRevoke: number[];
  statements: { grant: number; revoke: number };
}

async function measure(capture: StatementCapture, engine: Engine, targetId: string, client: Awaited<ReturnType<typeof startBenchConnector>>['client'], baseline: Baseline, run: string): Promise<Samples> {
  const samples: Samples = { http: [], grant: [], revoke: [], baselineGrant: [], baselineRevoke: [], statements: { grant: 0, revoke: 0 } };
  let next = 0;
  const chunk = async (size: number, record: boolean) => {
    const recorded: { grant: Statement[]; revoke: Statement[] }[] = [];
    const ids = Array.from({ length: size }, () => `BENCH-${run}.${next++}`);
    for (const grantId of ids) {
      capture.record();
      const took = await timed(() => client.createGrant({ grantId, target: targetId, role: 'read', principal, mode: 'ephemeral', notAfter: new Date(Date.now() + 3_600_000).toISOString() }));
      recorded.push({ grant: capture.take(engine), revoke: [] });
      if (record) samples.grant.push(took);
    }
    for (const [index, grantId] of ids.entries()) {
      capture.record();
      const took = await timed(() => client.revokeGrant(grantId));
      const entry = recorded[index];
      if (entry) entry.revoke = capture.take(engine);
      if (record) samples.revoke.push(took);
      const http = await timed(() => client.getGrant(`${grantId}.none`).catch(() => undefined));
      if (record) samples.http.push(http);
    }
    // The logins are gone again, so the baseline can create and drop the very same names.
    for (const { grant } of recorded) {
      const took = await timed(async () => {
        for (const statement of await baseline.withFreshVerifier(grant)) await baseline.send(statement);
      });
      if (record) samples.baselineGrant.push(took);
    }
    for (const { revoke } of recorded) {
      const took = await timed(async () => {
        for (const statement of revoke) await baseline.send(statement);
      });
      if (record) samples.baselineRevoke.push(took);
    }
    const last = recorded[recorded.length - 1];
    if (last) samples.statements = { grant: last.grant.length, revoke: last.revoke.length };
  };
  await chunk(WARMUP, false);
  for (let done = 0; done < OPERATIONS; done += CHUNK) await chunk(Math.min(CHUNK, OPERATIONS - done), true);
  return samples;
}

function rows(engine: string, samples: Samples): string[][] {
  const pairs = [
    ['grant', samples.grant, samples.baselineGrant, samples.statements.grant],
    ['revoke', samples.revoke, samples.baselineRevoke, samples.statements.revoke],
  ] as const;
  const http = summarize(samples.http);
  return [
    ...pairs.map(([operation, connector, baseline, statements]) => {
      const c = summarize(connector);
      const b = summarize(baseline);
      return [engine, operation, String(c.n), String(statements), ms(c.p50), ms(b.p50), ratio(c.p50, b.p50), ms(c.p50 - b.p50), ms(c.p99), ms(b.p99), ratio(c.p99, b.p99)];
    }),
    [engine, 'signed HTTP round trip only', String(http.n), '0', ms(http.p50), '', '', '', ms(http.p99), '', ''],
  ];
}

async function main(): Promise<void> {
  const capture = StatementCapture.install();
  const suffix = benchSuffix();
  const pg = await postgresBenchTarget(suffix);
  const my = await mysqlBenchTarget(suffix);
  const connector = await startBenchConnector([pg.target, my.target]);
  const table: string[][] = [];
  try {
    const pgBaseline = await postgresBaseline();
    table.push(...rows('PostgreSQL', await measure(capture, 'postgres', pg.target.id, connector.client, pgBaseline, `pg${suffix}`)));
    await pgBaseline.close();
    const myBaseline = await mysqlBaseline();
    table.push(...rows('MariaDB', await measure(capture, 'mysql', my.target.id, connector.client, myBaseline, `my${suffix}`)));
    await myBaseline.close();
  } finally {
    await connector.stop();
    const leftover = (await pg.cleanup()) + (await my.cleanup());
    if (leftover > 0) process.stderr.write(`cleaned up ${leftover} login(s) left behind\n`);
  }
  process.stdout.write(
    markdownTable(['engine', 'operation', 'n', 'statements', 'connector p50', 'baseline p50', 'ratio p50', 'overhead p50', 'connector p99', 'baseline p99', 'ratio p99'], table),
  );
  process.stdout.write(
    '\nConnector: a signed request through `ConnectorClient` (Node fetch) to a connector in this process on its file ledger ' +
      '(the request remembered for replay and two ledger writes per operation, each synced to disk), sequential. Baseline: the same statements the driver sent for that ' +
      'operation (recorded from pg/mysql2 in this process), sent one after another over one plain connection. The grant ' +
      'baseline includes computing the password verifier (PostgreSQL: SCRAM-SHA-256, 4096 PBKDF2 iterations; MariaDB: ' +
      'mysql_native_password hash), because the CREATE ROLE / CREATE USER statement carries it and cannot be sent without it. "Signed HTTP round trip only" is a signed GET of an unknown grant (fetch, signature ' +
      'check, ledger lookup, JSON error), the floor of any call through the API.\n',
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
