import { randomInt } from 'node:crypto';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { Ledger } from '../ledger/ledger';
import type { Logger } from '../log';
import type { Targets } from '../targets';
import type { ActivityLog } from './activity/activity-log';
import type { GatewayCredentials, GatewayLogin } from './gateway-credentials';
import { authSwitch, CLIENT, greeting, NATIVE_PASSWORD, readHandshakeResponse, scramble, verifyNative, type HandshakeResponse } from './mysql/handshake';
import { openMysqlBackend } from './mysql/mysql-backend';
import { MysqlSession } from './mysql/mysql-session';
import { errPacket, okPacket, PacketFramer, ProtocolViolation, type Packet } from './mysql/packets';
import { activityRecorder } from './statement-pipeline';

export interface MysqlGatewayOptions {
  listen: { host: string; port: number };
  ledger: Ledger;
  credentials: GatewayCredentials;
  activity: ActivityLog;
  log: Logger;
}

/** Before authentication a client sends a handshake response and perhaps an auth-switch answer: nothing larger. */
const MAX_PREAUTH_PACKET = 4096;
const AUTH_TIMEOUT_MS = 30_000;
const SERVER_VERSION = '8.0.35-jit-gateway';
const ACCESS_DENIED = { errno: 1045, sqlState: '28000' };
const DB_ACCESS_DENIED = { errno: 1044, sqlState: '42000' };
const HANDSHAKE_ERROR = { errno: 1043, sqlState: '08S01' };

interface Serving {
  targets: Targets;
  now: () => Date;
}

/**
 * The MySQL-wire gateway for MySQL/MariaDB targets with `access: gateway`. It runs the handshake itself
 * (mysql_native_password against the grant's gateway credential, an auth switch for clients that start with another
 * plugin), then opens its own session to the database as the grant's login and serves the client's commands through
 * the statement pipeline (MysqlSession).
 */
export class MysqlGateway {
  private readonly server: Server;
  private readonly live = new Set<MysqlSession>();
  private serving: Serving | undefined;

  constructor(private readonly options: MysqlGatewayOptions) {
    this.server = createServer((socket) => this.accept(socket));
  }

