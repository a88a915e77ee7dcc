import { ConnectorError } from '../../errors';
import type { Ledger } from '../../ledger/ledger';
import type { Targets } from '../../targets';
import type { GatewayCredentials } from '../gateway-credentials';

export interface ConsoleGrantDependencies {
  ledger: Ledger;
  targets: Targets;
  credentials: GatewayCredentials;
  now: () => Date;
}

/**
 * The grant the console acts as, checked before anything reaches its target: a grant on a target behind the SQL
 * gateway (`404 no_activity_record` otherwise), active and not past its end, whose gateway credential this process
 * holds (`409 grant_not_active` otherwise). Answers its record, its target and how to log in as it.
 */
export async function activeConsoleGrant(deps: ConsoleGrantDependencies, grantId: string) {
  const record = await deps.ledger.get(grantId);
  if (!record || record.state === 'tombstone') throw new ConnectorError('not_found', `no grant ${grantId}`);
  const target = deps.targets.get(record.target);
  if (target?.config.access !== 'gateway') {
    throw new ConnectorError('no_activity_record', `grant ${grantId} is for a direct target: statements run through the connector only for targets behind the SQL gateway`);
  }
  const login = deps.credentials.ofGrant(grantId);
  if (record.state !== 'active' || record.notAfter === null || Date.parse(record.notAfter) <= deps.now().getTime() || !record.username) {
    throw new ConnectorError('grant_not_active', `grant ${grantId} is ${record.state}: statements run only while it is active`);
  }
  if (!login) {
    throw new ConnectorError('grant_not_active', `the gateway credential of grant ${grantId} is not held by this connector process (it restarted, or another replica issued it): revoke it and request access anew`);
  }
  const database = decodeURIComponent(new URL(target.config.url).pathname.slice(1));
  return { record, target, credentials: { username: record.username, password: login.databasePassword, database } };
}
