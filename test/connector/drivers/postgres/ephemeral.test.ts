import { Client } from 'pg';
import type { GrantAccess } from '../../../../src/connector/drivers/driver';
import { scramSha256Verifier, parseScramVerifier } from '../../../../src/connector/drivers/postgres/scram';
import { describeWith } from '../../../support/servers';
import { createFixture, roleRow, sqlStateOf, type Fixture } from './fixture';

const HOUR = 3_600_000;

async function verifierMatches(verifier: string | null | undefined, password: string): Promise<boolean> {
  const parts = parseScramVerifier(verifier ?? '');
  if (!parts) return false;
  return (await scramSha256Verifier(password, { salt: parts.salt, iterations: parts.iterations })) === verifier;
}

describeWith('postgres', 'PostgreSQL driver, ephemeral logins', (url) => {
  let fx: Fixture;
  let counter = 0;

  beforeAll(async () => {
    fx = await createFixture(url);
  });
  afterAll(() => fx.cleanup());

  function request(role: 'read' | 'write' | 'ddl', overrides: Partial<GrantAccess> = {}): GrantAccess {
    counter += 1;
    const access = fx.target.access[role];
    if (!access) throw new Error(`no access level ${role}`);
    return {
      name: `jit_e${counter}_${fx.suffix}`,
      mode: 'ephemeral',
      access,
      grantId: `G-${counter}`,
      password: `pw-${counter}-${fx.suffix}`,
      notAfter: new Date(Date.now() + HOUR),
      enabled: true,
      ...overrides,
    };
  }

  it('creates a login that connects with its password, reads what read allows and nothing else', async () => {
    const grant = request('read');
    await expect(fx.driver.grant(grant)).resolves.toEqual({ username: grant.name, created: true });

    const row = await roleRow(fx.admin, grant.name);
    expect(row?.rolcanlogin).toBe(true);
    expect(row?.rolvaliduntil?.getTime()).toBe(grant.notAfter.getTime());
    expect(row?.memberOf.sort()).toEqual([fx.marker, `jit_r_${fx.suffix}`].sort());
    expect(row?.rolpassword).toMatch(/^SCRAM-SHA-256\$4096:/);
    // What PostgreSQL's SCRAM authentication checks: the stored verifier matches this password and no other.
    expect(await verifierMatches(row?.rolpassword, grant.password ?? '')).toBe(true);
    expect(await verifierMatches(row?.rolpassword, 'wrong')).toBe(false);

    const session = await fx.connectAs(grant.name, grant.password);
    const { rows } = await session.query(`SELECT id, item FROM ${fx.schema}.orders ORDER BY id`);
    expect(rows).toEqual([{ id: 1, item: 'book' }, { id: 2, item: 'lamp' }]);
    expect(await sqlStateOf(session.query(`SELECT * FROM ${fx.schema}.secrets`))).toBe('42501');
    expect(await sqlStateOf(session.query(`INSERT INTO ${fx.schema}.orders VALUES (9, 'x')`))).toBe('42501');
  });

  it('gives write access that can INSERT', async () => {
    const grant = request('write');
    await fx.driver.grant(grant);
    const session = await fx.connectAs(grant.name, grant.password);
    await session.query(`INSERT INTO ${fx.schema}.orders VALUES (3, 'desk')`);
    const { rows } = await fx.admin.query(`SELECT item FROM ${fx.schema}.orders WHERE id = 3`);
    expect(rows).toEqual([{ item: 'desk' }]);
    expect(await sqlStateOf(session.query(`DELETE FROM ${fx.schema}.orders`))).toBe('42501');
  });

  it('never sends the plaintext password to the server, only the verifier', async () => {
    const grant = request('read');
    // spyOn calls through: the grant really runs, and every query the pool's clients send is recorded.
    const spy = jest.spyOn(Client.prototype, 'query');
    let sent: string;
    try {
      await fx.driver.grant(grant);
      await fx.driver.grant({ ...grant, password: `${grant.password}-rotated` });
      sent = JSON.stringify(spy.mock.calls.map((args) => args.filter((arg) => typeof arg !== 'function')));
    } finally {
      spy.mockRestore();
    }
    expect(sent).toContain('CREATE ROLE');
    expect(sent).toContain('ALTER ROLE');
    expect(sent).toContain('SCRAM-SHA-256$4096:');
    expect(sent).not.toContain(grant.password);
  });

  it('a retried grant rotates the password, keeps the access and reports created: false', async () => {
    const grant = request('read');
    await fx.driver.grant(grant);
    const retry = { ...grant, password: `${grant.password}-2`, notAfter: new Date(grant.notAfter.getTime() + HOUR) };
    await expect(fx.driver.grant(retry)).resolves.toEqual({ username: grant.name, created: false });
    const row = await roleRow(fx.admin, grant.name);
    expect(await verifierMatches(row?.rolpassword, retry.password)).toBe(true);
    expect(await verifierMatches(row?.rolpassword, grant.password ?? '')).toBe(false);
    expect(row?.rolvaliduntil?.getTime()).toBe(retry.notAfter.getTime());
    expect(row?.memberOf).toContain(`jit_r_${fx.suffix}`);
  });

  it('revoke disables, ends the open session, drops the login, and a new connection is refused', async () => {
    const grant = request('read');
    await fx.driver.grant(grant);
    const open = await fx.connectAs(grant.name, grant.password);
    const other = await fx.connectAs(grant.name, grant.password);
    await other.query('SELECT 1');

    await expect(fx.driver.revoke(grant)).resolves.toEqual({ existed: true, sessionsTerminated: 2 });

    expect(await sqlStateOf(open.query('SELECT 1'))).not.toBe('ok');
    expect(await roleRow(fx.admin, grant.name)).toBeUndefined();
    expect(['28P01', '28000']).toContain(await sqlStateOf(fx.connectAs(grant.name, grant.password)));
    const { rows } = await fx.admin.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE usename = $1', [grant.name]);
    expect(rows).toEqual([{ n: 0 }]);
  });

  it('a login that created a table still revokes cleanly, and the table goes to the owner role', async () => {
    const grant = request('ddl');
    await fx.driver.grant(grant);
    const session = await fx.connectAs(grant.name, grant.password);
    await session.query(`CREATE TABLE ${fx.schema}.scratch_${fx.suffix} (n int)`);
    await session.query(`INSERT INTO ${fx.schema}.scratch_${fx.suffix} VALUES (7)`);

    await expect(fx.driver.revoke(grant)).resolves.toEqual({ existed: true, sessionsTerminated: 1 });

    const { rows } = await fx.admin.query(
      `SELECT tableowner FROM pg_tables WHERE schemaname = $1 AND tablename = $2`,
      [fx.schema, `scratch_${fx.suffix}`],
    );
    expect(rows).toEqual([{ tableowner: fx.owner }]);
    expect(await roleRow(fx.admin, grant.name)).toBeUndefined();
  });

  it('stores VALID UNTIL, which PostgreSQL enforces when it checks passwords', async () => {
    const grant = request('read', { notAfter: new Date(Date.now() - 60_000) });
    await fx.driver.grant(grant);
    expect((await roleRow(fx.admin, grant.name))?.rolvaliduntil?.getTime()).toBe(grant.notAfter.getTime());
    // PostgreSQL applies VALID UNTIL only in password authentication; under `trust` in pg_hba.conf (the shared
    // test server) any password is accepted and so is an expired one.
    const passwordsChecked = (await sqlStateOf(fx.connectAs(grant.name, 'not-the-password'))) !== 'ok';
    expect(await sqlStateOf(fx.connectAs(grant.name, grant.password))).toBe(passwordsChecked ? '28P01' : 'ok');
  });

  it('enabled: false creates the login NOLOGIN; enable lets it in', async () => {
    const grant = request('read', { enabled: false });
    await fx.driver.grant(grant);
    expect((await roleRow(fx.admin, grant.name))?.rolcanlogin).toBe(false);
    expect(await sqlStateOf(fx.connectAs(grant.name, grant.password))).toBe('28000');

    await fx.driver.enable(grant);
    const session = await fx.connectAs(grant.name, grant.password);
    expect((await session.query('SELECT current_user AS me')).rows).toEqual([{ me: grant.name }]);
  });

  it('extend moves VALID UNTIL', async () => {
    const grant = request('read');
    await fx.driver.grant(grant);
    const later = new Date(grant.notAfter.getTime() + 2 * HOUR);
    await fx.driver.extend({ ...grant, notAfter: later });
    expect((await roleRow(fx.admin, grant.name))?.rolvaliduntil?.getTime()).toBe(later.getTime());
  });

  it('listManaged returns the managed logins with their grant ids', async () => {
    const grant = request('read');
    await fx.driver.grant(grant);
    const { logins } = await fx.driver.listManaged({});
    expect(logins).toContainEqual({ name: grant.name, grantId: grant.grantId });
    expect(logins.every((login) => login.name.endsWith(fx.suffix))).toBe(true);
  });

  it('terminateSessions ends every session of a user and reports how many', async () => {
    const grant = request('read');
    await fx.driver.grant(grant);
    const sessions = [await fx.connectAs(grant.name, grant.password), await fx.connectAs(grant.name, grant.password)];
    await expect(fx.driver.terminateSessions({ username: grant.name })).resolves.toEqual({ terminated: 2 });
    for (const session of sessions) expect(await sqlStateOf(session.query('SELECT 1'))).not.toBe('ok');
    await expect(fx.driver.terminateSessions({ username: grant.name })).resolves.toEqual({ terminated: 0 });
  });

  it('revoke of a login that is not there reports existed: false', async () => {
    await expect(fx.driver.revoke(request('read'))).resolves.toEqual({ existed: false, sessionsTerminated: 0 });
  });

  it('enable and extend refuse a role that is not there', async () => {
    const grant = request('read');
    await expect(fx.driver.enable(grant)).rejects.toMatchObject({ code: 'not_managed', retryable: false });
    await expect(fx.driver.extend({ ...grant, notAfter: new Date() })).rejects.toMatchObject({ code: 'not_managed', retryable: false });
  });

  it('an access level naming a missing role is invalid_access, and nothing is created', async () => {
    const grant = request('read', { access: { memberOf: [`jit_missing_${fx.suffix}`], privileges: [] } });
    await expect(fx.driver.grant(grant)).rejects.toMatchObject({ code: 'invalid_access', retryable: false });
    expect(await roleRow(fx.admin, grant.name)).toBeUndefined();
  });

  it('health answers reachable', async () => {
    await expect(fx.driver.health({})).resolves.toEqual({ reachable: true });
  });
});
