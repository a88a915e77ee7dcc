import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describeWith } from '../../support/servers';
import { waitFor } from '../support/harness';
import { mysqlGatewayConnector } from './mysql-support';

const run = promisify(execFile);

/** A raw client: what it sends is bytes the test chooses; what it receives is kept in order. */
class RawClient {
  private received = Buffer.alloc(0);
  private closed = false;
  private readonly socket: Socket;
  readonly ready: Promise<void>;

  constructor(port: number) {
    this.socket = connect(port, '127.0.0.1');
    this.socket.on('data', (chunk) => {
      this.received = Buffer.concat([this.received, chunk]);
    });
    this.socket.on('close', () => {
      this.closed = true;
    });
    this.socket.on('error', () => undefined);
    this.ready = new Promise((resolve) => this.socket.once('connect', () => resolve()));
  }

  write(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** The next whole packet's payload, or undefined when the gateway closed the connection first. */
  async packet(): Promise<Buffer | undefined> {
    return waitFor(async () => {
      if (this.received.length >= 4 && this.received.length >= 4 + this.received.readUIntLE(0, 3)) {
        const length = this.received.readUIntLE(0, 3);
        const payload = this.received.subarray(4, 4 + length);
        this.received = this.received.subarray(4 + length);
        return { payload };
      }
      return this.closed ? { payload: undefined } : undefined;
    }).then(({ payload }) => payload);
  }

  async whenClosed(): Promise<true> {
    return waitFor(async () => (this.closed ? true : undefined));
  }

  destroy(): void {
    this.socket.destroy();
  }
}

function frame(sequence: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(4);
  header.writeUIntLE(payload.length, 0, 3);
  header[3] = sequence;
  return Buffer.concat([header, payload]);
}

const sha1 = (...parts: Buffer[]) => parts.reduce((hash, part) => hash.update(part), createHash('sha1')).digest();

/** HandshakeResponse41 with mysql_native_password (or another plugin name), answering `greeting`'s scramble. */
function handshakeResponse(greeting: Buffer, user: string, password: string, plugin = 'mysql_native_password'): Buffer {
  const versionEnd = greeting.indexOf(0, 1);
  const salt = Buffer.concat([greeting.subarray(versionEnd + 5, versionEnd + 13), greeting.subarray(versionEnd + 32, versionEnd + 44)]);
  const stage1 = sha1(Buffer.from(password));
  const mask = sha1(salt, sha1(stage1));
  const token = Buffer.from(stage1.map((byte, index) => byte ^ (mask[index] ?? 0)));
  const head = Buffer.alloc(32);
  head.writeUInt32LE(0x200 | 0x8000 | 0x80000 | 0x200000, 0);
  head.writeUInt32LE(1 << 24, 4);
  head[8] = 45;
  return frame(1, Buffer.concat([head, Buffer.from(`${user}\0`), Buffer.from([token.length]), token, Buffer.from(`${plugin}\0`)]));
}

const errnoOf = (payload: Buffer | undefined) => (payload?.[0] === 0xff ? payload.readUInt16LE(1) : undefined);

describeWith('mysql', 'hostile input at the MySQL-wire gateway', (adminUrl) => {
  let env: Awaited<ReturnType<typeof mysqlGatewayConnector>>;

  beforeAll(async () => {
    env = await mysqlGatewayConnector(adminUrl);
  });

  afterAll(async () => {
    await env?.stop();
  });

  /** A raw client logged in as the grant, its greeting and OK read. */
  const loggedIn = async (user: string, password: string) => {
    const client = new RawClient(env.port);
    const greeting = await client.packet();
    client.write(handshakeResponse(greeting ?? Buffer.alloc(0), user, password));
    expect((await client.packet())?.[0]).toBe(0x00);
    return client;
  };

  it('ends a connection whose first packet announces more than a handshake, before buffering it', async () => {
    const client = new RawClient(env.port);
    await client.packet();
    client.write(Buffer.from([0xff, 0xff, 0xff, 0x01, 0x00]));
    expect(errnoOf(await client.packet())).toBe(1043);
    expect(await client.whenClosed()).toBe(true);
  });

  it('refuses a malformed handshake response, a request for TLS it did not offer, and a response out of sequence', async () => {
    for (const bad of [frame(1, Buffer.from('garbage')), frame(1, Buffer.concat([Buffer.from([0x00, 0x0a, 0, 0]), Buffer.alloc(28)])), frame(1, Buffer.concat([Buffer.from([0x00, 0x0a, 0, 0]), Buffer.alloc(28), Buffer.from('user')]))]) {
      const client = new RawClient(env.port);
      await client.packet();
      client.write(bad);
      expect(errnoOf(await client.packet())).toBe(1043);
      expect(await client.whenClosed()).toBe(true);
    }
    const grant = await env.grant('MH-1.1');
    const client = new RawClient(env.port);
    const greeting = await client.packet();
    const response = handshakeResponse(greeting ?? Buffer.alloc(0), grant.username, grant.password);
    response[3] = 5;
    client.write(response);
    expect(errnoOf(await client.packet())).toBe(1043);
    expect(await env.databaseSessions(grant.username)).toBe(0);
  });

  it('switches a client that starts with another plugin to mysql_native_password, and still refuses a wrong password', async () => {
    const grant = await env.grant('MH-2.1');
    const client = new RawClient(env.port);
    const greeting = (await client.packet()) ?? Buffer.alloc(0);
    client.write(handshakeResponse(greeting, grant.username, 'wrong', 'caching_sha2_password'));
    const switchRequest = await client.packet();
    expect(switchRequest?.[0]).toBe(0xfe);
    expect(switchRequest?.subarray(1, 22).toString()).toBe('mysql_native_password');
    const salt = switchRequest?.subarray(23, 43) ?? Buffer.alloc(0);
    const stage1 = sha1(Buffer.from('wrong'));
    const mask = sha1(salt, sha1(stage1));
    client.write(frame(3, Buffer.from(stage1.map((byte, index) => byte ^ (mask[index] ?? 0)))));
    expect(errnoOf(await client.packet())).toBe(1045);
    expect(await client.whenClosed()).toBe(true);
  });

  it('refuses commands it does not relay (change user, field list, replication, cursors) and runs nothing for them', async () => {
    const grant = await env.grant('MH-3.1');
    const client = await loggedIn(grant.username, grant.password);
    for (const command of [Buffer.concat([Buffer.from([0x11]), Buffer.from('root\0')]), Buffer.from([0x04, 0x6f, 0x72, 0]), Buffer.from([0x12, 4, 0, 0, 0, 0, 0, 1, 0, 0, 0])]) {
      client.write(frame(0, command));
      expect(errnoOf(await client.packet())).toBe(1047);
    }
    // An execution of a statement never prepared, then one with a cursor.
    client.write(frame(0, Buffer.from([0x17, 9, 0, 0, 0, 0, 1, 0, 0, 0])));
    expect(errnoOf(await client.packet())).toBe(1243);
    client.write(frame(0, Buffer.concat([Buffer.from([0x16]), Buffer.from('SELECT 7')])));
    const prepared = await client.packet();
    expect(prepared?.[0]).toBe(0);
    for (let packet = 0; packet < 2; packet += 1) await client.packet();
    client.write(frame(0, Buffer.from([0x17, ...(prepared ?? Buffer.alloc(5)).subarray(1, 5), 1, 1, 0, 0, 0])));
    expect(errnoOf(await client.packet())).toBe(1047);
    client.write(frame(0, Buffer.concat([Buffer.from([0x03]), Buffer.from('SELECT 7')])));
    expect((await client.packet())?.[0]).toBe(1);
    client.destroy();
    const { body } = await env.activity('MH-3.1');
    expect(body.statements.map((statement) => statement.sql)).toEqual(['SELECT ?']);
  });

  it('answers pipelined commands in order, one at a time', async () => {
    const grant = await env.grant('MH-5.1');
    const client = await loggedIn(grant.username, grant.password);
    const queries = ['SELECT 1', 'SELECT * FROM secrets', 'SELECT id FROM orders WHERE id = 2'];
    client.write(Buffer.concat(queries.map((sql) => frame(0, Buffer.concat([Buffer.from([0x03]), Buffer.from(sql)])))));
    // A result set is its column count (1), the column's definition ("def" first), EOF, one row (a one-character
    // value) and EOF; an error is one packet.
    const answers: number[] = [];
    for (let packets = 0; packets < 5 + 1 + 5; packets += 1) answers.push((await client.packet())?.[0] ?? -1);
    expect(answers).toEqual([1, 3, 0xfe, 1, 0xfe, 0xff, 1, 3, 0xfe, 1, 0xfe]);
    client.destroy();
    const { body } = await env.activity('MH-5.1');
    expect(body.statements.map(({ sql, error }) => ({ sql, error }))).toEqual([
      { sql: 'SELECT ?', error: null },
      { sql: 'SELECT * FROM `secrets`', error: '42000' },
      { sql: 'SELECT `id` FROM `orders` WHERE `id` = ?', error: null },
    ]);
  });

  it('ends a session that sends a malformed execution or long data for a prepared statement', async () => {
    const grant = await env.grant('MH-6.1');
    for (const command of [Buffer.from([0x17, 1, 0]), Buffer.from([0x18, 1, 0, 0, 0, 0, 0, 0x61])]) {
      const client = await loggedIn(grant.username, grant.password);
      client.write(frame(0, Buffer.concat([Buffer.from([0x16]), Buffer.from('SELECT ?')])));
      for (let packet = 0; packet < 3; packet += 1) await client.packet();
      client.write(frame(0, command));
      expect(await client.whenClosed()).toBe(true);
    }
    expect((await env.activity('MH-6.1')).body.statements).toEqual([]);
  });

  it('ends a session that announces a command over 16 MiB or sends one out of sequence, and records nothing of it', async () => {
    const grant = await env.grant('MH-4.1');
    const oversized = await loggedIn(grant.username, grant.password);
    oversized.write(Buffer.from([0xff, 0xff, 0xff, 0x00, 0x03]));
    expect(await oversized.whenClosed()).toBe(true);
    const outOfSequence = await loggedIn(grant.username, grant.password);
    outOfSequence.write(frame(7, Buffer.concat([Buffer.from([0x03]), Buffer.from('SELECT 1')])));
    expect(await outOfSequence.whenClosed()).toBe(true);
    await waitFor(async () => ((await env.databaseSessions(grant.username)) === 0 && env.mysqlGateway.sessionCount('MH-4.1') === 0 ? true : undefined));
    expect((await env.activity('MH-4.1')).body.statements).toEqual([]);
  });
});

describeWith('mysql', 'the MySQL-wire gateway with TLS', (adminUrl) => {
  let env: Awaited<ReturnType<typeof mysqlGatewayConnector>>;

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jit-gateway-tls-'));
    const tls = { cert: join(dir, 'gateway.crt'), key: join(dir, 'gateway.key') };
    await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', tls.key, '-out', tls.cert, '-subj', '/CN=localhost', '-days', '1']);
    env = await mysqlGatewayConnector(adminUrl, { tls });
  });

