import { randomBytes } from 'node:crypto';
import type { ConnectorConfig } from '../config/schema';
import type { Ledger } from '../ledger/ledger';
import type { Logger } from '../log';
import type { Targets } from '../targets';
import type { ActivityLog } from './activity/activity-log';
import { activityPage } from './activity/activity-page';
import { runConsoleStatement } from './console/run-console-statement';
import { readGrantSchema } from './console/read-grant-schema';
import type { GrantSchema, QueryRequest, QueryResult } from '../../protocol';
import { openActivityLog } from './activity/open-activity-log';
import { GatewayCredentials } from './gateway-credentials';
import { MysqlGateway } from './mysql-gateway';
import { parserReady } from './parse-statements';
import { PostgresGateway } from './postgres-gateway';
import type { ActivityDigest } from '../../protocol';
import { DigestBuilder, type ActivityPage } from './statement-record';

export interface GatewayDependencies {
  config: ConnectorConfig;
  ledger: Ledger;
  log: Logger;
}

export interface Endpoint {
  host: string;
  port: number;
}

/** Where requesters connect, per wire protocol: the configured advertise address, else the address bound. */
export interface GatewayEndpoints {
  postgres?: Endpoint | undefined;
  mysql?: Endpoint | undefined;
}

/** The SQL gateway as the rest of the connector sees it: credentials for new grants, the end of a grant, its record. */
export class Gateway {
  private constructor(
    private readonly deps: GatewayDependencies,
    private readonly credentials: GatewayCredentials,
    private readonly activity: ActivityLog,
    /** Keys the `hash` mask: equal values hash alike on the wire and in the console, and no one outside can recompute them. */
    private readonly hashKey: Buffer,
    readonly postgres: PostgresGateway | undefined,
    readonly mysql: MysqlGateway | undefined,
    readonly endpoints: GatewayEndpoints,
  ) {}

  private targets: Targets = new Map();
  private now: () => Date = () => new Date();

  /**
   * Binds the gateway's listeners for the config's gateway.postgres and gateway.mysql blocks (undefined when it has
   * neither). It serves once `serve` gives it the targets, which are opened after it so that their connect info can
   * name its bound addresses, and the clock the connector keeps by them.
   */
  static async start(deps: GatewayDependencies): Promise<Gateway | undefined> {
    const settings = deps.config.gateway;
    if (!settings?.postgres && !settings?.mysql) return undefined;
    await parserReady;
    const credentials = new GatewayCredentials();
    const activity = await openActivityLog(deps.config.ledger);
    const hashKey = randomBytes(32);
    const common = { ledger: deps.ledger, credentials, activity, log: deps.log };
    const postgres = settings.postgres && new PostgresGateway({ listen: settings.postgres.listen, tls: settings.postgres.tls, hashKey, ...common });
    const mysql = settings.mysql && new MysqlGateway({ listen: settings.mysql.listen, tls: settings.mysql.tls, hashKey, ...common });
    const endpoints: GatewayEndpoints = {};
    if (postgres && settings.postgres) endpoints.postgres = settings.postgres.advertise ?? { host: settings.postgres.listen.host, port: (await postgres.listen()).port };
    if (mysql && settings.mysql) endpoints.mysql = settings.mysql.advertise ?? { host: settings.mysql.listen.host, port: (await mysql.listen()).port };
    return new Gateway(deps, credentials, activity, hashKey, postgres, mysql, endpoints);
  }

  serve(targets: Targets, now: () => Date): void {
    this.targets = targets;
    this.now = now;
    this.postgres?.serve(targets, now);
    this.mysql?.serve(targets, now);
  }

  /**
   * Lets `username` in with the requester's gateway-only `password` and opens its sessions with the database login's
   * `databasePassword`; both stay in this process's memory only.
   */
  admit(login: { grantId: string; target: string; username: string; password: string; databasePassword: string }): Promise<void> {
    return this.credentials.admit(login);
  }

  /** Whether this process holds the grant's gateway credential (it does not after a restart, nor on another replica). */
  holds(grantId: string): boolean {
    return this.credentials.holds(grantId);
  }

  /** Access ended: the credential stops working and every session of the grant is closed before this resolves. */
  async end(grantId: string): Promise<void> {
    this.credentials.forget(grantId);
    const closed = (await Promise.all([this.postgres?.endSessions(grantId), this.mysql?.endSessions(grantId)])).reduce<number>((sum, count) => sum + (count ?? 0), 0);
    if (closed > 0) this.deps.log.info({ event: 'gateway.sessions_closed', grantId, sessions: closed });
  }

  /** `POST /v1/grants/{grantId}/query`: one statement as the grant, through the pipeline (runConsoleStatement). */
  query(grantId: string, request: QueryRequest): Promise<QueryResult> {
    return runConsoleStatement({ ledger: this.deps.ledger, targets: this.targets, credentials: this.credentials, activity: this.activity, hashKey: this.hashKey, now: this.now }, grantId, request);
  }

  /** `GET /v1/grants/{grantId}/schema`: what the grant's login sees on its target (readGrantSchema). */
  schema(grantId: string): Promise<GrantSchema> {
    return readGrantSchema({ ledger: this.deps.ledger, targets: this.targets, credentials: this.credentials, now: this.now }, grantId);
  }

  activityPage(grantId: string, next: string | null): Promise<ActivityPage> {
    return activityPage({ ledger: this.deps.ledger, targets: this.targets, activity: this.activity }, grantId, next);
  }

  /** The digest of a grant's whole record, for the end-of-grant callback; undefined for a grant on a direct target. */
  async digest(grantId: string, target: string): Promise<ActivityDigest | undefined> {
    if (this.targets.get(target)?.config.access !== 'gateway') return undefined;
    const digest = new DigestBuilder();
    await this.activity.scan(grantId, (statement) => digest.add(statement));
    return digest.digest();
  }

  async close(): Promise<void> {
    await this.postgres?.close();
    await this.mysql?.close();
    await this.activity.close();
  }
}
