import mysql from 'mysql2/promise';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newCredentialKeyPair, openCredential, signRequest, type CredentialKeyPair } from '../../../src/protocol';
import { createScratchDatabase, type ScratchDatabase } from '../../support/scratch-database';
import { describeWith, uniqueSuffix } from '../../support/servers';
import { inSeconds, postgresFixture, SECRET, startTestConnector, type TestConnector } from '../support/harness';

/**
 * Finding 3, from the attacker's side: a captured `POST /v1/grants` (both values of a secret rotation in its
 * signature) is sent again after a restart, to a second replica, and with one of its two values removed. None of
 * that may yield a working password or lock the real requester out; the request the requester made stays the
 * only one that counts.
 */

const OLD_SECRET = 'rotation-old-secret-0123456789abcdef';
const SECRETS = [SECRET, OLD_SECRET];
const principal = { accountId: 'acc-victim', email: 'victim@example.com', dbUser: null };

interface Captured {
  path: string;
  body: string;
  headers: Record<string, string>;
}

interface Answer {
  status: number;
  body: { username?: string; credential?: string; error?: { code: string } };
}

/** What the requester's side sends for one grant, as it went over the wire (and was captured). */
function capture(body: object, timestamp = Math.floor(Date.now() / 1000)): Captured {
  const text = JSON.stringify(body);
  return { path: '/v1/grants', body: text, headers: signRequest(SECRETS, { timestamp, method: 'POST', pathWithQuery: '/v1/grants', body: text }) };
}

/** The same captured request with only one of its two signature values (the other rotation key's). */
function withOneSignature(captured: Captured, which: 0 | 1): Captured {
  const values = captured.headers['x-jit-signature']!.split(',');
  return { ...captured, headers: { ...captured.headers, 'x-jit-signature': values[which]! } };
}

async function send(url: string, request: Captured): Promise<Answer> {
  const response = await fetch(url + request.path, { method: 'POST', headers: { ...request.headers, 'content-type': 'application/json' }, body: request.body });
  return { status: response.status, body: (await response.json()) as Answer['body'] };
}

function grantBody(grantId: string, target: string, keys: CredentialKeyPair, notAfter = inSeconds(600)) {
  return { grantId, target, role: 'read', principal, mode: 'ephemeral', credentialKey: keys.publicKey, notAfter };
}

async function passwordOf(answer: Answer, keys: CredentialKeyPair): Promise<string> {
  expect(answer.body.credential).toEqual(expect.any(String));
  expect(JSON.stringify(answer.body)).not.toMatch(/password/);
  const opened = await openCredential(answer.body.credential ?? '', keys.privateKey);
  expect(opened.username).toBe(answer.body.username);
  return opened.password;
}

