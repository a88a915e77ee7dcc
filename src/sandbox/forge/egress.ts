import { ExternalEndpointNotAllowedError } from '@forge/api';
import { EgressFilteringService } from '@forge/egress';

/**
 * The backend fetch allow-list, matched by Forge's own EgressFilteringService (same protocol, same host and
 * port, `*.` wildcards). A disallowed URL fails with @forge/api's ExternalEndpointNotAllowedError
 * (name REQUEST_EGRESS_ALLOWLIST_ERR, status 403), the error Forge apps are written against.
 */
export function createEgressGuard(allowList: string[]): (url: string) => void {
  const filter = new EgressFilteringService(allowList);
  return (url) => {
    if (!filter.isValidUrl(url)) throw new ExternalEndpointNotAllowedError(url);
  };
}
