import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Connection } from 'mysql2';
import type { Ledger } from '../ledger/ledger';
import type { Logger } from '../log';
import type { Targets } from '../targets';
import type { ActivityLog } from './activity/activity-log';
import { listenGateway } from './listen-gateway';
import type { GatewayCredentials } from './gateway-credentials';
import { ACCESS_DENIED, authenticateClient, type AuthenticatedClient } from './mysql/authenticate-client';
import { clearMisreadModes } from './mysql/clear-misread-modes';
import { CLIENT } from './mysql/handshake';
import { openMysqlBackend, takeSocket } from './mysql/mysql-backend';
import { MysqlSession, type MysqlSessionOptions } from './mysql/mysql-session';
import { errPacket, okPacket } from './mysql/packets';
import { mysqlGuardRefusal } from './guards/check-mysql-guards';
import type { Guard } from './guards/guard-schema';
import { mysqlMaskingRefusal } from './masking/check-mysql-masking';
import { mysqlColumnMasks } from './masking/mysql-column-masks';
import { loadMysqlMaskingCatalog, type MysqlMaskingCatalog } from './masking/mysql-masking-catalog';
import type { MysqlScreen } from './parse-mysql-statements';
import { activityRecorder } from './statement-pipeline';

export interface MysqlGatewayOptions {
  listen: { host: string; port: number };
  tls?: { cert: string; key: string } | undefined;
  ledger: Ledger;
  credentials: GatewayCredentials;
  activity: ActivityLog;
  log: Logger;
  /** Keys the `hash` mask: equal values hash alike within this process, and no one outside it can recompute them. */
  hashKey: Buffer;
}

const DB_ACCESS_DENIED = { errno: 1044, sqlState: '42000' };
const BACKEND_FAILED = { errno: 2013, sqlState: '08S01' };

interface Serving {
  targets: Targets;
  now: () => Date;
}

/**
 * The MySQL-wire gateway for MySQL/MariaDB targets with `access: gateway`. It runs the handshake itself
 * (authenticateClient), then opens its own session to the database as the grant's login and serves the client's commands through
 * the statement pipeline (MysqlSession): relaying the server's own answers, or, where the level masks, mysql2's reading of them.
 */
export class MysqlGateway {
  private readonly server: Server;
  private readonly live = new Set<MysqlSession>();
  private serving: Serving | undefined;
  private readonly tls: { cert: Buffer; key: Buffer } | undefined;

  constructor(private readonly options: MysqlGatewayOptions) {
    this.tls = options.tls && { cert: readFileSync(options.tls.cert), key: readFileSync(options.tls.key) };
    this.server = createServer((socket) => this.accept(socket));
  }

  listen(): Promise<{ host: string; port: number }> {
    return listenGateway(this.server, this.options.listen, { log: this.options.log, protocol: 'mysql', tls: Boolean(this.tls) });
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
    void authenticateClient(socket, { credentials: this.options.credentials, tls: this.tls }).then((client) => client && this.start(serving, client));
  }

