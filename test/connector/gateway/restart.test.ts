import { Client } from 'pg';
import { signRequest } from '../../../src/protocol';
import { createScratchDatabase } from '../../support/scratch-database';
import { describeWith } from '../../support/servers';
import { inSeconds, postgresFixture, SECRET, startTestConnector } from '../support/harness';
import { principal } from './support';

describeWith('postgres', 'the SQL gateway across a connector restart', (adminUrl) => {
  it.each(['file', 'postgres'] as const)('keeps the record (%s ledger); the gateway credential is gone, and a repeat of the grant request says so instead of handing it out', async (ledger) => {
    const fixture = await postgresFixture(adminUrl);
    const ledgerDatabase = ledger === 'postgres' ? await createScratchDatabase(adminUrl, 'jit_gw_ledger') : undefined;
    const target = { ...fixture.target, access: 'gateway' as const };
    const config = { targets: [target], gateway: { postgres: { listen: { host: '127.0.0.1', port: 0 } } }, ...(ledgerDatabase ? { ledger: ledgerDatabase.url } : {}) };
    const first = await startTestConnector(config);
    const request = { grantId: 'RS-1.1', target: target.id, role: 'read', principal, mode: 'ephemeral' as const, notAfter: inSeconds(600), ticket: 'SD-1', reason: 'test' };
    const database = new URL(adminUrl).pathname.slice(1);
    const connect = async (port: number, user: string, password: string) => {
      const client = new Client({ host: '127.0.0.1', port, database, user, password });
      client.on('error', () => undefined);
      await client.connect();
      return client;
    };
    const created = await first.client.createGrant(request);
    const client = await connect(created.connect.port, created.username, created.password ?? '');
    await client.query(`SELECT total FROM ${fixture.schema}.orders WHERE id = 1`);
    await client.end();
    await first.stop();

    const second = await startTestConnector(config, first.dataDir);
    try {
      const port = second.context.gateway?.endpoints.postgres?.port ?? 0;
      const path = '/v1/grants/RS-1.1/activity';
      const response = await fetch(second.url + path, { headers: signRequest(SECRET, { timestamp: Math.floor(Date.now() / 1000), method: 'GET', pathWithQuery: path, body: '' }) });
      const body = (await response.json()) as { statements: { sql: string }[] };
      expect(body.statements.map((statement) => statement.sql)).toEqual([`SELECT total FROM ${fixture.schema}.orders WHERE id = $1`]);
      await expect(connect(port, created.username, created.password ?? '')).rejects.toMatchObject({ code: '28000' });
      await expect(second.client.createGrant(request)).rejects.toMatchObject({ status: 409, code: 'grant_conflict', message: expect.stringMatching(/restarted.*new grantId/) });
      await expect(connect(port, created.username, created.password ?? '')).rejects.toMatchObject({ code: '28000' });
      expect(await second.client.revokeGrant('RS-1.1')).toMatchObject({ state: 'revoked' });
      const renewed = await second.client.createGrant({ ...request, grantId: 'RS-1.2' });
      const client2 = await connect(port, renewed.username, renewed.password ?? '');
      expect((await client2.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
      await client2.end();
      await second.client.revokeGrant('RS-1.2');
    } finally {
      await second.stop();
      await fixture.cleanup();
      await ledgerDatabase?.drop();
    }
  });
});
