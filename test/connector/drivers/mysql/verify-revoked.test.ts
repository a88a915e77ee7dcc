import { mysqlDriver } from '../../../../src/connector/drivers/mysql';
import type { Driver, ManagedRef } from '../../../../src/connector/drivers/driver';
import { silentLogger } from '../../../../src/connector/log';
import { describeWith, uniqueSuffix } from '../../../support/servers';

/** The grant service reports a revocation only once verifyRevoked finds nothing: it must see a live account. */
describeWith('mysql', 'MySQL/MariaDB verifyRevoked (real server)', (url) => {
  const suffix = uniqueSuffix();
  const database = decodeURIComponent(new URL(url).pathname.slice(1));
  const access = { memberOf: [], privileges: [`SELECT ON ${database}.*`] };
  let driver: Driver;

  beforeAll(() => {
    driver = mysqlDriver.create({ id: 'verify', url, marker: `jit_v_${suffix}`, access: { read: access } }, silentLogger());
  });
  afterAll(() => driver.close());

  it('names the login while it exists and nothing once it is dropped', async () => {
    const ref: ManagedRef = { name: `jit_v_${suffix}`, mode: 'ephemeral', access };
    await driver.grant({ ...ref, grantId: 'V-1', password: `pw-${suffix}-0123456789`, notAfter: new Date(Date.now() + 600_000), enabled: true });
    expect(await driver.verifyRevoked(ref)).toEqual({ remaining: [`login "${ref.name}" still exists`] });
    await driver.revoke(ref);
    expect(await driver.verifyRevoked(ref)).toEqual({ remaining: [] });
  });
});
