import type { Client } from 'pg';
import type { AccessSpec } from '../../../src/connector/drivers/driver';
import { PostgresDriver } from '../../../src/connector/drivers/postgres/driver';
import { silentLogger } from '../../../src/connector/log';
import { describeWith } from '../../support/servers';
import { attempt, createHostileCluster, type HostileCluster } from './support/postgres-cluster';

const HOUR = 3_600_000;
const DENIED = { state: '42501' };

/**
 * A level that leaves `email` out of its column list: whatever the temporary login tries, the database itself
 * refuses to show the column (or anything computed from it), whichever client it uses. After the revocation
 * no column privilege of the login is left on the table.
 */
describeWith('postgres', 'hostile: a column-scoped level never reads the columns it leaves out (PostgreSQL)', (url) => {
  let cluster: HostileCluster;
  let driver: PostgresDriver;
  let customers: string;
  const access = (schema: string): AccessSpec => ({
    memberOf: [],
    privileges: [`USAGE ON SCHEMA ${schema}`, `SELECT (id, "Name") ON TABLE ${schema}.customers`, `UPDATE ("Name") ON TABLE ${schema}.customers`],
  });

  beforeAll(async () => {
    cluster = await createHostileCluster(url);
    const s = cluster.superuser.escapeIdentifier(cluster.schema);
    const owner = cluster.superuser.escapeIdentifier(cluster.owner);
    const admin = cluster.superuser.escapeIdentifier(cluster.admin.name);
    customers = `${s}.customers`;
    for (const statement of [
      `CREATE TABLE ${customers} (id int PRIMARY KEY, "Name" text, email text)`,
      `INSERT INTO ${customers} SELECT i, 'name ' || i, 'user' || i || '@secret.example' FROM generate_series(1, 50) i`,
      `ANALYZE ${customers}`,
      `CREATE VIEW ${s}.customer_emails AS SELECT id, email FROM ${customers}`,
      `CREATE FUNCTION ${s}.emails() RETURNS SETOF text LANGUAGE sql AS $$ SELECT email FROM ${customers} $$`,
      `ALTER TABLE ${customers} OWNER TO ${owner}`,
      `ALTER VIEW ${s}.customer_emails OWNER TO ${owner}`,
      `ALTER FUNCTION ${s}.emails() OWNER TO ${owner}`,
      `GRANT SELECT, UPDATE ON TABLE ${customers} TO ${admin} WITH GRANT OPTION`,
    ]) {
      await cluster.superuser.query(statement);
    }
    driver = new PostgresDriver({ id: 'columns', url: cluster.admin.url, marker: cluster.marker, access: { level: access(cluster.schema) } }, silentLogger());
  });

  afterAll(async () => {
    await driver?.close();
    await cluster?.cleanup();
  });

  async function grant(tag: string): Promise<{ name: string; password: string; login: Client }> {
    const name = `jit_hc${tag}_${cluster.suffix}`;
    const password = `pw-${tag}-${cluster.suffix}`;
    await driver.grant({ name, mode: 'ephemeral', grantId: `COL-${tag}`, password, notAfter: new Date(Date.now() + HOUR), enabled: true, access: access(cluster.schema) });
    return { name, password, login: await cluster.connectAs(name, password) };
  }

  /** Column-level ACL entries on the table whose grantee is the role (by name while it exists, or dangling). */
  async function columnGrants(name: string): Promise<number> {
    const { rows } = await cluster.superuser.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_attribute a, aclexplode(a.attacl) x
        WHERE a.attrelid = $1::regclass AND (x.grantee = (SELECT oid FROM pg_roles WHERE rolname = $2) OR NOT EXISTS (SELECT 1 FROM pg_roles r WHERE r.oid = x.grantee))`,
      [customers, name],
    );
    return rows[0]?.n ?? -1;
  }

  it('reads and updates the columns it was given, and nothing that reveals email', async () => {
    const { name, login } = await grant('a');
    const c = customers;
    expect(await attempt(login, `SELECT id, "Name" FROM ${c} WHERE id = 1`)).toEqual({ rows: [{ id: 1, Name: 'name 1' }] });
    expect(await attempt(login, `UPDATE ${c} SET "Name" = 'renamed' WHERE id = 2`)).toEqual({ rows: [] });
    expect(await attempt(login, `SELECT count(*)::int AS n FROM ${c}`)).toEqual({ rows: [{ n: 50 }] });

    const refused = [
      `SELECT * FROM ${c}`,
      `SELECT email FROM ${c}`,
      `SELECT c.* FROM ${c} c`,
      `SELECT c FROM ${c} c`,
      `SELECT row_to_json(c) FROM ${c} c`,
      `SELECT id FROM ${c} WHERE email LIKE 'user1%'`,
      `SELECT id FROM ${c} ORDER BY email`,
      `SELECT upper(email) FROM ${c}`,
      `SELECT string_agg(email, ',') FROM ${c}`,
      `SELECT (SELECT email FROM ${c} LIMIT 1)`,
      `WITH x AS (SELECT email FROM ${c}) SELECT * FROM x`,
      `SELECT * FROM ${cluster.superuser.escapeIdentifier(cluster.schema)}.customer_emails`,
      `SELECT * FROM ${cluster.superuser.escapeIdentifier(cluster.schema)}.emails()`,
      `COPY ${c} TO STDOUT`,
      `COPY ${c} (email) TO STDOUT`,
      `COPY (SELECT email FROM ${c}) TO STDOUT`,
      `UPDATE ${c} SET "Name" = email WHERE id = 3`,
      `UPDATE ${c} SET "Name" = 'x' WHERE id = 3 RETURNING email`,
      `UPDATE ${c} SET email = 'attacker@example.com' WHERE id = 3`,
      `INSERT INTO ${c} (id, "Name") VALUES (99, 'x')`,
      `DELETE FROM ${c} WHERE id = 3`,
      `TRUNCATE ${c}`,
    ];
    for (const statement of refused) expect([statement, await attempt(login, statement)]).toEqual([statement, DENIED]);

    // A temporary view runs with the login's own rights.
    expect(await attempt(login, `CREATE TEMP VIEW mine AS SELECT email FROM ${c}`)).toEqual({ rows: [] });
    expect(await attempt(login, 'SELECT * FROM mine')).toEqual(DENIED);

    // Catalog side channels: the column's name is visible, its values are not.
    expect(await attempt(login, 'SELECT attname FROM pg_stats WHERE schemaname = $1 AND tablename = $2 ORDER BY attname', [cluster.schema, 'customers'])).toEqual({
      rows: [{ attname: 'Name' }, { attname: 'id' }],
    });
    expect(await attempt(login, 'SELECT count(*)::int AS n FROM pg_statistic')).toEqual(DENIED);
    expect(
      await attempt(
        login,
        `SELECT column_name, privilege_type FROM information_schema.column_privileges
          WHERE table_schema = $1 AND table_name = 'customers' AND grantee = current_user ORDER BY 1, 2`,
        [cluster.schema],
      ),
    ).toEqual({ rows: [{ column_name: 'Name', privilege_type: 'SELECT' }, { column_name: 'Name', privilege_type: 'UPDATE' }, { column_name: 'id', privilege_type: 'SELECT' }] });
    const { rows } = await cluster.superuser.query<{ email: string }>(`SELECT email FROM ${c} WHERE id = 3`);
    expect(rows).toEqual([{ email: 'user3@secret.example' }]);

    expect(await columnGrants(name)).toBe(3);
    await driver.revoke({ name, mode: 'ephemeral', access: access(cluster.schema) });
    await expect(driver.verifyRevoked({ name, mode: 'ephemeral', access: access(cluster.schema) })).resolves.toEqual({ remaining: [] });
    expect(await columnGrants(name)).toBe(0);
  });

  it('revocation withdraws the column grants of an existing login, which keeps nothing of them', async () => {
    const customer = `jit_hcu_${cluster.suffix}`;
    const password = `pw-cu-${cluster.suffix}`;
    await cluster.superuser.query(`CREATE ROLE ${cluster.superuser.escapeIdentifier(customer)} LOGIN PASSWORD ${cluster.superuser.escapeLiteral(password)}`);
    const role = `jit_hcg_${cluster.suffix}`;
    const ref = { name: role, mode: 'existing-login' as const, dbUser: customer, access: access(cluster.schema) };
    await driver.grant({ ...ref, grantId: 'COL-existing', notAfter: new Date(Date.now() + HOUR), enabled: true });
    const login = await cluster.connectAs(customer, password);
    expect(await attempt(login, `SELECT id FROM ${customers} WHERE id = 1`)).toEqual({ rows: [{ id: 1 }] });
    expect(await attempt(login, `SELECT email FROM ${customers} WHERE id = 1`)).toEqual(DENIED);
    expect(await columnGrants(role)).toBe(3);

    await driver.revoke(ref);
    await expect(driver.verifyRevoked(ref)).resolves.toEqual({ remaining: [] });
    expect(await columnGrants(role)).toBe(0);
    const after = await cluster.connectAs(customer, password);
    expect(await attempt(after, `SELECT id FROM ${customers} WHERE id = 1`)).toEqual(DENIED);
    await after.end();
    await login.end();
    await cluster.superuser.query(`DROP ROLE ${cluster.superuser.escapeIdentifier(customer)}`);
  });
});
