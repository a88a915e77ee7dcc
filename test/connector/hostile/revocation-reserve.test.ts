import mysql, { type Connection } from 'mysql2/promise';
import { z } from 'zod';
import type { Driver } from '../../../src/connector/drivers/driver';
import { mysqlDriver } from '../../../src/connector/drivers/mysql';
import { silentLogger } from '../../../src/connector/log';
import { describeWith, uniqueSuffix } from '../../support/servers';

const BACKLOG = 150;

/**
 * Revocation must not wait for a free connection behind other work. A burst of grants (a bulk approval, or
 * requests held up by a slow database) fills the target's connections and queues behind them; a revocation
 * issued in the middle of it must go through on the connection kept for revocations, not after the backlog.
 */
describeWith('mysql', 'revocation with every connection of the target busy with grant work', (adminUrl) => {
  const sfx = uniqueSuffix();
  const database = `jit_rsv_${sfx}`;
  const marker = `jit_m_${sfx}`;
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  const access = { read: { memberOf: [], privileges: [`SELECT ON ${database}.orders`] } };
  let admin: Connection;
  let driver: Driver;

  beforeAll(async () => {
    admin = await mysql.createConnection({ uri: adminUrl });
    await admin.query('CREATE DATABASE ??', [database]);
    await admin.query('CREATE TABLE ??.orders (id INT PRIMARY KEY)', [database]);
    driver = mysqlDriver.create({ id: `rsv-${sfx}`, url: url.toString(), marker, access }, silentLogger());
  });

  afterAll(async () => {
    await driver?.close();
    const [rows] = await admin.query('SELECT User AS user, Host AS host FROM mysql.global_priv WHERE JSON_EXTRACT(Priv, ?) IS NOT NULL', [`$."${marker}"`]);
    for (const { user, host } of z.array(z.object({ user: z.string(), host: z.string() })).parse(rows)) await admin.query('DROP USER ?@?', [user, host]);
    await admin.query('DROP DATABASE IF EXISTS ??', [database]);
    await admin.end();
  });

  const grant = (name: string) =>
    driver.grant({ name, mode: 'ephemeral', access: access.read, grantId: name, password: 'Pw-0123456789abcdef', notAfter: new Date(Date.now() + 600_000), enabled: true });

  it('revokes ahead of a backlog of grants instead of after it', async () => {
    const victim = `jit_v_${sfx}`;
    await grant(victim);
    let grantsDone = 0;
    const backlog = Array.from({ length: BACKLOG }, (_, index) => grant(`jit_b${index}_${sfx}`).then(() => void (grantsDone += 1)));
    const revoked = await driver.revoke({ name: victim, mode: 'ephemeral', access: access.read });
    const doneWhenRevoked = grantsDone;
    await Promise.all(backlog);
    expect(revoked.existed).toBe(true);
    // Behind the backlog it would have waited for nearly all of it.
    expect(doneWhenRevoked).toBeLessThan(BACKLOG / 2);
  });
});
