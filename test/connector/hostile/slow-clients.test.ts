import { connect, type Socket } from 'node:net';
import { HTTP_LIMITS } from '../../../src/connector/http/server';
import { describeWith, uniqueSuffix } from '../../support/servers';
import { inSeconds, postgresFixture, startTestConnector, waitFor, type TestConnector } from '../support/harness';

/**
 * Finding 5 (the HTTP side), from the attacker's side on a real socket: unsigned clients that send headers and
 * then dribble (or never send) the body, or never finish their headers, or just open connections. None of them
 * may hold the connector: each is answered or cut off without waiting for what it withholds, and a signed request
 * and an expiry go through while they hang on. Bounded (FLOOD connections, loopback only).
 */

const FLOOD = 100;
const HALF_BODY = 'x'.repeat(30_000);

interface Attacker {
  socket: Socket;
  /** Everything the server sent on this connection. */
  received: () => string;
  /** Resolves when the server (or the network) closes the connection. */
  closed: Promise<void>;
  isClosed: () => boolean;
}

async function open(url: string): Promise<Attacker> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  let received = '';
  socket.on('data', (chunk) => (received += chunk.toString('latin1')));
  socket.on('error', () => undefined); // the server hanging up mid-write is what is expected
  let isClosed = false;
  const closed = new Promise<void>((resolve) =>
    socket.once('close', () => {
      isClosed = true;
      resolve();
    }),
  );
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  return { socket, received: () => received, closed, isClosed: () => isClosed };
}

describeWith('postgres', 'slow and unsigned clients do not hold the connector (PostgreSQL target)', (adminUrl) => {
  let fixture: Awaited<ReturnType<typeof postgresFixture>>;
  let connector: TestConnector;
  const attackers: Attacker[] = [];

  const roleExists = async (username: string) => (await fixture.admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [username])).rowCount === 1;

  beforeAll(async () => {
    fixture = await postgresFixture(adminUrl);
    connector = await startTestConnector({ targets: [fixture.target] });
  });

  afterEach(() => {
    for (const attacker of attackers.splice(0)) attacker.socket.destroy();
  });

  afterAll(async () => {
    await connector?.stop();
    await fixture?.cleanup();
  });

  it('answers a flood of unsigned half-sent bodies from their headers alone, while a signed grant is made and expires', async () => {
    for (let index = 0; index < FLOOD; index += 1) {
      const attacker = await open(connector.url);
      attacker.socket.write(`POST /v1/grants HTTP/1.1\r\nHost: connector\r\nContent-Type: application/json\r\nContent-Length: ${HALF_BODY.length * 2}\r\n\r\n${HALF_BODY}`);
      attackers.push(attacker);
    }
    // Every one is refused (401) although none ever finishes its body, and the connection is not kept.
    await waitFor(async () => (attackers.every((attacker) => /^HTTP\/1\.1 401 /.test(attacker.received())) ? true : undefined), 20_000);
    expect(attackers.every((attacker) => /\r\nconnection: close\r\n/i.test(attacker.received()))).toBe(true);

    const created = await connector.client.createGrant({ grantId: `SL-${uniqueSuffix()}`, target: fixture.target.id, role: 'read', principal: { accountId: 'acc-slow' }, notAfter: inSeconds(2) });
    expect(await roleExists(created.username)).toBe(true);
    await waitFor(async () => ((await roleExists(created.username)) ? undefined : true), 20_000);
  });

  it('cuts off a client that never finishes its headers', async () => {
    const attacker = await open(connector.url);
    attacker.socket.write('POST /v1/grants HTTP/1.1\r\nHost: connector\r\nX-Jit-Timest');
    attackers.push(attacker);
    await attacker.closed;
    expect(attacker.received()).not.toMatch(/^HTTP\/1\.1 2/);
  });

  it('closes connections past its cap at once, and serves signed requests again when they are gone', async () => {
    for (let index = 0; index < HTTP_LIMITS.maxConnections + 20; index += 1) attackers.push(await open(connector.url));
    // Idle connections: the cap, not a timeout, is what closes the ones past it (they are cut off at once).
    const refused = await waitFor(async () => {
      const count = attackers.filter((attacker) => attacker.isClosed()).length;
      return count >= 20 ? count : undefined;
    }, HTTP_LIMITS.headersTimeoutMs / 2);
    expect(refused).toBeGreaterThanOrEqual(20);
    for (const attacker of attackers.splice(0)) attacker.socket.destroy();
    await waitFor(async () => ((await connector.client.targets().catch(() => undefined)) ? true : undefined));
  });
});
