import { randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { PostgresConnection, verifyScramSha256Password } from 'pg-gateway';
import type { Ledger } from '../ledger/ledger';
import type { Logger } from '../log';
import type { Targets } from '../targets';
import type { ActivityLog } from './activity/activity-log';
import { cancelBackend, openBackend, type BackendConnection, type ClientStartup } from './backend-connection';
import { listenGateway } from './listen-gateway';
import type { GatewayCredentials, GatewayLogin } from './gateway-credentials';
import { GatewaySession } from './gateway-session';
import { checkGuards, type Refusal } from './guards/check-guards';
import type { Guard } from './guards/guard-schema';
import { checkMasking } from './masking/check-masking';
import { loadMaskingCatalog, type MaskingCatalog } from './masking/masking-catalog';
import { ResultMasker } from './masking/result-masker';
import { activityRecorder } from './statement-pipeline';
import { backendKeyData, errorResponse, parameterStatus, readyForQuery } from './wire/backend-messages';
import { guardUntilAuthenticated } from './wire/preauth-guard';
import { startupStream } from './wire/startup-stream';
import { tlsUpgrade } from './wire/tls-upgrade';
import { isCancelRequest, isGssEncRequest, isSslRequest, isStartupMessage } from './wire/frontend-messages';

export interface PostgresGatewayOptions {
  listen: { host: string; port: number };
  tls?: { cert: string; key: string } | undefined;
  ledger: Ledger;
  credentials: GatewayCredentials;
  activity: ActivityLog;
  log: Logger;
  /** Keys the `hash` mask: equal values hash alike within this process, and no one outside it can recompute them. */
  hashKey: Buffer;
}

/** What the gateway serves with: the open targets and the connector's clock (the databases'). */
interface Serving {
  targets: Targets;
  now: () => Date;
}

/** A relayed session, by the process id of the cancel key the client was given (the gateway's own, never the database's). */
interface Live {
  session: GatewaySession;
  backend: BackendConnection;
  targetUrl: string;
  secretKey: Buffer;
}

/**
 * The PostgreSQL-wire gateway for targets with `access: gateway`. pg-gateway runs the startup (TLS, SCRAM-SHA-256
 * against the grant's gateway credential); then the gateway opens its own session to the database as the grant's
 * login, gives the client that session's parameters and a cancel key of its own, and relays every message through
 * the statement pipeline (GatewaySession).
 */
export class PostgresGateway {
  private readonly server: Server;
  private readonly live = new Map<number, Live>();
  private readonly tls: { cert: Buffer; key: Buffer } | undefined;
  /** Set once the targets are open (their connect info names this gateway's bound address) and their clock runs. */
  private serving: Serving | undefined;

  constructor(private readonly options: PostgresGatewayOptions) {
    this.tls = options.tls && { cert: readFileSync(options.tls.cert), key: readFileSync(options.tls.key) };
    this.server = createServer((socket) => this.accept(socket));
  }

  listen(): Promise<{ host: string; port: number }> {
    return listenGateway(this.server, this.options.listen, { log: this.options.log, protocol: 'postgres', tls: Boolean(this.tls) });
  }

  serve(targets: Targets, now: () => Date): void {
    this.serving = { targets, now };
  }

  /** Closes every session of the grant (its access ended) and resolves once they are gone. */
  async endSessions(grantId: string, message = 'access ended: the grant was revoked or expired'): Promise<number> {
    const sessions = [...this.live.values()].filter((live) => live.session.grantId === grantId);
    await Promise.all(sessions.map((live) => live.session.end('57P01', message)));
    return sessions.length;
  }

  sessionCount(grantId: string): number {
    return [...this.live.values()].filter((live) => live.session.grantId === grantId).length;
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    await Promise.all([...this.live.values()].map((live) => live.session.end('57P01', 'the connector is shutting down')));
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
    const guard = guardUntilAuthenticated(socket, Boolean(this.tls));
    // pg-gateway reads the startup through a stream the gateway takes back afterwards (or the TLS layer first).
    let transport: Duplex = socket;
    let stream = startupStream(socket);
    let login: GatewayLogin | undefined;
    // The TLS option only tells pg-gateway to accept an SSLRequest; the adapter does the handshake.
    const tls = this.tls && { cert: toArrayBuffer(this.tls.cert), key: toArrayBuffer(this.tls.key) };
    const adapters = this.tls
      ? {
          upgradeTls: tlsUpgrade(socket, this.tls, stream, (secure, secureStream) => {
            transport = secure;
            stream = secureStream;
          }),
        }
      : {};
    const refuse = (code: string, message: string): Uint8Array => {
      setImmediate(() => transport.end());
      return errorResponse({ severity: 'FATAL', code, message });
    };
    const connection: PostgresConnection = new PostgresConnection(
      stream.duplex,
      {
        ...(tls ? { tls } : {}),
        auth: {
          method: 'scram-sha-256',
          getScramSha256Data: ({ username }) => this.options.credentials.find(username)?.verifier ?? this.options.credentials.decoy(username),
          validateCredentials: async ({ authMessage, clientProof, username }) => {
            const candidate = this.options.credentials.find(username);
            if (!candidate || !(await verifyScramSha256Password({ authMessage, clientProof, storedKey: candidate.verifier.storedKey }))) return false;
            if (!(await this.isLive(candidate.grantId, serving.now))) return false;
            login = candidate;
            return true;
          },
        },
        onMessage: (data, state) => {
          if (!state.hasStarted) {
            if (isCancelRequest(data)) {
              void this.cancel(Buffer.from(data)).finally(() => socket.end());
              return new Uint8Array(0);
            }
            if (isGssEncRequest(data)) return new Uint8Array(Buffer.from('N'));
            if (!isSslRequest(data) && !isStartupMessage(data)) return refuse('08P01', 'unsupported frontend protocol');
            return undefined;
          }
          if (state.step === 'PerformingAuthentication' && data[0] !== 0x70) return refuse('08P01', 'expected a password message');
          return undefined;
        },
        onAuthenticated: async () => {
          guard.authenticated();
          if (!login) return;
          // AuthenticationOk has been written; the rest of the startup (parameters, cancel key, ready) is the gateway's.
          await connection.detach();
          stream.release();
          const params = connection.clientParams;
          void this.start(serving, transport, login, params?.database, { application_name: params?.application_name, options: params?.options });
        },
      },
      adapters,
    );
  }

  /** Opens the database session for an authenticated client and starts relaying. */
  private async start(serving: Serving, client: Duplex, login: GatewayLogin, database: string | undefined, startup: ClientStartup): Promise<void> {
    const target = serving.targets.get(login.target);
    const record = await this.options.ledger.get(login.grantId);
    if (!target || !record?.username) {
      client.end(errorResponse({ severity: 'FATAL', code: '28000', message: 'the grant has no gateway target' }));
      return;
    }
    if (database !== undefined && database !== target.connect.database) {
      client.end(errorResponse({ severity: 'FATAL', code: '3D000', message: `this grant is for database "${target.connect.database}"` }));
      return;
    }
    const targetDatabase = decodeURIComponent(new URL(target.config.url).pathname.slice(1));
    const level = target.config.roles[record.role];
    const guards = level?.guard ?? [];
    const masking = level?.unmasked === true ? undefined : target.config.masking;
    let catalog: MaskingCatalog | undefined;
    let backend: BackendConnection;
    try {
      backend = await openBackend(target.config.url, { username: record.username, password: login.databasePassword, database: targetDatabase }, withGuards(startup, guards), async (session) => {
        if (masking !== undefined) catalog = await loadMaskingCatalog(session, masking);
      });
    } catch (error) {
      this.options.log.warn({ event: 'gateway.backend_failed', grantId: login.grantId, target: login.target, error: (error as Error).message });
      client.end(errorResponse({ severity: 'FATAL', code: '08006', message: 'the gateway could not open a session on the database' }));
      return;
    }
    const processId = randomInt(1, 2 ** 31 - 1);
    const secretKey = randomBytes(4);
    const sessionId = `s${processId.toString(36)}`;
    const mode = target.config.record ?? 'normalized';
    const session = new GatewaySession({
      id: sessionId,
      grantId: login.grantId,
      client,
      backend,
      mode,
      screen: screenFor(guards, catalog),
      masker: catalog && new ResultMasker(catalog, this.options.hashKey),
      record: activityRecorder(this.options.activity, this.options.log, login.grantId),
      log: this.options.log,
      now: serving.now,
    });
    this.live.set(processId, { session, backend, targetUrl: target.config.url, secretKey });
    void session.whenClosed().then(() => {
      this.live.delete(processId);
      this.options.log.info({ event: 'gateway.session_closed', grantId: login.grantId, target: login.target, session: sessionId });
    });
    client.write(
      Buffer.concat([
        ...backend.parameters.map(([name, value]) => parameterStatus(name, value)),
        backendKeyData(processId, secretKey.readInt32BE(0)),
        readyForQuery('I'),
      ]),
    );
    this.options.log.info({ event: 'gateway.session_opened', grantId: login.grantId, target: login.target, session: sessionId });
    // A revoke that landed while the session was opening must not leave it behind.
    if (!(await this.isLive(login.grantId, serving.now))) await session.end('57P01', 'access ended: the grant was revoked or expired');
  }

  private async cancel(packet: Buffer): Promise<void> {
    const live = this.live.get(packet.readInt32BE(8));
    if (!live || !timingSafeEqual(live.secretKey, packet.subarray(12, 16))) return;
    await cancelBackend(live.targetUrl, live.backend.processId, live.backend.secretKey);
  }

  private async isLive(grantId: string, now: () => Date): Promise<boolean> {
    const record = await this.options.ledger.get(grantId);
    return record?.state === 'active' && record.notAfter !== null && Date.parse(record.notAfter) > now().getTime();
  }
}

/**
 * A read-only level's session starts in the database's read-only transaction mode, after whatever options the
 * client passed (the last setting wins), so a write the parser cannot see (inside a function) fails there too
 * (25006). The read-only guard refuses every statement that would lift it.
 */
function withGuards(startup: ClientStartup, guards: readonly Guard[]): ClientStartup {
  if (!guards.includes('read-only')) return startup;
  return { ...startup, options: [startup.options, '-c default_transaction_read_only=on'].filter(Boolean).join(' ') };
}

/** The level's guards first, then its masking; none of either: statements are relayed without a second parse. */
function screenFor(guards: readonly Guard[], catalog: MaskingCatalog | undefined): ((sql: string) => Refusal | undefined) | undefined {
  if (guards.length === 0 && catalog === undefined) return undefined;
  return (sql) => checkGuards(guards, sql) ?? (catalog && checkMasking(catalog, sql));
}

function toArrayBuffer(buffer: Buffer): ArrayBuffer {
  return buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength) as ArrayBuffer;
}
