import { ConnectorRequestError } from '../../protocol';
import { AppError } from '../app-error';
import { connectorClient } from '../connector/connector-access';
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
    const grantId = grant?.record.grantId;
    if (!grant) throw new AppError('not_found', 'This ticket has no database access request.');
    if (grant.record.state !== 'active' || grantId === undefined) throw new AppError('invalid_state', 'Access is not active, so no statement can be run. Request access again to use the console.');
    try {
      return { outcome: 'rows' as const, ...(await (await connectorClient(settings.connectorUrl)).query(grantId, payload.sql, payload.export)) };
    } catch (error) {
      if (!(error instanceof ConnectorRequestError)) throw error;
      if (error.code === 'statement_refused') return { outcome: 'refused' as const, message: error.message };
      if (error.code === 'grant_not_active') throw new AppError('invalid_state', 'Access is no longer active at the connector (it ended, or the connector restarted since it began). Reload the panel; request access again to go on.');
      if (error.code === 'no_activity_record') throw new AppError('invalid_state', 'This target is reached directly, not through the SQL gateway, so the console cannot run statements on it. Reveal the password and connect with your own client.');
      throw error;
    }
  },
});
