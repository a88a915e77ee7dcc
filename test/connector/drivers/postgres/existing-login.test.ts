import type { GrantAccess } from '../../../../src/connector/drivers/driver';
import { describeWith } from '../../../support/servers';
import { createFixture, roleRow, sqlStateOf, type Fixture } from './fixture';

describeWith('postgres', 'PostgreSQL driver, existing-login mode', (url) => {
  let fx: Fixture;
  let customer: string;
  const customerPassword = 'customer-own-password';
  let counter = 0;

  beforeAll(async () => {
    fx = await createFixture(url);
    customer = `jit_cust_${fx.suffix}`;
    await fx.createLogin(customer, customerPassword);
  });
  afterAll(async () => {
    await fx.admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1', [customer]);
    await fx.admin.query(`DROP OWNED BY ${fx.admin.escapeIdentifier(customer)}`);
    await fx.admin.query(`DROP ROLE ${fx.admin.escapeIdentifier(customer)}`);
    await fx.cleanup();
  });

  function request(role: 'read' | 'ddl', overrides: Partial<GrantAccess> = {}): GrantAccess {
    counter += 1;
    const access = fx.target.access[role];
    if (!access) throw new Error(`no access level ${role}`);
    return {
      name: `jit_g${counter}_${fx.suffix}`,
      mode: 'existing-login',
      dbUser: customer,
      access,
      grantId: `X-${counter}`,
      notAfter: new Date(Date.now() + 3_600_000),
      enabled: true,
      ...overrides,
    };
  }

  async function isMember(role: string): Promise<boolean> {
    const { rows } = await fx.admin.query<{ member: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles u ON u.oid = m.member
                       WHERE g.rolname = $1 AND u.rolname = $2) AS member`,
      [role, customer],
    );
    return rows[0]?.member === true;
  }

  it("grants through a managed group role, then revokes it and leaves the customer's login as it was", async () => {
    const grant = request('read');
    await expect(fx.driver.grant(grant)).resolves.toEqual({ username: customer, created: true });
    const group = await roleRow(fx.admin, grant.name);
    expect(group?.rolcanlogin).toBe(false);
    expect(group?.rolpassword).toBeNull();
    const customerBefore = await roleRow(fx.admin, customer);
    expect(group?.memberOf.sort()).toEqual([fx.marker, `jit_r_${fx.suffix}`].sort());
    expect(await isMember(grant.name)).toBe(true);

    const session = await fx.connectAs(customer, customerPassword);
    expect((await session.query(`SELECT count(*)::int AS n FROM ${fx.schema}.orders`)).rows).toEqual([{ n: 2 }]);

    await expect(fx.driver.grant(grant)).resolves.toEqual({ username: customer, created: false });
    await expect(fx.driver.revoke(grant)).resolves.toEqual({ existed: true, sessionsTerminated: 1 });

    expect(await sqlStateOf(session.query('SELECT 1'))).not.toBe('ok');
    expect(await roleRow(fx.admin, grant.name)).toBeUndefined();
    expect(await roleRow(fx.admin, customer)).toEqual({ ...customerBefore, memberOf: [] });
    expect(customerBefore?.memberOf).toEqual([grant.name]);
    const again = await fx.connectAs(customer, customerPassword);
    expect(await sqlStateOf(again.query(`SELECT * FROM ${fx.schema}.orders`))).toBe('42501');
    await again.end();
  });

  it('objects created as the group role go to the owner on revoke', async () => {
    const grant = request('ddl');
    await fx.driver.grant(grant);
    const session = await fx.connectAs(customer, customerPassword);
    await session.query(`SET ROLE ${session.escapeIdentifier(grant.name)}`);
    await session.query(`CREATE TABLE ${fx.schema}.made_by_group (n int)`);

    await expect(fx.driver.revoke(grant)).resolves.toEqual({ existed: true, sessionsTerminated: 1 });
    const { rows } = await fx.admin.query('SELECT tableowner FROM pg_tables WHERE schemaname = $1 AND tablename = $2', [
      fx.schema,
      'made_by_group',
    ]);
    expect(rows).toEqual([{ tableowner: fx.owner }]);
  });

  it('enabled: false prepares the group role without granting it; enable grants it', async () => {
    const grant = request('read', { enabled: false });
    await fx.driver.grant(grant);
    expect(await isMember(grant.name)).toBe(false);
    await fx.driver.enable(grant);
    expect(await isMember(grant.name)).toBe(true);
    await fx.driver.extend({ ...grant, notAfter: new Date(Date.now() + 7_200_000) });
    expect(await roleRow(fx.admin, customer)).toMatchObject({ rolvaliduntil: null });
    await expect(fx.driver.revoke(grant)).resolves.toEqual({ existed: true, sessionsTerminated: 0 });
    expect(await isMember(grant.name)).toBe(false);
  });

  it('a dbUser that does not exist is invalid_access, and nothing is created', async () => {
    const grant = request('read', { dbUser: `jit_nobody_${fx.suffix}` });
    await expect(fx.driver.grant(grant)).rejects.toMatchObject({ code: 'invalid_access', retryable: false });
    expect(await roleRow(fx.admin, grant.name)).toBeUndefined();
  });

  it('a missing dbUser is invalid_access', async () => {
    await expect(fx.driver.grant(request('read', { dbUser: undefined }))).rejects.toMatchObject({ code: 'invalid_access' });
  });

  it('revoke of a group role that is not there reports existed: false', async () => {
    await expect(fx.driver.revoke(request('read'))).resolves.toEqual({ existed: false, sessionsTerminated: 0 });
  });
});