  /** Opens the database session for an authenticated client and starts serving its commands. */
  private async start(serving: Serving, client: AuthenticatedClient): Promise<void> {
    const { transport, login, response, sequence } = client;
    const target = serving.targets.get(login.target);
    const record = await this.options.ledger.get(login.grantId);
    if (!target || target.config.engine !== 'mysql' || !record?.username || !(await this.isLive(login.grantId, serving.now))) {
      transport.end(errPacket(sequence, { ...ACCESS_DENIED, message: `Access denied for user '${response.user}' to the SQL gateway` }));
      return;
    }
    if (response.database !== undefined && response.database !== target.connect.database) {
      transport.end(errPacket(sequence, { ...DB_ACCESS_DENIED, message: `this grant is for database '${target.connect.database}'` }));
      return;
    }
    const level = target.config.roles[record.role];
    const guards = level?.guard ?? [];
    const masking = level?.unmasked === true ? undefined : target.config.masking;
    let catalog: MysqlMaskingCatalog | undefined;
    const targetDatabase = decodeURIComponent(new URL(target.config.url).pathname.slice(1));
    let backend: Connection | undefined;
    let relay: Duplex | undefined;
    try {
      backend = await openMysqlBackend(
        target.config.url,
        { username: record.username, password: login.databasePassword, database: targetDatabase },
        {
          multipleStatements: (response.capabilities & CLIENT.MULTI_STATEMENTS) !== 0,
          foundRows: (response.capabilities & CLIENT.FOUND_ROWS) !== 0,
          sessionTrack: (response.capabilities & CLIENT.SESSION_TRACK) !== 0,
        },
      );
      // A read-only level's session is read-only on the database too, so a write the grammar cannot see (inside a
      // stored function) fails there (1792). The read-only guard refuses every statement that would lift it.
      if (guards.includes('read-only')) await backend.promise().query('SET SESSION TRANSACTION READ ONLY');
      if (guards.length > 0 || masking !== undefined) await clearMisreadModes(backend);
      if (masking !== undefined) catalog = await loadMysqlMaskingCatalog(backend, masking);
      // With nothing to mask, the server's answers need no reading but the record's: its packets are relayed as they are.
      if (catalog === undefined) relay = takeSocket(backend);
    } catch (error) {
      backend?.destroy();
      this.options.log.warn({ event: 'gateway.backend_failed', grantId: login.grantId, target: login.target, error: (error as Error).message });
      transport.end(errPacket(sequence, { ...BACKEND_FAILED, message: 'the gateway could not open a session on the database' }));
      return;
    }
    const session = new MysqlSession({
      id: `m${randomInt(1, 2 ** 31 - 1).toString(36)}`,
      grantId: login.grantId,
      client: transport,
      framer: Object.assign(client.framer, { limit: MAX_COMMAND_PACKET }),
      backend,
      relay,
      mode: target.config.record ?? 'normalized',
      screen: screenFor(guards, catalog),
      masks: masksFor(catalog, this.options.hashKey),
      record: activityRecorder(this.options.activity, this.options.log, login.grantId),
      log: this.options.log,
      now: serving.now,
    });
    this.live.add(session);
    void session.whenClosed().then(() => {
      this.live.delete(session);
      this.options.log.info({ event: 'gateway.session_closed', grantId: login.grantId, target: login.target, session: session.id });
    });
    transport.write(okPacket(sequence));
    this.options.log.info({ event: 'gateway.session_opened', grantId: login.grantId, target: login.target, session: session.id, protocol: 'mysql' });
    // A revoke that landed while the session was opening must not leave it behind.
    if (!(await this.isLive(login.grantId, serving.now))) await session.end(KILLED_ERRNO, 'access ended: the grant was revoked or expired');
  }

  private async isLive(grantId: string, now: () => Date): Promise<boolean> {
    const record = await this.options.ledger.get(grantId);
    return record?.state === 'active' && record.notAfter !== null && Date.parse(record.notAfter) > now().getTime();
  }
}

/** ER_CONNECTION_KILLED, ER_SERVER_SHUTDOWN. */
const KILLED_ERRNO = 1927;
const SHUTDOWN_ERRNO = 1053;
/** The largest command the gateway relays (MySQL's own max_allowed_packet default is 64 MiB; one packet holds 16). */
const MAX_COMMAND_PACKET = 16 * 1024 * 1024 - 2;

/** The level's guards first, then its masking; none of either: statements are relayed without a second parse. */
function screenFor(guards: readonly Guard[], catalog: MysqlMaskingCatalog | undefined): MysqlScreen | undefined {
  if (guards.length === 0 && catalog === undefined) return undefined;
  return (asts) => mysqlGuardRefusal(guards, asts) ?? (catalog && mysqlMaskingRefusal(catalog, asts));
}

function masksFor(catalog: MysqlMaskingCatalog | undefined, hashKey: Buffer): MysqlSessionOptions['masks'] {
  return catalog && ((fields) => mysqlColumnMasks(catalog, hashKey, fields));
}
