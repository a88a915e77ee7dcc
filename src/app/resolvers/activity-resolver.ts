import { connectorClient } from '../connector/connector-access';
import { readActivity } from '../flow/activity-digest';
import { defineResolver } from './define-resolver';

/**
 * The live count of the ticket panel: the connector's digest of what has been run under the ticket's active
 * access (a target behind the SQL gateway), for whoever may see the panel. Null when access is not active or
 * the target is direct (the connector keeps no record of it) or its record cannot be read just now.
 */
export const getActivity = defineResolver('getActivity', {
  roles: ['requester', 'approver', 'agent', 'admin'],
  ticket: true,
  handler: async ({ grant, settings }) => {
    const grantId = grant?.record.grantId;
    if (grant?.record.state !== 'active' || grantId === undefined) return { digest: null };
    const reading = await readActivity(await connectorClient(settings.connectorUrl), grantId);
    return { digest: typeof reading === 'object' ? reading : null };
  },
});
