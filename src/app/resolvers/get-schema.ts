import { connectorClient } from '../connector/connector-access';
import { consoleGrantId, consoleRefusal } from './console-grant';
import { defineResolver } from './define-resolver';

/**
 * The schema hints of the ticket's SQL console: the tables and columns the active grant's login sees on its target
 * behind the SQL gateway, masked columns named, for the requester only (the same checks as runQuery). Nothing runs
 * in the requester's name and nothing is recorded.
 */
export const getSchema = defineResolver('getSchema', {
  roles: ['requester'],
  ticket: true,
  handler: async ({ grant, settings }) => {
    const grantId = consoleGrantId(grant);
    try {
      return await (await connectorClient(settings.connectorUrl)).schema(grantId);
    } catch (error) {
      throw consoleRefusal(error);
    }
  },
});
