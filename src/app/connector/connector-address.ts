import { permissions } from '@forge/api';
import { AppError } from '../app-error';

/** Hosts only a runtime on the same machine reaches: the local sandbox, never a Forge deployment. */
const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

/**
 * The connector address an admin types in must be one the deployed app may fetch: Forge fixes egress at
 * deploy (`permissions.external.fetch.backend`) and fetches only HTTPS there, so an address outside the
 * manifest would fail at the first grant. Plain http is accepted only on a loopback host (the sandbox).
 */
export function checkConnectorAddress(address: string): void {
  const url = new URL(address);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.test(url.hostname))) {
    throw new AppError('invalid_payload', `The connector URL must use https: Forge fetches only HTTPS addresses (${url.origin}).`);
  }
  if (!permissions.canFetchFrom('backend', url.href)) {
    throw new AppError(
      'invalid_payload',
      `This deployment of the app may not reach ${url.origin}: Forge fixes the addresses an app fetches when it is deployed. Add "- address: ${url.origin}" under permissions.external.fetch.backend in manifest.yml and run forge deploy (docs/admin-guide.md, "The connector address and egress").`,
    );
  }
}
