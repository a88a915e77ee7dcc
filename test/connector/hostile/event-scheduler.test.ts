import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql, { type Connection } from 'mysql2/promise';
import { z } from 'zod';
import { describeWith, uniqueSuffix } from '../../support/servers';
import { writeConfig } from '../crash/connector-process';
import { startTestConnector, type TestConnector } from '../support/harness';

const ROOT = join(__dirname, '..', '..', '..');
const schedulerRow = z.array(z.object({ scheduler: z.string() }));

/**
 * On MariaDB the database ends a temporary login by itself only through a lock event, which needs the event
 * scheduler (OFF by default) and a database in the target URL to hold the event. Without them nothing but the
 * connector ends access: while it is down, logins outlive their end. Health and --check must say so.
 */
describeWith('mysql', 'MariaDB with no database-side expiry is reported, not hidden', (adminUrl) => {
  const sfx = uniqueSuffix();
  const database = `jit_evs_${sfx}`;
  const withDatabase = new URL(adminUrl);
  withDatabase.pathname = `/${database}`;
  const withoutDatabase = new URL(adminUrl);
  withoutDatabase.pathname = '/';
  // Two MySQL targets on one server need markers of their own (the config refuses a shared one).
  const target = (id: string, url: URL, marker: string) => ({
    id,
    engine: 'mysql' as const,
    url: url.toString(),
    environment: 'prod',
    marker,
    roles: { read: { memberOf: [], privileges: [`SELECT ON ${database}.*`] } },
  });
  const inDatabase = target(`evs-db-${sfx}`, withDatabase, `jit_ma_${sfx}`);
  const noDatabase = target(`evs-nodb-${sfx}`, withoutDatabase, `jit_mb_${sfx}`);
  let admin: Connection;
  let connector: TestConnector;
  let schedulerOn: boolean;
  let dir: string;

  beforeAll(async () => {
    admin = await mysql.createConnection({ uri: adminUrl });
    await admin.query('CREATE DATABASE ??', [database]);
    const [rows] = await admin.query('SELECT @@GLOBAL.event_scheduler AS scheduler');
    schedulerOn = schedulerRow.parse(rows)[0]?.scheduler.toUpperCase() === 'ON';
    connector = await startTestConnector({ targets: [inDatabase, noDatabase] });
    dir = mkdtempSync(join(tmpdir(), 'jit-evs-'));
  });

  afterAll(async () => {
    await connector?.stop();
    await admin.query('DROP DATABASE IF EXISTS ??', [database]);
    await admin.end();
    rmSync(dir, { recursive: true, force: true });
  });

  it('GET /v1/health is degraded and names the missing expiry for each target concerned', async () => {
    const health = await connector.client.health();
    const problemsOf = (id: string) => health.targets.find((entry) => entry.id === id)?.problems;
    expect(health.status).toBe('degraded');
    expect(problemsOf(noDatabase.id)).toEqual([expect.stringMatching(/no database-side expiry: the target URL names no database/)]);
    expect(problemsOf(inDatabase.id)).toEqual(schedulerOn ? [] : [expect.stringMatching(/no database-side expiry: the server's event_scheduler is OFF/)]);
  });

  it('--check says so too', () => {
    const configPath = writeConfig(dir, { ledger: `file:${join(dir, 'ledger')}`, targets: [inDatabase, noDatabase] });
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/connector/cli.ts', '--check', '--config', configPath], { cwd: ROOT, encoding: 'utf8' });
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`${noDatabase.id}: no database-side expiry: the target URL names no database`));
    if (!schedulerOn) expect(result.stdout).toMatch(new RegExp(`${inDatabase.id}: no database-side expiry: the server's event_scheduler is OFF`));
  });
});
