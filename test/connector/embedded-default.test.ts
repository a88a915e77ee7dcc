import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startConnector } from '../../src/connector/connector';
import { driverFactories } from '../../src/connector/drivers/registry';
import { PgliteDriver, runAs } from '../../src/connector/drivers/pglite';
import { embeddedDefaultConfig } from '../../src/connector/embedded-default';
import { silentLogger } from '../../src/connector/log';
import { RequesterClient } from './support/requester-client';
import { inSeconds } from './support/harness';

describe('the embedded default (no --config)', () => {
  it('serves target demo on a seeded PGlite with read and write levels', async () => {
    const secret = 'embedded-default-test-secret';
    const config = embeddedDefaultConfig({ dataDir: mkdtempSync(join(tmpdir(), 'jit-embedded-')), secret, port: 0 });
    const connector = await startConnector({ config, factories: driverFactories, log: silentLogger() });
    try {
      const client = new RequesterClient({ baseUrl: connector.url, secrets: secret });
      expect(await client.targets()).toEqual({
        targets: [{ id: 'demo', engine: 'pglite', environment: 'dev', roles: ['read', 'write'], connect: { host: 'embedded', port: 0, database: 'demo' } }],
      });
      const grant = await client.createGrant({ grantId: 'DEMO-1', target: 'demo', role: 'read', principal: { accountId: 'a' }, notAfter: inSeconds(600) });
      const db = await (connector.context.targets.get('demo')?.driver as PgliteDriver).database();
      const result = await runAs(db, grant.username, 'SELECT count(*)::int AS n FROM shop.orders');
      expect(result.rows).toEqual([{ n: 6 }]);
      await expect(runAs(db, grant.username, "DELETE FROM shop.orders")).rejects.toMatchObject({ code: '42501' });
      await client.revokeGrant('DEMO-1');
      await expect(runAs(db, grant.username, 'SELECT 1')).rejects.toMatchObject({ code: 'not_a_managed_login' });
    } finally {
      await connector.stop();
    }
  });
});
