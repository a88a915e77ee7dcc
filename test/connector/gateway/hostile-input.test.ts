import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Client } from 'pg';
import { describeWith } from '../../support/servers';
import { waitFor } from '../support/harness';
import { gatewayConnector } from './support';

const run = promisify(execFile);

/** Sends raw bytes to the gateway and collects what it answers until it closes the connection. */
function exchange(port: number, ...packets: Buffer[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect(port, '127.0.0.1', () => {
      for (const packet of packets) socket.write(packet);
    });
    const received: Buffer[] = [];
    socket.on('data', (chunk) => received.push(chunk));
    socket.on('close', () => resolve(Buffer.concat(received)));
    socket.on('error', reject);
    socket.setTimeout(10_000, () => reject(new Error('the gateway kept the connection open')));
  });
}

/** The gateway's first answer to `packets`; the connection is dropped after it. */
function firstAnswer(port: number, ...packets: Buffer[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect(port, '127.0.0.1', () => {
      for (const packet of packets) socket.write(packet);
    });
    socket.once('data', (chunk) => {
      socket.destroy();
      resolve(chunk);
    });
    socket.on('error', reject);
  });
}

/** Sends `first`, and `then` once the gateway answered; resolves with everything it said until it closed. */
function conversation(port: number, first: Buffer, then: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(first));
    const received: Buffer[] = [];
    socket.on('data', (chunk) => {
      if (received.length === 0) socket.write(then);
      received.push(chunk);
    });
    socket.on('close', () => resolve(Buffer.concat(received)));
    socket.on('error', reject);
    socket.setTimeout(10_000, () => reject(new Error('the gateway kept the connection open')));
  });
}

function packet(type: string, body: Buffer, length = body.length + 4): Buffer {
  const header = Buffer.alloc(5);
  header.write(type, 0, 'latin1');
  header.writeInt32BE(length, 1);
  return Buffer.concat([header, body]);
}

function startup(user: string, database: string): Buffer {
  const body = Buffer.from(`\0\x03\0\0user\0${user}\0database\0${database}\0\0`, 'latin1');
  const length = Buffer.alloc(4);
  length.writeInt32BE(body.length + 4);
  return Buffer.concat([length, body]);
}

const SSL_REQUEST = Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]);