describeWith('postgres', 'a replayed grant request (PostgreSQL target)', (adminUrl) => {
  let fixture: Awaited<ReturnType<typeof postgresFixture>>;
  let ledgerDatabase: ScratchDatabase;
  const started: TestConnector[] = [];
  const dirs: string[] = [];
  let serial = 0;
  const nextGrantId = () => `RP-${uniqueSuffix()}.${++serial}`;

  const start = async (ledger?: string, dataDir?: string) => {
    const connector = await startTestConnector({ targets: [fixture.target], secrets: SECRETS, ...(ledger ? { ledger } : {}) }, dataDir);
    started.push(connector);
    dirs.push(connector.dataDir);
    return connector;
  };
  const loginWorks = async (username: string, password: string) => {
    const session = await fixture.login(username, password);
    try {
      return (await session.query(`SELECT count(*)::int AS n FROM ${fixture.schema}.orders`)).rows[0].n as number;
    } finally {
      await session.end();
    }
  };
  const roleExists = async (username: string) => (await fixture.admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [username])).rowCount === 1;

  beforeAll(async () => {
    fixture = await postgresFixture(adminUrl);
    ledgerDatabase = await createScratchDatabase(adminUrl, 'jit_replay_ledger');
  });

  afterAll(async () => {
    for (const connector of started) await connector.stop();
    await ledgerDatabase?.drop();
    await fixture?.cleanup();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('after a restart (file ledger): the exact replay and the one-signature replay are 401; the first password keeps working', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'jit-replay-'));
    const first = await start(undefined, dataDir);
    const keys = await newCredentialKeyPair();
    const captured = capture(grantBody(nextGrantId(), fixture.target.id, keys));
    const original = await send(first.url, captured);
    expect(original.status).toBe(201);
    const password = await passwordOf(original, keys);
    expect(await loginWorks(original.body.username ?? '', password)).toBe(2);

    await first.stop();
    const restarted = await start(undefined, dataDir);
    for (const replay of [captured, withOneSignature(captured, 0), withOneSignature(captured, 1)]) {
      expect(await send(restarted.url, replay)).toMatchObject({ status: 401, body: { error: { code: 'replayed_request' } } });
    }
    expect(await loginWorks(original.body.username ?? '', password)).toBe(2);
  });

  it('to a second replica sharing the PostgreSQL ledger: refused there too, with or without one rotation value', async () => {
    const [one, two] = [await start(ledgerDatabase.url), await start(ledgerDatabase.url)];
    const keys = await newCredentialKeyPair();
    const captured = capture(grantBody(nextGrantId(), fixture.target.id, keys));
    const original = await send(one!.url, captured);
    expect(original.status).toBe(201);
    const password = await passwordOf(original, keys);

    expect(await send(two!.url, captured)).toMatchObject({ status: 401, body: { error: { code: 'replayed_request' } } });
    expect(await send(two!.url, withOneSignature(captured, 1))).toMatchObject({ status: 401, body: { error: { code: 'replayed_request' } } });
    expect(await send(one!.url, withOneSignature(captured, 0))).toMatchObject({ status: 401, body: { error: { code: 'replayed_request' } } });
    expect(await loginWorks(original.body.username ?? '', password)).toBe(2);
  });

  it('a legitimate retry (same body, new timestamp) answers 200 with the same login and the same sealed credential, and rotates nothing', async () => {
    const connector = await start(ledgerDatabase.url);
    const keys = await newCredentialKeyPair();
    const body = grantBody(nextGrantId(), fixture.target.id, keys);
    const now = Math.floor(Date.now() / 1000);
    const original = await send(connector.url, capture(body, now));
    expect(original.status).toBe(201);
    const password = await passwordOf(original, keys);

    const retried = await send(connector.url, capture(body, now + 1));
    expect(retried.status).toBe(200);
    expect(retried.body.username).toBe(original.body.username);
    expect(retried.body.credential).toBe(original.body.credential);
    expect(await loginWorks(original.body.username ?? '', password)).toBe(2);
  });

  it('the grantId asked for again with another credentialKey (a different body) gets 409 and no credential', async () => {
    const connector = await start(ledgerDatabase.url);
    const keys = await newCredentialKeyPair();
    const body = grantBody(nextGrantId(), fixture.target.id, keys);
    const original = await send(connector.url, capture(body));
    const password = await passwordOf(original, keys);

    const attacker = await newCredentialKeyPair();
    const stolen = await send(connector.url, capture({ ...body, credentialKey: attacker.publicKey }));
    expect(stolen).toMatchObject({ status: 409, body: { error: { code: 'grant_conflict' } } });
    expect(stolen.body.credential).toBeUndefined();
    expect(await loginWorks(original.body.username ?? '', password)).toBe(2);
  });

  it('a grantId already revoked answers 409 and creates nothing, even for the very body that first created it', async () => {
    const connector = await start(ledgerDatabase.url);
    const keys = await newCredentialKeyPair();
    const body = grantBody(nextGrantId(), fixture.target.id, keys);
    const now = Math.floor(Date.now() / 1000);
    const original = await send(connector.url, capture(body, now));
    expect(original.status).toBe(201);
    await connector.client.revokeGrant(body.grantId);
    expect(await roleExists(original.body.username ?? '')).toBe(false);

    expect(await send(connector.url, capture(body, now + 1))).toMatchObject({ status: 409, body: { error: { code: 'grant_revoked' } } });
    expect(await roleExists(original.body.username ?? '')).toBe(false);

    const neverGranted = grantBody(nextGrantId(), fixture.target.id, keys);
    await connector.client.revokeGrant(neverGranted.grantId);
    const managedBefore = await fixture.managedCount();
    expect(await send(connector.url, capture(neverGranted))).toMatchObject({ status: 409, body: { error: { code: 'grant_revoked' } } });
    expect(await fixture.managedCount()).toBe(managedBefore);
  });

  it('an ephemeral request without a credentialKey is refused: no password ever travels in the clear', async () => {
    const connector = await start(ledgerDatabase.url);
    const keys = await newCredentialKeyPair();
    const { credentialKey: _omitted, ...body } = grantBody(nextGrantId(), fixture.target.id, keys);
    expect(await send(connector.url, capture(body))).toMatchObject({ status: 400, body: { error: { code: 'bad_request' } } });
  });

  it('a credentialKey nothing can be sealed to (a low-order point) is 400 and creates no login', async () => {
    const connector = await start(ledgerDatabase.url);
    const keys = await newCredentialKeyPair();
    const body = { ...grantBody(nextGrantId(), fixture.target.id, keys), credentialKey: { kty: 'OKP', crv: 'X25519', x: 'A'.repeat(43) } };
    const managedBefore = await fixture.managedCount();
    expect(await send(connector.url, capture(body))).toMatchObject({ status: 400, body: { error: { code: 'bad_request' } } });
    expect(await fixture.managedCount()).toBe(managedBefore);
  });
});