  afterAll(async () => {
    await env?.stop();
  });

  it('serves mysql2 and the mariadb client over TLS, and refuses a client that does not ask for TLS', async () => {
    const grant = await env.grant('MT-1.1');
    const session = await env.connect(grant.username, grant.password, { ssl: { rejectUnauthorized: false } });
    const [rows] = await session.query('SELECT id FROM orders WHERE id = 2');
    expect(rows).toEqual([{ id: 2 }]);
    await session.end();
    const { stdout } = await run('mariadb', ['--protocol=TCP', '-h', '127.0.0.1', '-P', String(env.port), '-u', grant.username, '--ssl', env.database, '--batch', '--skip-column-names', '-e', "SHOW STATUS LIKE 'Ssl_cipher'; SELECT 5"], {
      env: { ...process.env, MYSQL_PWD: grant.password },
    });
    // The database session itself is the gateway's own; the client's TLS ends at the gateway.
    expect(stdout.split('\n')).toEqual([expect.stringMatching(/^Ssl_cipher\t/), '5', '']);
    await expect(env.connect(grant.username, grant.password)).rejects.toMatchObject({ errno: 1045, message: 'the SQL gateway requires TLS' });
    // node-sql-parser's grammar does not know SHOW STATUS: recorded without text, since its literals cannot be told apart.
    expect((await env.activity('MT-1.1')).body.statements.map(({ kind, sql }) => ({ kind, sql }))).toEqual([
      { kind: 'read', sql: 'SELECT `id` FROM `orders` WHERE `id` = ?' },
      { kind: 'other', sql: null },
      { kind: 'read', sql: 'SELECT ?' },
    ]);
  });

  it('refuses a downgrade: a plaintext handshake after the TLS request never reaches authentication', async () => {
    const grant = await env.grant('MT-2.1');
    const client = new RawClient(env.port);
    const greeting = (await client.packet()) ?? Buffer.alloc(0);
    const sslRequest = Buffer.alloc(32);
    sslRequest.writeUInt32LE(0x200 | 0x800 | 0x8000 | 0x80000, 0);
    sslRequest[8] = 45;
    client.write(frame(1, sslRequest));
    const plaintext = handshakeResponse(greeting, grant.username, grant.password);
    plaintext[3] = 2;
    client.write(plaintext);
    expect(await client.packet()).toBeUndefined();
    expect(await env.databaseSessions(grant.username)).toBe(0);
    expect(env.mysqlGateway.sessionCount('MT-2.1')).toBe(0);
  });
});