describeWith('postgres', 'hostile input at the SQL gateway', (adminUrl) => {
  let env: Awaited<ReturnType<typeof gatewayConnector>>;

  beforeAll(async () => {
    env = await gatewayConnector(adminUrl);
  });

  afterAll(async () => {
    await env?.stop();
  });

  /** Writes `bytes` on an authenticated session's own socket, as a hostile client would, and waits for the FATAL. */
  async function sendRaw(client: Client, bytes: Buffer): Promise<unknown> {
    const error = new Promise((resolve) => client.once('error', resolve));
    (Reflect.get(client.connection, 'stream') as Socket).write(bytes);
    return error;
  }

  it.each([
    ['a query with no terminator', packet('Q', Buffer.from('SELECT 1'))],
    ['a header announcing 2 GB', packet('Q', Buffer.from('SELECT 1\0'), 0x7ffffff0)],
    ['a length shorter than the header', packet('Q', Buffer.alloc(0), 2)],
    ['a function call (fastpath)', packet('F', Buffer.from([0, 0, 0, 1, 0, 0, 0, 0, 0, 0]))],
    ['a bind with more parameters than bytes', packet('B', Buffer.from([0, 0, 0, 0, 0, 5, 0, 0, 0, 9]))],
  ])('ends the session on %s, closes its database session, runs nothing and records nothing', async (_name, bytes) => {
    const grantId = `HI-${Math.random().toString(36).slice(2, 8)}`;
    const grant = await env.grant(grantId);
    const client = await env.connect(grant.username, grant.password);
    expect(await sendRaw(client, bytes)).toMatchObject({ code: '08P01' });
    await waitFor(async () => ((await env.databaseSessions(grant.username)) === 0 && env.gateway.postgres?.sessionCount(grantId) === 0 ? true : undefined));
    expect((await env.activity(grantId)).body.statements).toEqual([]);
    const again = await env.connect(grant.username, grant.password);
    expect((await again.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    await again.end();
    await env.connector.client.revokeGrant(grantId);
  });

  it('closes at once a startup packet announcing more than PostgreSQL allows, answering nothing', async () => {
    const huge = Buffer.alloc(8);
    huge.writeInt32BE(0x7fffffff, 0);
    huge.writeInt32BE(196608, 4);
    expect(await exchange(env.port, huge)).toEqual(Buffer.alloc(0));
  });

  it('refuses what is not the PostgreSQL protocol', async () => {
    expect(await exchange(env.port, Buffer.from('GET / HTTP/1.1\r\n\r\n'))).toEqual(Buffer.alloc(0));
    const unknownVersion = await exchange(env.port, Buffer.from([0, 0, 0, 8, 0x12, 0x34, 0x56, 0x78]));
    expect(unknownVersion.subarray(0, 1).toString()).toBe('E');
    expect(unknownVersion.toString('latin1')).toContain('08P01');
  });

  it('refuses a startup for an unknown user after the same SCRAM exchange a known user gets', async () => {
    const answer = await firstAnswer(env.port, startup('jit_nobody', env.database));
    // AuthenticationSASL (R, code 10) offering SCRAM-SHA-256: nothing tells the name is unknown.
    expect(answer.subarray(0, 1).toString()).toBe('R');
    expect(answer.readInt32BE(5)).toBe(10);
    expect(answer.toString('latin1')).toContain('SCRAM-SHA-256');
  });

  it('closes a connection that sends more before its startup was answered, and refuses anything but a password while authenticating', async () => {
    expect(await exchange(env.port, Buffer.concat([startup('jit_nobody', env.database), packet('Q', Buffer.from('SELECT 1\0'))]))).toEqual(Buffer.alloc(0));
    const answer = await conversation(env.port, startup('jit_nobody', env.database), packet('Q', Buffer.from('SELECT 1\0')));
    expect(answer.subarray(0, 1).toString()).toBe('R');
    expect(answer.toString('latin1')).toContain('08P01');
  });

  it('answers an SSL request with N when the gateway has no TLS', async () => {
    const socket = connect(env.port, '127.0.0.1');
    const first = await new Promise<Buffer>((resolve) => {
      socket.once('data', resolve);
      socket.write(SSL_REQUEST);
    });
    socket.destroy();
    expect(first.toString()).toBe('N');
  });

  it('ignores a cancel request with a wrong key', async () => {
    const grant = await env.grant('HI-cancel');
    const client = await env.connect(grant.username, grant.password);
    const sleeping = client.query('SELECT pg_sleep(0.5) AS slept');
    const cancel = Buffer.alloc(16);
    cancel.writeInt32BE(16, 0);
    cancel.writeInt32BE(80877102, 4);
    cancel.writeInt32BE(Reflect.get(client, 'processID') as number, 8);
    cancel.writeInt32BE(((Reflect.get(client, 'secretKey') as number) ^ 1) | 0, 12);
    expect(await exchange(env.port, cancel)).toEqual(Buffer.alloc(0));
    expect((await sleeping).rows).toEqual([{ slept: '' }]);
    await client.end();
    await env.connector.client.revokeGrant('HI-cancel');
  });
});

describeWith('postgres', 'the SQL gateway with TLS', (adminUrl) => {
  let env: Awaited<ReturnType<typeof gatewayConnector>>;

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jit-gateway-tls-'));
    const tls = { cert: join(dir, 'gateway.crt'), key: join(dir, 'gateway.key') };
    await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', tls.key, '-out', tls.cert, '-subj', '/CN=localhost', '-days', '1']);
    env = await gatewayConnector(adminUrl, { tls });
  });

  afterAll(async () => {
    await env?.stop();
  });

  it('serves a client over TLS and refuses one that does not ask for TLS', async () => {
    const grant = await env.grant('TLS-1.1');
    const client = await env.connect(grant.username, grant.password, { ssl: { rejectUnauthorized: false } });
    expect((await client.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    expect((Reflect.get(client.connection, 'stream') as { encrypted?: boolean }).encrypted).toBe(true);
    await client.end();
    await expect(env.connect(grant.username, grant.password, { ssl: false })).rejects.toMatchObject({ code: '08P01', message: 'SSL connection is required' });
    expect((await env.activity('TLS-1.1')).body.statements.map((statement) => statement.sql)).toEqual(['SELECT $1 AS one']);
    await env.connector.client.revokeGrant('TLS-1.1');
  });

  it('refuses a downgrade: plaintext after the server agreed to TLS never reaches authentication', async () => {
    expect(await exchange(env.port, Buffer.concat([SSL_REQUEST, startup('jit_nobody', env.database)]))).toEqual(Buffer.alloc(0));
    expect(await conversation(env.port, SSL_REQUEST, startup('jit_nobody', env.database))).toEqual(Buffer.from('S'));
  });
});
