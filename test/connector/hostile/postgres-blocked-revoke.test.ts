import type { Client } from 'pg';
import { ConnectorRequestError } from '../../../src/protocol';
import { describeWith } from '../../support/servers';
import { inSeconds, startTestConnector, waitFor, type TestConnector } from '../support/harness';
import { attempt, BYSTANDER_PASSWORD, createHostileCluster, type HostileCluster } from './support/postgres-cluster';

const principal = { accountId: 'acc-eve', email: 'eve@example.com', dbUser: null };

/**
 * A temporary login tries to make its revocation fail, so that its access outlives the grant: it creates
 * objects in another database of the cluster (PUBLIC may connect to every database by default), which
 * DROP ROLE refuses to drop a role over. The connector must find and remove them, and never report a grant
 * revoked while anything of it is left; while it cannot finish, the role has no privilege and no membership.
 */
describeWith('postgres', 'hostile: a login cannot block its revocation, nor be reported revoked while it exists (PostgreSQL)', (url) => {
  let cluster: HostileCluster;
  let connector: TestConnector;
  let writers: string;
  let reachable: string;
  let guarded: string;
  const targetId = 'blocked';

  beforeAll(async () => {
    cluster = await createHostileCluster(url);
    writers = `jit_hw_${cluster.suffix}`;
    reachable = await cluster.createDatabase('d');
    guarded = await cluster.createDatabase('g');
    const q = (name: string) => cluster.superuser.escapeIdentifier(name);
    for (const statement of [
      `CREATE ROLE ${q(writers)} NOLOGIN`,
      `GRANT INSERT ON TABLE ${q(cluster.schema)}.orders TO ${q(writers)}`,
      `GRANT ${q(writers)} TO ${q(cluster.admin.name)} WITH ADMIN OPTION`,
    ]) {
      await cluster.superuser.query(statement);
    }
    connector = await startTestConnector({
      targets: [
        {
          id: targetId,
          engine: 'postgres',
          url: cluster.admin.url,
          environment: 'prod',
          owner: cluster.owner,
          marker: cluster.marker,
          roles: {
            read: { memberOf: [], privileges: [`USAGE ON SCHEMA ${cluster.schema}`, `SELECT ON TABLE ${cluster.schema}.orders`] },
            write: { memberOf: [writers], privileges: [`USAGE, CREATE ON SCHEMA ${cluster.schema}`, `SELECT ON TABLE ${cluster.schema}.orders`] },
          },
        },
      ],
    });
  });

  afterAll(async () => {
    await connector?.stop();
    try {
      await cluster?.superuser.query(`DROP OWNED BY ${writers}`);
      await cluster?.superuser.query(`DROP ROLE IF EXISTS ${writers}`);
    } finally {
      await cluster?.cleanup();
    }
  });

  const grant = async (grantId: string, role: 'read' | 'write') => {
    const created = await connector.client.createGrant({ grantId, target: targetId, role, principal, mode: 'ephemeral', notAfter: inSeconds(600), ticket: 'SD-9', reason: 'hostile' });
    if (created.password === undefined) throw new Error('an ephemeral grant returns a password');
    return { username: created.username, password: created.password };
  };

  const roleRow = async (name: string) =>
    (
      await cluster.superuser.query<{ canLogin: boolean; memberOf: string[] }>(
        `SELECT r.rolcanlogin AS "canLogin",
                ARRAY(SELECT g.rolname::text FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid WHERE m.member = r.oid ORDER BY 1) AS "memberOf"
           FROM pg_roles r WHERE r.rolname = $1`,
        [name],
      )
    ).rows[0];

  it('a read login that left a large object in another database is revoked for good, and the object with it', async () => {
    const { username, password } = await grant('SD-9.1', 'read');
    const elsewhere = await cluster.connectAs(username, password, reachable);
    const { rows } = await elsewhere.query<{ oid: number }>(`SELECT lo_from_bytea(0, 'kept') AS oid`);
    await elsewhere.query(`ALTER DEFAULT PRIVILEGES GRANT ALL ON TABLES TO PUBLIC`);

    await expect(connector.client.revokeGrant('SD-9.1')).resolves.toMatchObject({ state: 'revoked' });

    expect(await roleRow(username)).toBeUndefined();
    const leftovers = await cluster.inDatabase(reachable, (client) => client.query('SELECT oid FROM pg_largeobject_metadata WHERE oid = $1', [rows[0]?.oid]));
    expect(leftovers.rows).toEqual([]);
  });

  it('while a database nobody can enter blocks the revocation, the grant reads revoking, the role can do nothing, and it finishes once it can', async () => {
    const { username, password } = await grant('SD-9.2', 'write');
    const s = cluster.superuser.escapeIdentifier(cluster.schema);
    const login = await cluster.connectAs(username, password);
    // Keeps writing as the login for whoever calls it, as long as the role exists.
    await login.query(`CREATE FUNCTION ${s}.keep_writing(n int) RETURNS void LANGUAGE sql SECURITY DEFINER AS $$INSERT INTO ${s}.orders VALUES (n, 'forged')$$`);
    await login.query(`GRANT EXECUTE ON FUNCTION ${s}.keep_writing(int) TO PUBLIC`);
    const inside: Client = await cluster.connectAs(username, password, guarded);
    await inside.query(`SELECT lo_from_bytea(0, 'anchor')`);
    // That database then closes to every connection (maintenance, say): the connector cannot reach the object.
    await cluster.superuser.query(`ALTER DATABASE ${cluster.superuser.escapeIdentifier(guarded)} WITH ALLOW_CONNECTIONS false`);

    const first = await connector.client.revokeGrant('SD-9.2').catch((error: unknown) => error);
    expect(first).toMatchObject({ state: 'revoking' });
    // The app asks again (it does by itself): still not revoked, because the role is still there.
    const again = await connector.client.revokeGrant('SD-9.2').catch((error: unknown) => error);
    expect(again).not.toBeInstanceOf(ConnectorRequestError);
    expect(again).toMatchObject({ state: 'revoking' });
    expect(await connector.client.getGrant('SD-9.2')).toMatchObject({ state: 'revoking' });

    expect(await roleRow(username)).toEqual({ canLogin: false, memberOf: [cluster.marker] });
    const bystander = await cluster.connectAs(cluster.bystander, BYSTANDER_PASSWORD);
    expect(await attempt(bystander, `SELECT ${s}.keep_writing(99)`)).toMatchObject({ state: expect.stringMatching(/^(42883|42501)$/) });
    const privileges = await cluster.superuser.query(`SELECT has_table_privilege($1, $2, 'INSERT') AS insert, has_schema_privilege($1, $3, 'CREATE') AS "create"`, [
      username,
      `${cluster.schema}.orders`,
      cluster.schema,
    ]);
    expect(privileges.rows).toEqual([{ insert: false, create: false }]);
    const metrics = await (await fetch(`${connector.url}/metrics`)).text();
    expect(metrics).toMatch(new RegExp(`jit_revocations_pending\\{target="${targetId}"\\} 1`));
    expect(await connector.client.health()).toMatchObject({ status: 'degraded' });

    // The database opens again; the next retry finishes the job.
    await cluster.superuser.query(`ALTER DATABASE ${cluster.superuser.escapeIdentifier(guarded)} WITH ALLOW_CONNECTIONS true`);
    await waitFor(async () => ((await connector.client.getGrant('SD-9.2')).state === 'revoked' ? true : undefined), 20_000);
    expect(await roleRow(username)).toBeUndefined();
    expect((await cluster.superuser.query(`SELECT count(*)::int AS n FROM ${s}.orders WHERE item = 'forged'`)).rows).toEqual([{ n: 0 }]);
    expect(await connector.client.health()).toMatchObject({ status: 'ok' });
  });
});
