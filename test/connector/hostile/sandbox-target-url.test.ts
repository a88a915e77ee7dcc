import { Client } from 'pg';
import { z } from 'zod';
import { sandboxMarker, sandboxOwner } from '../../../src/sandbox/start/connector-config';
import { createScratchDatabase, type ScratchDatabase } from '../../support/scratch-database';
import { describeWith } from '../../support/servers';
import { discoverForm, restClient } from '../../sandbox/e2e/rest-client';
import { startSandboxProcess, type SandboxProcess } from '../../sandbox/e2e/sandbox-process';

jest.setTimeout(300_000);

const ticket = z.looseObject({ properties: z.looseObject({ 'jit-access': z.looseObject({ state: z.string(), username: z.string().optional() }).optional() }) });
const revealed = z.looseObject({ result: z.looseObject({ data: z.looseObject({ username: z.string(), password: z.string() }) }) });

/**
 * `npm start --target-url` on a real server, stopped before the access windows end: gracefully, and killed
 * outright. No working login may stay behind either way, and a login may not reach another database of the
 * cluster than the one in the URL.
 */
describeWith('postgres', 'hostile: the sandbox on a real server leaves no login behind and reaches only its database', (pgUrl) => {
  let superuser: Client;
  let elsewhere: ScratchDatabase;
  let sandbox: SandboxProcess | undefined;

  beforeAll(async () => {
    superuser = new Client({ connectionString: pgUrl });
    await superuser.connect();
    elsewhere = await createScratchDatabase(pgUrl, 'jit_hsb');
    const other = new Client({ connectionString: elsewhere.url });
    await other.connect();
    await other.query(`CREATE TABLE payroll (salary int); INSERT INTO payroll VALUES (100000)`);
    await other.end();
  });

  afterAll(async () => {
    await sandbox?.stop();
    await elsewhere?.drop();
    // The sandbox keeps its marker and owner roles for the next run on this server; this test's run is over.
    const marker = sandboxMarker({ dataDir: '', dataDirIsTemporary: true, targetUrl: pgUrl });
    for (const role of [sandboxOwner(marker), marker]) {
      await superuser.query(`DROP OWNED BY ${superuser.escapeIdentifier(role)}`).catch(() => undefined);
      await superuser.query(`DROP ROLE IF EXISTS ${superuser.escapeIdentifier(role)}`);
    }
    await superuser?.end();
  });

  const start = () => startSandboxProcess(['--target-url', pgUrl, '--sweep-seconds', '2'], 120_000, { ownData: false });

  /** Raises a read-only request on shop-dev for an hour (granted at once) and returns the working login. */
  async function grantAnHour(running: SandboxProcess): Promise<{ username: string; password: string }> {
    const rest = restClient(running.url);
    const form = await discoverForm(rest.as('ana@example.com'));
    const raised = await rest.as('ana@example.com').post('/rest/servicedeskapi/request', {
      serviceDeskId: form.serviceDeskId,
      requestTypeId: form.requestTypeId,
      requestFieldValues: {
        summary: 'Read shop-dev',
        [form.fields.target.fieldId]: { value: 'shop-dev' },
        [form.fields.accessLevel.fieldId]: { value: 'read-only' },
        [form.fields.duration.fieldId]: 'PT1H',
        [form.fields.justification.fieldId]: 'INC-13',
      },
    });
    const key = z.looseObject({ issueKey: z.string() }).parse(raised.body).issueKey;
    const until = Date.now() + 30_000;
    for (;;) {
      const access = ticket.parse((await rest.as('lead@example.com').get(`/rest/api/3/issue/${key}?properties=jit-access`)).body).properties['jit-access'];
      if (access?.state === 'active' || Date.now() > until) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const reveal = await fetch(`${running.url}/sandbox/api/resolver`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from('ana@example.com:t').toString('base64')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ functionKey: 'revealCredential', issueKey: key, payload: {} }),
    });
    return revealed.parse(await reveal.json()).result.data;
  }

  async function connects(username: string, password: string, url = pgUrl): Promise<Client> {
    const address = new URL(url);
    address.username = username;
    address.password = password;
    const client = new Client({ connectionString: address.toString() });
    client.on('error', () => undefined);
    await client.connect();
    return client;
  }

  const role = async (name: string) => (await superuser.query('SELECT rolcanlogin FROM pg_roles WHERE rolname = $1', [name])).rows[0];

  it('a graceful stop ends the logins it granted, and they never reached another database', async () => {
    sandbox = await start();
    const { username, password } = await grantAnHour(sandbox);
    const other = await connects(username, password, elsewhere.url);
    const reach = await other.query('SELECT salary FROM payroll').then(
      () => 'read',
      (error: { code?: string }) => error.code,
    );
    await other.end();
    expect(reach).toBe('42501');

    await sandbox.kill('SIGTERM');
    sandbox = undefined;
    expect(await role(username)).toBeUndefined();
  });

  it('after a crash, the next start on the same server ends the logins the crashed run left', async () => {
    sandbox = await start();
    const { username, password } = await grantAnHour(sandbox);
    await sandbox.kill('SIGKILL');
    sandbox = undefined;
    // Still working: nothing ran to end it.
    await (await connects(username, password)).end();

    sandbox = await start();
    expect(await role(username)).toBeUndefined();
    await sandbox.kill('SIGTERM');
    sandbox = undefined;
  });
});