describeWith('mysql', 'a replayed grant request (MariaDB target)', (adminUrl) => {
  const sfx = uniqueSuffix();
  const database = `jit_replay_${sfx}`;
  const marker = `jit_m_${sfx}`;
  const server = new URL(adminUrl);
  const targetUrl = new URL(adminUrl);
  targetUrl.pathname = `/${database}`;
  const target = {
    id: `my-${sfx}`,
    engine: 'mysql' as const,
    url: targetUrl.toString(),
    environment: 'prod',
    marker,
    roles: { read: { memberOf: [], privileges: [`SELECT ON ${database}.orders`] } },
  };
  let admin: mysql.Connection;
  const dataDir = mkdtempSync(join(tmpdir(), 'jit-replay-my-'));
  const started: TestConnector[] = [];

  const loginWorks = async (user: string, password: string) => {
    const session = await mysql.createConnection({ host: server.hostname, port: Number(server.port || 3306), user, password, database });
    try {
      const [rows] = await session.query('SELECT count(*) AS n FROM orders');
      return Number((rows as { n: number }[])[0]?.n);
    } finally {
      await session.end();
    }
  };

  beforeAll(async () => {
    admin = await mysql.createConnection({ uri: adminUrl });
    await admin.query('CREATE DATABASE ??', [database]);
    await admin.query('CREATE TABLE ??.orders (id INT PRIMARY KEY)', [database]);
    await admin.query('INSERT INTO ??.orders VALUES (1), (2)', [database]);
  });

  afterAll(async () => {
    for (const connector of started) await connector.stop();
    const [rows] = await admin.query('SELECT User AS user, Host AS host FROM mysql.global_priv WHERE JSON_EXTRACT(Priv, ?) IS NOT NULL', [`$."${marker}"`]);
    for (const { user, host } of rows as { user: string; host: string }[]) await admin.query('DROP USER ?@?', [user, host]);
    await admin.query('DROP DATABASE IF EXISTS ??', [database]);
    await admin.end();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('after a restart: replays are 401, a retry returns the same sealed credential, and the first password keeps working', async () => {
    const first = await startTestConnector({ targets: [target], secrets: SECRETS }, dataDir);
    started.push(first);
    const keys = await newCredentialKeyPair();
    const body = grantBody(`RPM-${sfx}.1`, target.id, keys);
    const now = Math.floor(Date.now() / 1000);
    const captured = capture(body, now);
    const original = await send(first.url, captured);
    expect(original.status).toBe(201);
    const password = await passwordOf(original, keys);
    expect(await loginWorks(original.body.username ?? '', password)).toBe(2);

    await first.stop();
    const restarted = await startTestConnector({ targets: [target], secrets: SECRETS }, dataDir);
    started.push(restarted);
    expect(await send(restarted.url, captured)).toMatchObject({ status: 401, body: { error: { code: 'replayed_request' } } });
    expect(await send(restarted.url, withOneSignature(captured, 1))).toMatchObject({ status: 401, body: { error: { code: 'replayed_request' } } });
    const retried = await send(restarted.url, capture(body, now + 1));
    expect(retried).toMatchObject({ status: 200, body: { username: original.body.username, credential: original.body.credential } });
    expect(await loginWorks(original.body.username ?? '', password)).toBe(2);
  });
});
