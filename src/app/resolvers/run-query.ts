import { ConnectorRequestError } from '../../protocol';
import { connectorClient } from '../connector/connector-access';
import { consoleGrantId, consoleRefusal } from './console-grant';
import { defineResolver } from './define-resolver';

/**
 * The SQL console of the ticket: runs one statement as the ticket's active grant on a target behind the SQL
 * gateway, for the requester only. The connector applies the level's guards and masking and records the
 * statement (session `console`, or `export` for a download, which the level must allow); no password is revealed
 * for it. A statement the database or a guard refuses is an answer (`refused`, with its message), not an error.
 */
export const runQuery = defineResolver('runQuery', {
  roles: ['requester'],
  ticket: true,
  handler: async ({ grant, settings, payload }) => {
    const grantId = consoleGrantId(grant);
    try {
      return { outcome: 'rows' as const, ...(await (await connectorClient(settings.connectorUrl)).query(grantId, payload.sql, payload.export)) };
    } catch (error) {
      if (error instanceof ConnectorRequestError && error.code === 'statement_refused') return { outcome: 'refused' as const, message: error.message };
      throw consoleRefusal(error);
    }
  },
});