  async listen(): Promise<{ host: string; port: number }> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.listen.port, this.options.listen.host, resolve);
    });
    const address = this.server.address() as AddressInfo;
    this.options.log.info({ event: 'gateway.listening', protocol: 'mysql', host: address.address, port: address.port, tls: false });
    return { host: address.address, port: address.port };
  }

  serve(targets: Targets, now: () => Date): void {
    this.serving = { targets, now };
  }

  /** Closes every session of the grant (its access ended) and resolves once they are gone. */
  async endSessions(grantId: string): Promise<number> {
    const sessions = [...this.live].filter((session) => session.grantId === grantId);
    await Promise.all(sessions.map((session) => session.end(KILLED_ERRNO, 'access ended: the grant was revoked or expired')));
    return sessions.length;
  }

  sessionCount(grantId: string): number {
    return [...this.live].filter((session) => session.grantId === grantId).length;
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    await Promise.all([...this.live].map((session) => session.end(SHUTDOWN_ERRNO, 'the connector is shutting down')));
    await closed;
  }

  private accept(socket: Socket): void {
    const serving = this.serving;
    if (!serving) {
      socket.destroy();
      return;
    }
    socket.setNoDelay(true);
    socket.on('error', () => undefined);
    socket.setTimeout(AUTH_TIMEOUT_MS, () => socket.destroy());
    const framer = new PacketFramer(MAX_PREAUTH_PACKET);
    const salt = scramble();
    const connectionId = randomInt(1, 2 ** 31 - 1);
    let step: 'response' | 'switch' | 'opening' = 'response';
    let response: HandshakeResponse | undefined;
    const refuse = (sequence: number, error: { errno: number; sqlState: string }, message: string) => {
      socket.removeListener('data', onData);
      socket.end(errPacket(sequence, { ...error, message }));
    };
    const authenticate = (sequence: number, token: Buffer, early: Packet[]) => {
      if (!response) return;
      const login = this.options.credentials.find(response.user);
      // An unknown user is checked against a verifier nothing matches, so it fails the way a wrong password does.
      const verified = verifyNative(salt, token, login?.nativeVerifier ?? UNMATCHABLE);
      if (!login || !verified) return refuse(sequence + 1, ACCESS_DENIED, `Access denied for user '${response.user}' to the SQL gateway`);
      step = 'opening';
      socket.removeListener('data', onData);
      socket.pause();
      void this.start(serving, socket, { framer, early }, login, response, sequence + 1);
    };
    const onPacket = (received: Packet, early: Packet[]) => {
      if (step === 'response') {
        response = readHandshakeResponse(received.payload);
        if (received.sequence !== 1) throw new ProtocolViolation('a handshake response out of sequence');
        if (response.sslRequest) throw new ProtocolViolation('this gateway does not offer TLS');
        if (response.plugin !== undefined && response.plugin !== NATIVE_PASSWORD) {
          step = 'switch';
          socket.write(authSwitch(received.sequence + 1, salt));
          return;
        }
        return authenticate(received.sequence, response.authResponse, early);
      }
      if (step === 'switch') {
        if (received.sequence !== 3) throw new ProtocolViolation('an auth-switch answer out of sequence');
        return authenticate(received.sequence, received.payload, early);
      }
      throw new ProtocolViolation('a command before the session was open');
    };
    const onData = (chunk: Buffer) => {
      try {
        const packets = framer.push(chunk);
        for (const [index, received] of packets.entries()) {
          // What a client sent right behind its credentials waits for the session it belongs to.
          onPacket(received, packets.slice(index + 1));
          if (step === 'opening') break;
        }
      } catch (error) {
        if (!(error instanceof ProtocolViolation)) throw error;
        refuse(response ? 2 : 1, HANDSHAKE_ERROR, `Bad handshake: ${error.message}`);
      }
    };
    socket.on('data', onData);
    socket.write(greeting({ connectionId, scramble: salt, tls: false, serverVersion: SERVER_VERSION }));
  }

  /** Opens the database session for an authenticated client and starts serving its commands. */
  private async start(serving: Serving, socket: Socket, received: { framer: PacketFramer; early: Packet[] }, login: GatewayLogin, response: HandshakeResponse, sequence: number): Promise<void> {
    const target = serving.targets.get(login.target);
    const record = await this.options.ledger.get(login.grantId);
    if (!target || target.config.engine !== 'mysql' || !record?.username || !(await this.isLive(login.grantId, serving.now))) {
      socket.end(errPacket(sequence, { ...ACCESS_DENIED, message: `Access denied for user '${response.user}' to the SQL gateway` }));
      return;
    }
    if (response.database !== undefined && response.database !== target.connect.database) {
      socket.end(errPacket(sequence, { ...DB_ACCESS_DENIED, message: `this grant is for database '${target.connect.database}'` }));
      return;
    }
    const targetDatabase = decodeURIComponent(new URL(target.config.url).pathname.slice(1));
    let backend;
    try {
      backend = await openMysqlBackend(
        target.config.url,
        { username: record.username, password: login.databasePassword, database: targetDatabase },
        { multipleStatements: (response.capabilities & CLIENT.MULTI_STATEMENTS) !== 0, foundRows: (response.capabilities & CLIENT.FOUND_ROWS) !== 0 },
      );
    } catch (error) {
      this.options.log.warn({ event: 'gateway.backend_failed', grantId: login.grantId, target: login.target, error: (error as Error).message });
      socket.end(errPacket(sequence, { ...HANDSHAKE_ERROR, message: 'the gateway could not open a session on the database' }));
      return;
    }
    socket.setTimeout(0);
    const session = new MysqlSession({
      id: `m${randomInt(1, 2 ** 31 - 1).toString(36)}`,
      grantId: login.grantId,
      client: socket,
      framer: Object.assign(received.framer, { limit: MAX_COMMAND_PACKET }),
      early: received.early,
      backend,
      mode: target.config.record ?? 'normalized',
      record: activityRecorder(this.options.activity, this.options.log, login.grantId),
      log: this.options.log,
      now: serving.now,
    });
    this.live.add(session);
    void session.whenClosed().then(() => {
      this.live.delete(session);
      this.options.log.info({ event: 'gateway.session_closed', grantId: login.grantId, target: login.target, session: session.id });
    });
    socket.write(okPacket(sequence));
    this.options.log.info({ event: 'gateway.session_opened', grantId: login.grantId, target: login.target, session: session.id, protocol: 'mysql' });
    // A revoke that landed while the session was opening must not leave it behind.
    if (!(await this.isLive(login.grantId, serving.now))) await session.end(KILLED_ERRNO, 'access ended: the grant was revoked or expired');
  }

  private async isLive(grantId: string, now: () => Date): Promise<boolean> {
    const record = await this.options.ledger.get(grantId);
    return record?.state === 'active' && record.notAfter !== null && Date.parse(record.notAfter) > now().getTime();
  }
}

const UNMATCHABLE = Buffer.alloc(20);
/** ER_CONNECTION_KILLED, ER_SERVER_SHUTDOWN. */
const KILLED_ERRNO = 1927;
const SHUTDOWN_ERRNO = 1053;
/** The largest command the gateway relays (MySQL's own max_allowed_packet default is 64 MiB; one packet holds 16). */
const MAX_COMMAND_PACKET = 16 * 1024 * 1024 - 2;
