import type { PGlite } from '@electric-sql/pglite';
import { silentLogger } from '../../../../src/connector/log';
import { DriverError, type AccessSpec, type GrantAccess } from '../../../../src/connector/drivers/driver';
import { DEMO_ACCESS, pgliteDriver, runAs, seedDemo, type PgliteDriver } from '../../../../src/connector/drivers/pglite';

/** The one PGlite instance of this file: in memory (a fresh instance starts faster than a new data directory). */
let driver: PgliteDriver;
let db: PGlite;

const inAnHour = () => new Date(Date.now() + 3_600_000);

function ephemeral(name: string, access: AccessSpec, extra: Partial<GrantAccess> = {}): GrantAccess {
  return { name, grantId: `SD-1.${name}`, mode: 'ephemeral', access, notAfter: inAnHour(), enabled: true, password: 'ignored-by-pglite', ...extra };
}

async function roleExists(name: string): Promise<boolean> {
  return (await db.query('SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = $1', [name])).rows.length === 1;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

beforeAll(async () => {
  driver = pgliteDriver.create({ id: 'demo', url: 'pglite:memory', access: DEMO_ACCESS }, silentLogger());
  db = await driver.database();
  expect(await seedDemo(db)).toEqual({ seeded: true });
}, 120_000);

afterAll(async () => {
  await driver.close();
});

describe('PGlite driver', () => {
  test('engine, limits and health', async () => {
    expect(pgliteDriver.engine).toBe('pglite');
    expect(driver.engine).toBe('pglite');
    expect(driver.maxUsernameLength).toBe(63);
    expect(await driver.health({})).toEqual({ reachable: true });
    expect(await driver.terminateSessions({ username: 'anyone' })).toEqual({ terminated: 0 });
  });

  test('read: SELECT works as the login, INSERT is denied with 42501', async () => {
    expect(await driver.grant(ephemeral('jit_reader', DEMO_ACCESS.read))).toEqual({ username: 'jit_reader', created: true });

    const customers = await runAs(db, 'jit_reader', 'SELECT count(*)::int AS n FROM shop.customers');
    expect(customers.rows).toEqual([{ n: 5 }]);
    const who = await runAs(db, 'jit_reader', 'SELECT current_user AS who');
    expect(who.rows).toEqual([{ who: 'jit_reader' }]);

    const denied = await rejection(runAs(db, 'jit_reader', "INSERT INTO shop.products (sku, name, price_cents) VALUES ('X', 'x', 1)"));
    expect(denied).toMatchObject({ code: '42501', message: 'permission denied for table products' });
    expect((await db.query('SELECT count(*)::int AS n FROM shop.products')).rows).toEqual([{ n: 4 }]);
    // After runAs the session is the superuser's again.
    expect((await db.query('SELECT current_user AS who')).rows).toEqual([{ who: 'postgres' }]);
  });

  test('a column-scoped level reads its columns only, and revocation leaves no column grant', async () => {
    const access = { memberOf: [], privileges: ['USAGE ON SCHEMA shop', 'SELECT (id, name) ON TABLE shop.customers'] };
    await driver.grant(ephemeral('jit_cols', access));
    expect((await runAs(db, 'jit_cols', 'SELECT id, name FROM shop.customers ORDER BY id LIMIT 1')).rows).toHaveLength(1);
    for (const statement of ['SELECT * FROM shop.customers', 'SELECT email FROM shop.customers', 'SELECT id FROM shop.customers ORDER BY email']) {
      expect([statement, await rejection(runAs(db, 'jit_cols', statement))]).toEqual([statement, expect.objectContaining({ code: '42501' })]);
    }
    await driver.revoke({ name: 'jit_cols', mode: 'ephemeral', access });
    const left = await db.query("SELECT count(*)::int AS n FROM pg_catalog.pg_attribute a, pg_catalog.aclexplode(a.attacl) x WHERE a.attrelid = 'shop.customers'::regclass AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles r WHERE r.oid = x.grantee)");
    expect(left.rows).toEqual([{ n: 0 }]);
  });

  test('no password is stored and VALID UNTIL records notAfter', async () => {
    const notAfter = new Date('2031-01-02T03:04:05.000Z');
    await driver.grant(ephemeral('jit_nopass', DEMO_ACCESS.read, { notAfter }));
    const row = await db.query('SELECT rolpassword, rolvaliduntil, rolcanlogin FROM pg_catalog.pg_authid WHERE rolname = $1', ['jit_nopass']);
    expect(row.rows).toEqual([{ rolpassword: null, rolvaliduntil: notAfter, rolcanlogin: true }]);
    await driver.revoke({ name: 'jit_nopass', mode: 'ephemeral', access: DEMO_ACCESS.read });
  });

  test('write: INSERT, UPDATE and DELETE work', async () => {
    await driver.grant(ephemeral('jit_writer', DEMO_ACCESS.write));
    const inserted = await runAs(db, 'jit_writer', "INSERT INTO shop.products (sku, name, price_cents) VALUES ('PEN-05', 'Pen', 300) RETURNING sku");
    expect(inserted.rows).toEqual([{ sku: 'PEN-05' }]);
    const updated = await runAs(db, 'jit_writer', "UPDATE shop.products SET price_cents = 350 WHERE sku = 'PEN-05'");
    expect(updated.affectedRows).toBe(1);
    const deleted = await runAs(db, 'jit_writer', "DELETE FROM shop.products WHERE sku = 'PEN-05'");
    expect(deleted.affectedRows).toBe(1);
  });

  test('a retried grant reports created: false and keeps the access', async () => {
    const request = ephemeral('jit_retry', DEMO_ACCESS.read);
    expect(await driver.grant(request)).toEqual({ username: 'jit_retry', created: true });
    expect(await driver.grant(request)).toEqual({ username: 'jit_retry', created: false });
    expect((await runAs(db, 'jit_retry', 'SELECT count(*)::int AS n FROM shop.orders')).rows).toEqual([{ n: 6 }]);
  });

  test('revoke: runAs refuses, the role is gone (verifyRevoked finds nothing), a second revoke reports existed: false', async () => {
    await driver.grant(ephemeral('jit_revoked', DEMO_ACCESS.read));
    expect((await runAs(db, 'jit_revoked', 'SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    const ref = { name: 'jit_revoked', mode: 'ephemeral' as const, access: DEMO_ACCESS.read };
    expect(await driver.verifyRevoked(ref)).toEqual({ remaining: ['role "jit_revoked" still exists'] });

    expect(await driver.revoke(ref)).toEqual({ existed: true, sessionsTerminated: 0 });
    expect(await driver.verifyRevoked(ref)).toEqual({ remaining: [] });
    expect(await rejection(runAs(db, 'jit_revoked', 'SELECT 1'))).toMatchObject({ name: 'RunAsError', code: 'not_a_managed_login' });
    expect(await roleExists('jit_revoked')).toBe(false);
    expect(await driver.revoke({ name: 'jit_revoked', mode: 'ephemeral', access: DEMO_ACCESS.read })).toEqual({ existed: false, sessionsTerminated: 0 });
  });

  test('revoke hands objects the login created to the owner', async () => {
    const ddl = { memberOf: [], privileges: ['USAGE, CREATE ON SCHEMA shop'] };
    await driver.grant(ephemeral('jit_ddl', ddl));
    await runAs(db, 'jit_ddl', 'CREATE TABLE shop.scratch (note text)');
    await driver.revoke({ name: 'jit_ddl', mode: 'ephemeral', access: ddl });
    const owner = await db.query("SELECT tableowner FROM pg_catalog.pg_tables WHERE schemaname = 'shop' AND tablename = 'scratch'");
    expect(owner.rows).toEqual([{ tableowner: 'postgres' }]);
    await db.exec('DROP TABLE shop.scratch');
  });

  test('enabled: false creates a NOLOGIN role that enable turns on', async () => {
    await driver.grant(ephemeral('jit_later', DEMO_ACCESS.read, { enabled: false }));
    expect(await rejection(runAs(db, 'jit_later', 'SELECT 1'))).toMatchObject({ code: 'not_a_managed_login' });
    await driver.enable({ name: 'jit_later', mode: 'ephemeral', access: DEMO_ACCESS.read });
    expect((await runAs(db, 'jit_later', 'SELECT count(*)::int AS n FROM shop.products')).rows).toEqual([{ n: 4 }]);
  });

  test('extend moves VALID UNTIL, and runAs refuses a login past it', async () => {
    await driver.grant(ephemeral('jit_extend', DEMO_ACCESS.read));
    const later = new Date('2032-06-01T00:00:00.000Z');
    await driver.extend({ name: 'jit_extend', mode: 'ephemeral', access: DEMO_ACCESS.read, notAfter: later });
    const row = await db.query('SELECT rolvaliduntil FROM pg_catalog.pg_roles WHERE rolname = $1', ['jit_extend']);
    expect(row.rows).toEqual([{ rolvaliduntil: later }]);

    await driver.extend({ name: 'jit_extend', mode: 'ephemeral', access: DEMO_ACCESS.read, notAfter: new Date(Date.now() - 1000) });
    expect(await rejection(runAs(db, 'jit_extend', 'SELECT 1'))).toMatchObject({ code: 'login_expired' });
  });

  test('an unmanaged role is never altered: grant conflicts, revoke, enable and extend refuse', async () => {
    await db.exec('CREATE ROLE app_owner_login LOGIN');
    const access = DEMO_ACCESS.read;
    const conflict = await rejection(driver.grant(ephemeral('app_owner_login', access)));
    expect(conflict).toBeInstanceOf(DriverError);
    expect(conflict).toMatchObject({ code: 'conflict', retryable: false });
    expect(await rejection(driver.revoke({ name: 'app_owner_login', mode: 'ephemeral', access }))).toMatchObject({ code: 'not_managed' });
    expect(await rejection(driver.enable({ name: 'app_owner_login', mode: 'ephemeral', access }))).toMatchObject({ code: 'not_managed' });
    expect(
      await rejection(driver.extend({ name: 'app_owner_login', mode: 'ephemeral', access, notAfter: inAnHour() })),
    ).toMatchObject({ code: 'not_managed' });
    expect(await rejection(runAs(db, 'app_owner_login', 'SELECT 1'))).toMatchObject({ code: 'not_a_managed_login' });

    const row = await db.query(
      `SELECT rolcanlogin, rolvaliduntil, pg_catalog.shobj_description(oid, 'pg_authid') AS comment,
              pg_catalog.has_schema_privilege(oid, 'shop', 'USAGE') AS usage
         FROM pg_catalog.pg_roles WHERE rolname = 'app_owner_login'`,
    );
    expect(row.rows).toEqual([{ rolcanlogin: true, rolvaliduntil: null, comment: null, usage: false }]);
    expect((await driver.listManaged({})).logins.map((login) => login.name)).not.toContain('app_owner_login');
  });

  test('names with quotes, semicolons, spaces and unicode are quoted as one identifier', async () => {
    const names = ['jit_we"ird; DROP ROLE postgres; --', "jit_o'brien", 'jit_ünïcödé_名前', 'jit with spaces', 'JIT_Upper'];
    for (const name of names) {
      expect(await driver.grant(ephemeral(name, DEMO_ACCESS.read))).toEqual({ username: name, created: true });
      expect((await runAs(db, name, 'SELECT current_user AS who, count(*)::int AS n FROM shop.customers')).rows).toEqual([{ who: name, n: 5 }]);
    }
    expect(await roleExists('postgres')).toBe(true);
    const managed = (await driver.listManaged({})).logins.map((login) => login.name);
    expect(managed).toEqual(expect.arrayContaining(names));
    for (const name of names) {
      expect(await driver.revoke({ name, mode: 'ephemeral', access: DEMO_ACCESS.read })).toEqual({ existed: true, sessionsTerminated: 0 });
      expect(await roleExists(name)).toBe(false);
    }
  });

  test('privileges on quoted objects and memberOf roles', async () => {
    await db.exec(`CREATE SCHEMA "odd ""schema"""; CREATE TABLE "odd ""schema"""."T;able" (v int); INSERT INTO "odd ""schema"""."T;able" VALUES (7);
                   CREATE ROLE demo_readers NOLOGIN; GRANT USAGE ON SCHEMA shop TO demo_readers; GRANT SELECT ON shop.products TO demo_readers`);
    const access = { memberOf: ['demo_readers'], privileges: ['USAGE ON SCHEMA "odd ""schema"""', 'SELECT ON TABLE "odd ""schema"""."T;able"'] };
    await driver.grant(ephemeral('jit_quoted', access));
    expect((await runAs(db, 'jit_quoted', 'SELECT v FROM "odd ""schema"""."T;able"')).rows).toEqual([{ v: 7 }]);
    expect((await runAs(db, 'jit_quoted', 'SELECT count(*)::int AS n FROM shop.products')).rows).toEqual([{ n: 4 }]);
    expect(await rejection(runAs(db, 'jit_quoted', 'SELECT * FROM shop.customers'))).toMatchObject({ code: '42501' });
    await driver.revoke({ name: 'jit_quoted', mode: 'ephemeral', access });
    expect(await roleExists('demo_readers')).toBe(true);
  });

  test('access naming something missing is invalid_access and leaves nothing behind', async () => {
    const missingRole = await rejection(driver.grant(ephemeral('jit_missing_role', { memberOf: ['no_such_role'], privileges: [] })));
    expect(missingRole).toMatchObject({ code: 'invalid_access', retryable: false });
    const missingTable = await rejection(driver.grant(ephemeral('jit_missing_table', { memberOf: [], privileges: ['SELECT ON TABLE shop.nope'] })));
    expect(missingTable).toMatchObject({ code: 'invalid_access', retryable: false });
    const badEntry = await rejection(driver.grant(ephemeral('jit_bad_entry', { memberOf: [], privileges: ['SELECT ON shop.orders'] })));
    expect(badEntry).toMatchObject({ code: 'invalid_access', retryable: false });
    for (const name of ['jit_missing_role', 'jit_missing_table', 'jit_bad_entry']) expect(await roleExists(name)).toBe(false);
  });

  test('existing-login: the customer login gets the access through a managed group, and keeps existing after revoke', async () => {
    await db.exec('CREATE ROLE customer_login LOGIN');
    const ref = { name: 'jit_grp_customer', mode: 'existing-login' as const, dbUser: 'customer_login', access: DEMO_ACCESS.read };
    const canSelect = async () =>
      (await db.query("SELECT pg_catalog.has_table_privilege('customer_login', 'shop.orders', 'SELECT') AS ok")).rows;

    expect(await driver.grant({ ...ref, grantId: 'SD-9.1', notAfter: inAnHour(), enabled: false })).toEqual({ username: 'customer_login', created: true });
    expect(await canSelect()).toEqual([{ ok: false }]);
    await driver.enable(ref);
    expect(await canSelect()).toEqual([{ ok: true }]);
    expect((await driver.listManaged({})).logins).toContainEqual({ name: 'jit_grp_customer', grantId: 'SD-9.1' });

    expect(await driver.revoke(ref)).toEqual({ existed: true, sessionsTerminated: 0 });
    expect(await canSelect()).toEqual([{ ok: false }]);
    expect(await roleExists('customer_login')).toBe(true);
    expect(await roleExists('jit_grp_customer')).toBe(false);
  });

  test('listManaged returns exactly the managed roles with their grant ids', async () => {
    const before = new Set((await driver.listManaged({})).logins.map((login) => login.name));
    await driver.grant(ephemeral('jit_list_a', DEMO_ACCESS.read, { grantId: 'SD-42.1' }));
    await driver.grant(ephemeral('jit_list_b', DEMO_ACCESS.write, { grantId: 'SD-42.2' }));
    const added = (await driver.listManaged({})).logins.filter((login) => !before.has(login.name));
    expect(added).toEqual([
      { name: 'jit_list_a', grantId: 'SD-42.1' },
      { name: 'jit_list_b', grantId: 'SD-42.2' },
    ]);
  });

  describe('runAs guard (demo only)', () => {
    beforeAll(async () => {
      await driver.grant(ephemeral('jit_console', DEMO_ACCESS.read));
    });

    test.each(['SET ROLE postgres', 'RESET ROLE', 'SET SESSION AUTHORIZATION postgres', "SELECT set_config('role', 'postgres', false)"])(
      '%j is refused before it runs',
      async (sql) => {
        expect(await rejection(runAs(db, 'jit_console', sql))).toMatchObject({ name: 'RunAsError', code: 'role_change_refused' });
      },
    );

    test('a role change the text check misses is caught afterwards and rolled back', async () => {
      const sneaky = "DO $$BEGIN EXECUTE 'SET ' || 'ROLE postgres'; EXECUTE 'DELETE FROM shop.orders'; END$$";
      expect(await rejection(runAs(db, 'jit_console', sneaky))).toMatchObject({ code: 'role_change_refused' });
      expect((await db.query('SELECT count(*)::int AS n FROM shop.orders')).rows).toEqual([{ n: 6 }]);
      expect((await db.query('SELECT current_user AS who')).rows).toEqual([{ who: 'postgres' }]);
    });

    test('a statement issued while runAs runs waits for it, and runs as the superuser', async () => {
      const running = runAs(db, 'jit_console', 'SELECT current_user AS who FROM pg_catalog.pg_sleep(0.2)');
      const meanwhile = db.query('SELECT current_user AS who');
      expect((await running).rows).toEqual([{ who: 'jit_console' }]);
      expect((await meanwhile).rows).toEqual([{ who: 'postgres' }]);
    });

    test('one statement per call', async () => {
      expect(await rejection(runAs(db, 'jit_console', 'SELECT 1; SELECT 2'))).toMatchObject({ code: '42601' });
    });

    test('session settings do not outlive the call', async () => {
      const before = (await db.query('SHOW search_path')).rows;
      await runAs(db, 'jit_console', 'SET search_path TO shop');
      await runAs(db, 'jit_console', 'CREATE TEMPORARY TABLE scratch (v int)');
      expect((await db.query('SHOW search_path')).rows).toEqual(before);
      expect((await db.query("SELECT count(*)::int AS n FROM pg_catalog.pg_class WHERE relname = 'scratch'")).rows).toEqual([{ n: 0 }]);
    });

    test('the marker membership gives the login nothing', async () => {
      expect(await rejection(runAs(db, 'jit_console', 'SELECT 1 FROM pg_catalog.pg_authid'))).toMatchObject({ code: '42501' });
      const membership = await db.query(
        `SELECT inherit_option, set_option FROM pg_catalog.pg_auth_members
          WHERE roleid = 'jit_managed'::regrole AND member = 'jit_console'::regrole`,
      );
      expect(membership.rows).toEqual([{ inherit_option: false, set_option: false }]);
    });
  });
});
