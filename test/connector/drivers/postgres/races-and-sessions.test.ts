import type { GrantAccess } from '../../../../src/connector/drivers/driver';
import { PostgresDriver } from '../../../../src/connector/drivers/postgres/driver';
import { silentLogger } from '../../../../src/connector/log';
import { describeWith } from '../../../support/servers';
import { createFixture, roleRow, sqlStateOf, type Fixture } from './fixture';

describeWith('postgres', 'PostgreSQL driver, concurrent connectors and sessions that outlast the limit', (url) => {
  let fx: Fixture;
  let counter = 0;

  beforeAll(async () => {
    fx = await createFixture(url);
  });
  afterAll(() => fx.cleanup());

  function request(overrides: Partial<GrantAccess> = {}): GrantAccess {
    counter += 1;
    const access = fx.target.access['read'];
    if (!access) throw new Error('no access level read');
    return {
      name: `jit_r${counter}_${fx.suffix}`,
      mode: 'ephemeral',
      access,
      grantId: `R-${counter}`,
      password: `pw-${counter}-${fx.suffix}`,
      notAfter: new Date(Date.now() + 3_600_000),
      enabled: true,
      ...overrides,
    };
  }

  it('two connectors starting together both create the marker role and grant the same login', async () => {
    const marker = `jit_m2_${fx.suffix}`;
    const target = { ...fx.target, marker };
    const drivers = [new PostgresDriver(target, silentLogger()), new PostgresDriver(target, silentLogger())];
    const grant = request();
    try {
      const results = await Promise.all(drivers.map((driver) => driver.grant(grant)));
      expect(results.map((result) => result.created).sort()).toEqual([false, true]);
      expect((await roleRow(fx.admin, marker))?.rolcanlogin).toBe(false);
      expect((await roleRow(fx.admin, grant.name))?.memberOf).toContain(marker);
      await expect(drivers[0]?.revoke(grant)).resolves.toEqual({ existed: true, sessionsTerminated: 0 });
      await expect(drivers[1]?.revoke(grant)).resolves.toEqual({ existed: false, sessionsTerminated: 0 });
    } finally {
      await Promise.all(drivers.map((driver) => driver.close()));
      await fx.admin.query(`DROP ROLE IF EXISTS ${fx.admin.escapeIdentifier(marker)}`);
    }
  });

  it('sessions still there at the limit: sessions_remain (retryable), and the login stays disabled, not dropped', async () => {
    // A limit of 0 ms gives up at the first check, before the signalled backend has had time to exit.
    const impatient = new PostgresDriver(fx.target, silentLogger(), { polling: { stepMs: 20, limitMs: 0 } });
    const grant = request();
    try {
      await fx.driver.grant(grant);
      const session = await fx.connectAs(grant.name, grant.password);
      await expect(impatient.revoke(grant)).rejects.toMatchObject({ code: 'sessions_remain', retryable: true });
      expect((await roleRow(fx.admin, grant.name))?.rolcanlogin).toBe(false);
      expect(await sqlStateOf(fx.connectAs(grant.name, grant.password))).toBe('28000');

      // The connector retries later; the session was signalled already and is gone by then.
      await expect(fx.driver.revoke(grant)).resolves.toMatchObject({ existed: true });
      expect(await roleRow(fx.admin, grant.name)).toBeUndefined();
      expect(await sqlStateOf(session.query('SELECT 1'))).not.toBe('ok');
    } finally {
      await impatient.close();
    }
  });

  it('an owner role that does not exist fails the revoke and leaves the login disabled, not reported as gone', async () => {
    const misconfigured = new PostgresDriver({ ...fx.target, owner: `jit_no_owner_${fx.suffix}` }, silentLogger());
    const grant = request();
    try {
      await fx.driver.grant(grant);
      await expect(misconfigured.revoke(grant)).rejects.toMatchObject({ code: 'failed', retryable: false });
      expect((await roleRow(fx.admin, grant.name))?.rolcanlogin).toBe(false);
      await expect(fx.driver.revoke(grant)).resolves.toEqual({ existed: true, sessionsTerminated: 0 });
    } finally {
      await misconfigured.close();
    }
  });

  it('close can be called twice', async () => {
    const driver = new PostgresDriver(fx.target, silentLogger());
    await driver.health({});
    await driver.close();
    await expect(driver.close()).resolves.toBeUndefined();
  });
});
