import { Client } from 'pg';
import { ConfigError, parseConfig } from '../../../src/connector/config/load-config';
import { driverFactories } from '../../../src/connector/drivers/registry';
import { createScratchDatabase, type ScratchDatabase } from '../../support/scratch-database';
import { describeWith, uniqueSuffix } from '../../support/servers';
import { inSeconds, startTestConnector, type TestConnector } from '../support/harness';

const principal = { accountId: 'acc-bo', email: 'bo@example.com', dbUser: null };

/**
 * One connector serves two databases of one PostgreSQL cluster with one marker. Roles are cluster-wide, so
 * each target sees the other's logins as members of the marker; a plain restart must not take a login of one
 * target for an orphan of the other.
 */
describeWith('postgres', 'hostile: two targets on one cluster never reconcile each other’s logins (PostgreSQL)', (url) => {
  const suffix = uniqueSuffix();
  const marker = `jit_sc_${suffix}`;
  let second: ScratchDatabase;
  let superuser: Client;
  let connector: TestConnector | undefined;

  const targets = () => [
    { id: 'orders', engine: 'postgres' as const, url, environment: 'prod', marker, roles: { read: { memberOf: [], privileges: ['USAGE ON SCHEMA public'] } } },
    { id: 'billing', engine: 'postgres' as const, url: second.url, environment: 'prod', marker, roles: { read: { memberOf: [], privileges: ['USAGE ON SCHEMA public'] } } },
  ];

  beforeAll(async () => {
    superuser = new Client({ connectionString: url });
    await superuser.connect();
    second = await createScratchDatabase(url, 'jit_hsc');
  });

  afterAll(async () => {
    await connector?.stop();
    const { rows } = await superuser.query<{ name: string }>(
      `SELECT r.rolname AS name FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.member JOIN pg_roles g ON g.oid = m.roleid WHERE g.rolname = $1`,
      [marker],
    );
    await second.drop();
    for (const { name } of rows) await superuser.query(`DROP OWNED BY ${superuser.escapeIdentifier(name)}; DROP ROLE ${superuser.escapeIdentifier(name)}`);
    await superuser.query(`DROP ROLE IF EXISTS ${superuser.escapeIdentifier(marker)}`);
    await superuser.end();
  });

  it('a restart leaves the other target’s active login working, as the ledger says', async () => {
    connector = await startTestConnector({ targets: targets() });
    const created = await connector.client.createGrant({ grantId: 'SC-1', target: 'billing', role: 'read', principal, mode: 'ephemeral', notAfter: inSeconds(600), ticket: 'SD-6', reason: 'shared cluster' });
    await connector.stop();
    connector = await startTestConnector({ targets: targets() }, connector.dataDir);

    expect(await connector.client.getGrant('SC-1')).toMatchObject({ state: 'active' });
    const login = new URL(second.url);
    login.username = created.username;
    login.password = created.password ?? '';
    const session = new Client({ connectionString: login.toString() });
    await session.connect();
    try {
      expect((await session.query('SELECT current_user AS who')).rows).toEqual([{ who: created.username }]);
    } finally {
      await session.end();
    }
  });
});

describe('hostile: --check reports targets whose logins would share a tag', () => {
  const config = (engine: 'postgres' | 'mysql', marker: string) => `
secrets: ["0123456789abcdef0123"]
targets:
  - { id: orders, engine: ${engine}, url: "${engine}://admin:pw@db.internal/orders", environment: prod, owner: o, roles: { read: { privileges: ["SELECT ON TABLE orders.t"] } } }
  - { id: billing, engine: ${engine}, url: "${engine}://admin:pw@db.internal/billing", environment: prod, owner: o, marker: ${marker}, roles: { read: { privileges: ["SELECT ON TABLE billing.t"] } } }
`;
  const problems = (text: string) => {
    try {
      parseConfig(text, 'test.yaml', {}, driverFactories);
      return [];
    } catch (error) {
      if (error instanceof ConfigError) return error.problems;
      throw error;
    }
  };

  it('none for two PostgreSQL targets of one cluster sharing a marker: their logins carry their target id', () => {
    expect(problems(config('postgres', 'jit_managed'))).toEqual([]);
  });

  it('two MySQL targets on one server with one marker, which would revoke each other’s logins', () => {
    expect(problems(config('mysql', 'jit_managed'))).toEqual([expect.stringMatching(/^targets\[1\]: on the same server as targets\[0\] with the same marker/)]);
    expect(problems(config('mysql', 'jit_billing'))).toEqual([]);
  });
});
