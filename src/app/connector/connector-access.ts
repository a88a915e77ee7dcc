import { fetch } from '@forge/api';
import { ConnectorClient } from '../../protocol';
import { AppError } from '../app-error';
import { fetchableAddressProblem } from '../fetchable-address';
import { loadConnectorSecret } from '../storage/settings-store';

/**
 * A signed client of the customer's connector, reached through Forge's egress-checked fetch. An address
 * this deployment may not fetch is refused here, plainly, rather than as an unreachable connector.
 */
export async function connectorClient(connectorUrl: string): Promise<ConnectorClient> {
  const problem = fetchableAddressProblem(connectorUrl, 'connector URL');
  if (problem !== undefined) throw new AppError('not_configured', problem);
  const secret = await loadConnectorSecret();
  if (secret === undefined) throw new AppError('not_configured', 'The connector is not connected yet: an admin sets its URL and signing secret on the app settings page.');
  return new ConnectorClient({ baseUrl: connectorUrl, secrets: secret, fetch: (url, init) => fetch(url, init) });
}
