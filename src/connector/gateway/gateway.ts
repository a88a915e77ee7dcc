import type { ConnectorConfig } from '../config/schema';
import type { Ledger } from '../ledger/ledger';
import type { Logger } from '../log';
import type { Targets } from '../targets';
import type { ActivityLog } from './activity/activity-log';
import { activityPage } from './activity/activity-page';
import { openActivityLog } from './activity/open-activity-log';
import { GatewayCredentials } from './gateway-credentials';
import { parserReady } from './parse-statements';
import { PostgresGateway } from './postgres-gateway';
import type { ActivityDigest } from '../../protocol';
import { digestOf, type ActivityPage } from './statement-record';

export interface GatewayDependencies {
  config: ConnectorConfig;
  ledger: Ledger;
  log: Logger;
}

/** The SQL gateway as the rest of the connector sees it: credentials for new grants, the end of a grant, its record. */
export class Gateway {
  private constructor(
    private readonly deps: GatewayDependencies,
    private readonly credentials: GatewayCredentials,
    private readonly activity: ActivityLog,
    readonly postgres: PostgresGateway,
    /** Where requesters connect: the configured advertise address, else the address it is bound to. */
    readonly endpoint: { host: string; port: number },
  ) {}

  private targets: Targets = new Map();

  /**
   * Binds the gateway when the config has a gateway.postgres block (undefined otherwise). It serves once `serve` gives
   * it the targets, which are opened after it so that their connect info can name its bound address, and the clock
   * the connector keeps by them.
   */
  static async start(deps: GatewayDependencies): Promise<Gateway | undefined> {
    const settings = deps.config.gateway?.postgres;
    if (!settings) return undefined;
    await parserReady;
    const credentials = new GatewayCredentials();
    const activity = await openActivityLog(deps.config.ledger);
    const postgres = new PostgresGateway({ listen: settings.listen, tls: settings.tls, ledger: deps.ledger, credentials, activity, log: deps.log });
    const bound = await postgres.listen();
    return new Gateway(deps, credentials, activity, postgres, settings.advertise ?? { host: settings.listen.host, port: bound.port });
  }

  serve(targets: Targets, now: () => Date): void {
    this.targets = targets;
    this.postgres.serve(targets, now);
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
    const closed = await this.postgres.endSessions(grantId);
    if (closed > 0) this.deps.log.info({ event: 'gateway.sessions_closed', grantId, sessions: closed });
  }

  activityPage(grantId: string, next: string | null): Promise<ActivityPage> {
    return activityPage({ ledger: this.deps.ledger, targets: this.targets, activity: this.activity }, grantId, next);
  }

  /** The digest of a grant's whole record, for the end-of-grant callback; undefined for a grant on a direct target. */
  async digest(grantId: string, target: string): Promise<ActivityDigest | undefined> {
    if (this.targets.get(target)?.config.access !== 'gateway') return undefined;
    return digestOf(await this.activity.all(grantId));
  }

  async close(): Promise<void> {
    await this.postgres.close();
    await this.activity.close();
  }
}
