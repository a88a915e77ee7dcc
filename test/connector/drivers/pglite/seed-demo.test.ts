import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../../../src/connector/log';
import { DEMO_ACCESS, pgliteDriver, seedDemo, type PgliteDriver } from '../../../../src/connector/drivers/pglite';

/** One PGlite instance at a time: the data directory is opened, closed, then opened again. */
const dataDir = mkdtempSync(join(tmpdir(), 'jit-pglite-seed-'));
let driver: PgliteDriver | undefined;

function open(url: string): PgliteDriver {
  driver = pgliteDriver.create({ id: 'demo', url, access: DEMO_ACCESS }, silentLogger());
  return driver;
}

async function counts(current: PgliteDriver): Promise<unknown[]> {
  const db = await current.database();
  const result = await db.query(
    `SELECT (SELECT count(*)::int FROM shop.customers) AS customers,
            (SELECT count(*)::int FROM shop.products) AS products,
            (SELECT count(*)::int FROM shop.orders) AS orders`,
  );
  return result.rows;
}

afterAll(async () => {
  await driver?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

test('a data directory is seeded once, and what was granted there survives reopening', async () => {
  const first = open(`pglite:file:${dataDir}`);
  expect(await seedDemo(await first.database())).toEqual({ seeded: true });
  expect(await seedDemo(await first.database())).toEqual({ seeded: false });
  expect(await counts(first)).toEqual([{ customers: 5, products: 4, orders: 6 }]);
  await first.grant({
    name: 'jit_persisted',
    grantId: 'SD-7.1',
    mode: 'ephemeral',
    access: DEMO_ACCESS.read,
    notAfter: new Date(Date.now() + 3_600_000),
    enabled: true,
  });
  await first.close();

  const second = open(`pglite:${dataDir}`);
  expect(await seedDemo(await second.database())).toEqual({ seeded: false });
  expect(await counts(second)).toEqual([{ customers: 5, products: 4, orders: 6 }]);
  expect((await second.listManaged({})).logins).toEqual([{ name: 'jit_persisted', grantId: 'SD-7.1' }]);
}, 120_000);
