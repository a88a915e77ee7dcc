import type { Client } from 'pg';
import { parseConfig } from '../../../src/connector/config/load-config';
import type { AccessSpec } from '../../../src/connector/drivers/driver';
import { PostgresDriver } from '../../../src/connector/drivers/postgres/driver';
import { driverFactories } from '../../../src/connector/drivers/registry';
import { silentLogger } from '../../../src/connector/log';
import { describeWith } from '../../support/servers';
import { attempt, BYSTANDER_PASSWORD, createHostileCluster, type HostileCluster } from './support/postgres-cluster';

const HOUR = 3_600_000;

/**
 * A temporary login with a CREATE right does its worst during its window, then is revoked. Afterwards an
 * ordinary database user (the bystander) tries to use what it left: nothing may run with the privileges of the
 * target's owner or of the connector's admin, and no grant the login gave may survive it.
 */
describeWith('postgres', 'hostile: a login with CREATE rights cannot escape through what it leaves behind (PostgreSQL)', (url) => {
  let cluster: HostileCluster;
  let bystander: Client;
  const drivers: PostgresDriver[] = [];

  beforeAll(async () => {
    cluster = await createHostileCluster(url);
    bystander = await cluster.connectAs(cluster.bystander, BYSTANDER_PASSWORD);
  });

  afterAll(async () => {
    await Promise.all(drivers.map((driver) => driver.close()));
    await cluster?.cleanup();
  });

  function driverFor(access: AccessSpec, owner: string | undefined): PostgresDriver {
    const driver = new PostgresDriver({ id: 'escape', url: cluster.admin.url, owner, marker: cluster.marker, access: { level: access } }, silentLogger());
    drivers.push(driver);
    return driver;
  }

  async function grantLogin(driver: PostgresDriver, access: AccessSpec, tag: string): Promise<{ name: string; login: Client }> {
    const name = `jit_hl${tag}_${cluster.suffix}`;
    const password = `pw-${tag}-${cluster.suffix}`;
    await driver.grant({ name, mode: 'ephemeral', grantId: `ESC-${tag}`, password, notAfter: new Date(Date.now() + HOUR), enabled: true, access });
    return { name, login: await cluster.connectAs(name, password) };
  }

  const rolesOf = async (): Promise<string[]> => [cluster.owner, cluster.admin.name];

  /** Objects of these schemas that grant anything to anyone but their owner. */
  async function foreignGrants(schemas: string[]): Promise<string[]> {
    const { rows } = await cluster.superuser.query<{ object: string }>(
      `SELECT c.oid::regclass::text || ' to ' || CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(a.grantee) END AS object
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace, aclexplode(c.relacl) a
        WHERE n.nspname = ANY($1) AND a.grantee <> c.relowner AND c.relname <> 'orders'
       UNION ALL
       SELECT 'schema ' || n.nspname || ' to ' || CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(a.grantee) END
         FROM pg_namespace n, aclexplode(n.nspacl) a WHERE n.nspname = ANY($1) AND a.grantee <> n.nspowner AND n.nspname <> $2
       UNION ALL
       SELECT 'function ' || p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = ANY($1)`,
      [schemas, cluster.schema],
    );
    return rows.map((row) => row.object);
  }

  it('a ddl login (CREATE on a schema and on the database) leaves nothing that runs as the owner or the admin', async () => {
    const s = cluster.superuser.escapeIdentifier(cluster.schema);
    const own = `jit_hx_${cluster.suffix}`;
    const access: AccessSpec = {
      memberOf: [],
      privileges: [`USAGE, CREATE ON SCHEMA ${cluster.schema}`, `SELECT, INSERT, TRIGGER ON TABLE ${cluster.schema}.orders`, `CREATE ON DATABASE ${cluster.database}`],
    };
    const driver = driverFor(access, cluster.owner);
    const { name, login } = await grantLogin(driver, access, 'ddl');

    // The attack, all within what the level allows.
    for (const statement of [
      `CREATE FUNCTION ${s}.whoami() RETURNS text LANGUAGE sql SECURITY DEFINER AS $$SELECT current_user::text$$`,
      `GRANT EXECUTE ON FUNCTION ${s}.whoami() TO PUBLIC`,
      `CREATE TABLE ${s}.loot (who text)`,
      `GRANT ALL ON TABLE ${s}.loot TO PUBLIC`,
      `CREATE SEQUENCE ${s}.counter`,
      `GRANT USAGE, SELECT, UPDATE ON SEQUENCE ${s}.counter TO PUBLIC`,
      `CREATE VIEW ${s}.peek AS SELECT current_user::text AS who`,
      `GRANT SELECT ON ${s}.peek TO PUBLIC`,
      // A trojan on the owner's table: runs the login's code as whoever writes to orders.
      `CREATE FUNCTION ${s}.spy() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN INSERT INTO ${s}.loot VALUES (current_user); RETURN NEW; END$$`,
      `CREATE TRIGGER spy AFTER INSERT ON ${s}.orders FOR EACH ROW EXECUTE FUNCTION ${s}.spy()`,
      // A rule's actions run with the rights of the table's owner: once loot is the owner's, this deletes orders.
      `CREATE RULE wipe AS ON INSERT TO ${s}.loot DO ALSO DELETE FROM ${s}.orders`,
      `ALTER DEFAULT PRIVILEGES IN SCHEMA ${s} GRANT ALL ON TABLES TO PUBLIC`,
      `CREATE SCHEMA ${own}`,
      `GRANT USAGE, CREATE ON SCHEMA ${own} TO PUBLIC`,
      `CREATE FUNCTION ${own}.escalate() RETURNS text LANGUAGE sql SECURITY DEFINER AS $$SELECT current_user::text$$`,
      `CREATE TABLE ${own}.kept (x int)`,
      `GRANT SELECT ON ${own}.kept TO ${cluster.superuser.escapeIdentifier(cluster.bystander)}`,
    ]) {
      await login.query(statement);
    }
    // Event triggers would run as whoever runs DDL; only a superuser may create one, so the login cannot.
    await login.query(`CREATE FUNCTION ${s}.on_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $$BEGIN END$$`);
    expect(await attempt(login, `CREATE EVENT TRIGGER snoop ON ddl_command_start EXECUTE FUNCTION ${s}.on_ddl()`)).toEqual({ state: '42501' });
    const largeObject = Number((await login.query<{ oid: number }>('SELECT lo_from_bytea(0, $1) AS oid', [Buffer.from('x')])).rows[0]?.oid);
    await login.query(`GRANT SELECT, UPDATE ON LARGE OBJECT ${largeObject} TO PUBLIC`);
    // During the window the definer functions run as the login itself, which is what it may do.
    expect(await attempt(bystander, `SELECT ${s}.whoami() AS who`)).toEqual({ rows: [{ who: name }] });

    await expect(driver.revoke({ name, mode: 'ephemeral', access })).resolves.toMatchObject({ existed: true });

    const powerful = await rolesOf();
    expect((await cluster.superuser.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [name])).rows).toEqual([]);
    for (const call of [`SELECT ${s}.whoami() AS who`, `SELECT ${own}.escalate() AS who`]) {
      const result = await attempt(bystander, call);
      if ('rows' in result) expect(powerful).not.toContain(result.rows[0]?.who);
    }
    expect(await attempt(bystander, `INSERT INTO ${s}.loot VALUES ('x')`)).toEqual({ state: '42501' });
    expect(await attempt(bystander, `SELECT * FROM ${s}.peek`)).toEqual({ state: '42501' });
    expect(await attempt(bystander, `SELECT nextval('${cluster.schema}.counter')`)).toEqual({ state: '42501' });
    expect(await attempt(bystander, `SELECT lo_get(${largeObject})`)).toEqual({ state: '42501' });
    expect(await attempt(bystander, `SELECT * FROM ${own}.kept`)).toEqual({ state: '42501' });
    expect(await attempt(bystander, `CREATE TABLE ${own}.planted (x int)`)).toEqual({ state: '42501' });
    // Neither the trigger nor the rule fires any more when the owner writes.
    await cluster.superuser.query(`INSERT INTO ${s}.orders VALUES (2, 'lamp')`);
    const triggers = await cluster.superuser.query(`SELECT tgname FROM pg_trigger WHERE tgrelid = $1::regclass AND NOT tgisinternal`, [`${cluster.schema}.orders`]);
    expect(triggers.rows).toEqual([]);
    expect((await cluster.superuser.query(`SELECT rulename FROM pg_rules WHERE schemaname = $1`, [cluster.schema])).rows).toEqual([]);
    expect(await foreignGrants([cluster.schema, own])).toEqual([]);
    const definers = await cluster.superuser.query(`SELECT p.oid::regprocedure::text FROM pg_proc p WHERE p.prosecdef AND pg_get_userbyid(p.proowner) = ANY($1)`, [powerful]);
    expect(definers.rows).toEqual([]);
    // What a schema change must keep stays, owned by the target's owner.
    const kept = await cluster.superuser.query<{ owner: string }>(`SELECT pg_get_userbyid(relowner) AS owner FROM pg_class WHERE oid IN ($1::regclass, $2::regclass)`, [
      `${cluster.schema}.loot`,
      `${own}.kept`,
    ]);
    expect(kept.rows).toEqual([{ owner: cluster.owner }, { owner: cluster.owner }]);
    expect((await cluster.superuser.query(`SELECT count(*)::int AS n FROM ${s}.orders`)).rows).toEqual([{ n: 2 }]);
  });

  it('with no owner configured, what a login could create through a group role is dropped, never handed to the admin', async () => {
    const group = `jit_hg_${cluster.suffix}`;
    const s = cluster.superuser.escapeIdentifier(cluster.schema);
    await cluster.superuser.query(`CREATE ROLE ${group} NOLOGIN`);
    await cluster.superuser.query(`GRANT USAGE, CREATE ON SCHEMA ${s} TO ${group}`);
    await cluster.superuser.query(`GRANT ${group} TO ${cluster.superuser.escapeIdentifier(cluster.admin.name)} WITH ADMIN OPTION`);
    try {
      const access: AccessSpec = { memberOf: [group], privileges: [] };
      const driver = driverFor(access, undefined);
      const { name, login } = await grantLogin(driver, access, 'grp');
      await login.query(`CREATE FUNCTION ${s}.backdoor() RETURNS text LANGUAGE sql SECURITY DEFINER AS $$SELECT current_user::text$$`);
      await login.query(`CREATE TABLE ${s}.dropbox (x int)`);
      await login.query(`GRANT ALL ON ${s}.dropbox TO PUBLIC`);

      await expect(driver.revoke({ name, mode: 'ephemeral', access })).resolves.toMatchObject({ existed: true });

      const left = await cluster.superuser.query(
        `SELECT p.oid::regprocedure::text AS name FROM pg_proc p WHERE p.pronamespace = $1::regnamespace AND p.proname = 'backdoor'
         UNION ALL SELECT c.oid::regclass::text FROM pg_class c WHERE c.relnamespace = $1::regnamespace AND c.relname = 'dropbox'`,
        [cluster.schema],
      );
      expect(left.rows).toEqual([]);
      expect(await attempt(bystander, `SELECT ${s}.backdoor()`)).toEqual({ state: '42883' });
    } finally {
      await cluster.superuser.query(`DROP OWNED BY ${group}`);
      await cluster.superuser.query(`DROP ROLE ${group}`);
    }
  });
});

describe('hostile: a level that can create objects needs an owner to hand them to', () => {
  const config = (owner: string) => `
secrets: ["0123456789abcdef0123"]
targets:
  - id: orders
    engine: postgres
    url: postgres://jit_admin:pw@127.0.0.1:5432/orders
    environment: prod
${owner}    roles:
      read: { privileges: ["SELECT ON TABLE public.orders"] }
      ddl: { privileges: ["CREATE ON SCHEMA public"] }
      schemas: { privileges: ["ALL PRIVILEGES ON DATABASE orders"] }
`;

  it('refuses CREATE-capable levels on a PostgreSQL target without owner, naming each', () => {
    expect(() => parseConfig(config(''), 'test.yaml', {}, driverFactories)).toThrow(
      expect.objectContaining({
        problems: [
          expect.stringMatching(/^targets\[0\]\.roles\.ddl: .*owner/),
          expect.stringMatching(/^targets\[0\]\.roles\.schemas: .*owner/),
        ],
      }),
    );
  });

  it('accepts them once owner names the role that keeps what they create', () => {
    expect(parseConfig(config('    owner: orders_owner\n'), 'test.yaml', {}, driverFactories).targets[0]?.owner).toBe('orders_owner');
  });
});
