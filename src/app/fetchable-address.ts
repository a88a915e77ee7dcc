import { permissions } from '@forge/api';

/** Hosts only a runtime on the same machine reaches: the local sandbox, never a Forge deployment. */
const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

/**
 * Why this deployment cannot fetch an address an admin typed in (`what`: the connector URL, the alert
 * webhook), or undefined when it can. Forge fixes egress at deploy (`permissions.external.fetch.backend`)
 * and fetches only HTTPS there, so an address outside the manifest would fail when first used. Plain
 * http is accepted only on a loopback host (the sandbox).
 */
export function fetchableAddressProblem(address: string, what: string): string | undefined {
  const url = new URL(address);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.test(url.hostname))) {
    return `The ${what} must use https: Forge fetches only HTTPS addresses (${url.origin}).`;
  }
  if (!permissions.canFetchFrom('backend', url.href)) {
    return `This deployment of the app may not reach ${url.origin} (the ${what}): Forge fixes the addresses an app fetches when it is deployed. Add "- address: ${url.origin}" under permissions.external.fetch.backend in manifest.yml and run forge deploy (docs/admin-guide.md, "The connector address and egress").`;
  }
  return undefined;
}
