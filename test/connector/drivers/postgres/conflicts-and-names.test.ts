import type { GrantAccess } from '../../../../src/connector/drivers/driver';
import { PostgresDriver } from '../../../../src/connector/drivers/postgres/driver';
import { silentLogger } from '../../../../src/connector/log';
import { describeWith } from '../../../support/servers';
import { createFixture, roleRow, sqlStateOf, type Fixture } from './fixture';

describeWith('postgres', 'PostgreSQL driver, roles it does not own and unusual names', (url) => {
  let fx: Fixture;
  let counter = 0;

  beforeAll(async () => {
    fx = await createFixture(url);
  });
  afterAll(() => fx.cleanup());

  function request(name: string, overrides: Partial<GrantAccess> = {}): GrantAccess {
    counter += 1;
    const access = fx.target.access['read'];
    if (!access) throw new Error('no access level read');
    return {
      name,
      mode: 'ephemeral',
      access,
      grantId: `N-${counter}`,
      password: `pw-${counter}-${fx.suffix}`,
      notAfter: new Date(Date.now() + 3_600_000),
      enabled: true,
      ...overrides,
    };
  }

  describe('a role of the same name that is not managed', () => {
    let name: string;
    beforeAll(async () => {
      name = `jit_theirs_${fx.suffix}`;
      await fx.createLogin(name, 'their-password');
    });
    afterAll(() => fx.admin.query(`DROP ROLE ${fx.admin.escapeIdentifier(name)}`));

    it('is never touched: grant is a conflict, revoke/enable/extend are not_managed', async () => {
      const before = await roleRow(fx.admin, name);
      expect(before).toMatchObject({ rolcanlogin: true, rolvaliduntil: null, memberOf: [] });
      const session = await fx.connectAs(name, 'their-password');

      await expect(fx.driver.grant(request(name))).rejects.toMatchObject({ name: 'DriverError', code: 'conflict', retryable: false });
      await expect(fx.driver.revoke(request(name))).rejects.toMatchObject({ code: 'not_managed', retryable: false });
      await expect(fx.driver.enable(request(name))).rejects.toMatchObject({ code: 'not_managed' });
      await expect(fx.driver.extend({ ...request(name), notAfter: new Date() })).rejects.toMatchObject({ code: 'not_managed' });
      await expect(fx.driver.revoke({ ...request(name), mode: 'existing-login', dbUser: 'postgres' })).rejects.toMatchObject({
        code: 'not_managed',
      });

      expect(await roleRow(fx.admin, name)).toEqual(before);
      expect(await sqlStateOf(session.query('SELECT 1'))).toBe('ok');
      const { logins } = await fx.driver.listManaged({});
      expect(logins.map((login) => login.name)).not.toContain(name);
    });
  });

  it('a managed role recorded for another grant is a conflict', async () => {
    const name = `jit_other_${fx.suffix}`;
    await fx.driver.grant(request(name));
    await expect(fx.driver.grant(request(name))).rejects.toMatchObject({ code: 'conflict', retryable: false });
    await expect(fx.driver.revoke(request(name))).resolves.toEqual({ existed: true, sessionsTerminated: 0 });
  });

  describe('names are quoted as one identifier', () => {
    let canary: string;
    beforeAll(async () => {
      canary = `jit_k_${fx.suffix}`;
      await fx.admin.query(`CREATE ROLE ${fx.admin.escapeIdentifier(canary)} NOLOGIN`);
    });
    afterAll(() => fx.admin.query(`DROP ROLE ${fx.admin.escapeIdentifier(canary)}`));

    const names: [string, (suffix: string) => string][] = [
      ['quotes and semicolons', (suffix) => `jit_"; DROP ROLE jit_k_${suffix}; --`],
      ["single quotes and backslashes", (suffix) => `jit_o'b\\r_${suffix}`],
      ['unicode', (suffix) => `jit_ünï_ロール_${suffix}`],
      ['exactly 63 bytes', (suffix) => `jit_${suffix}_`.padEnd(63, 'x')],
    ];

    it.each(names)('%s: created, usable and dropped, nothing else happens', async (_label, make) => {
      const grant = request(make(fx.suffix));
      expect(Buffer.byteLength(grant.name)).toBeLessThanOrEqual(63);
      await expect(fx.driver.grant(grant)).resolves.toEqual({ username: grant.name, created: true });
      expect(await roleRow(fx.admin, grant.name)).toMatchObject({ rolcanlogin: true });
      const session = await fx.connectAs(grant.name, grant.password);
      expect((await session.query('SELECT current_user AS me')).rows).toEqual([{ me: grant.name }]);
      const { logins } = await fx.driver.listManaged({});
      expect(logins).toContainEqual({ name: grant.name, grantId: grant.grantId });

      await expect(fx.driver.revoke(grant)).resolves.toEqual({ existed: true, sessionsTerminated: 1 });
      expect(await roleRow(fx.admin, grant.name)).toBeUndefined();
      expect(await roleRow(fx.admin, canary)).toMatchObject({ rolcanlogin: false });
    });
  });

  it('a name over 63 bytes is refused before anything is sent (PostgreSQL would truncate it)', async () => {
    const grant = request(`jit_${fx.suffix}_`.padEnd(62, 'x') + 'ü');
    await expect(fx.driver.grant(grant)).rejects.toMatchObject({ code: 'failed', retryable: false });
    expect(await roleRow(fx.admin, grant.name.slice(0, 62))).toBeUndefined();
  });

  it('an unreachable server: health says so without throwing, operations fail retryable', async () => {
    const address = new URL(url);
    address.port = '1';
    const driver = new PostgresDriver({ ...fx.target, url: address.toString() }, silentLogger());
    try {
      const health = await driver.health({});
      expect(health.reachable).toBe(false);
      expect(health.detail).toMatch(/^health check: /);
      await expect(driver.revoke(request(`jit_x_${fx.suffix}`))).rejects.toMatchObject({ code: 'unreachable', retryable: true });
    } finally {
      await driver.close();
    }
  });
});
