import { ConnectorError } from '../../errors';
import { activeConsoleGrant, type ConsoleGrantDependencies } from './active-console-grant';
import type { ActivityLog } from '../activity/activity-log';
import { checkGuards, type Refusal } from '../guards/check-guards';
import { mysqlGuardRefusal } from '../guards/check-mysql-guards';
import { readMysqlStatements } from '../parse-mysql-statements';
import { parseStatements } from '../parse-statements';
import { statementRecord, type StatementOutcome } from '../statement-pipeline';
import { runMysqlQuery } from './mysql-query';
import { runPostgresQuery } from './postgres-query';
import type { QueryRequest, QueryResult } from '../../../protocol';
import { StatementBlocked, StatementRefused } from './query-result';

export interface ConsoleDependencies extends ConsoleGrantDependencies {
  activity: ActivityLog;
  /** Keys the `hash` mask, the same key the PostgreSQL wire uses: equal values hash alike on both. */
  hashKey: Buffer;
}

/** The session names the record gives statements run through `POST /v1/grants/{id}/query`: to be shown, or for a download. */
export const CONSOLE_SESSION = 'console';
export const EXPORT_SESSION = 'export';

/**
 * `POST /v1/grants/{grantId}/query`: one statement run as an active gateway grant, through the gateway's pipeline
 * (parsed and classified, checked by the level's guards and masking as the wire checks it, run as the grant's login,
 * recorded under the grant, normalized unless the target records in full) and answered with at most MAX_QUERY_ROWS
 * rows, masked columns masked. The record is written before the answer. A run for a download (`export`) is refused
 * before anything runs unless the level has `export: true`, and is recorded as session `export`.
 */
export async function runConsoleStatement(deps: ConsoleDependencies, grantId: string, request: QueryRequest): Promise<QueryResult> {
  const { sql } = request;
  const { record, target, credentials } = await activeConsoleGrant(deps, grantId);
  const level = target.config.roles[record.role];
  const exportable = level?.export === true;
  if (request.export && !exportable) throw new ConnectorError('statement_refused', `the access level ${record.role} may not download results (its level has no export: true)`);
  const session = request.export ? EXPORT_SESSION : CONSOLE_SESSION;
  const guards = level?.guard ?? [];
  const masking = level?.unmasked === true ? undefined : target.config.masking;
  const mysqlRead = target.config.engine === 'mysql' ? readMysqlStatements(sql, (asts) => mysqlGuardRefusal(guards, asts)) : undefined;
  const statements = mysqlRead ? mysqlRead.statements : parseStatements(sql);
  if (statements !== undefined && statements.length !== 1) throw new ConnectorError('statement_refused', 'send exactly one statement');
  const clock = { now: deps.now, monotonic: () => performance.now() };
  const mode = target.config.record ?? 'normalized';
  const readOnly = guards.includes('read-only');
  const startedAt = clock.monotonic();
  // The SQLSTATE the engine itself gives a refused privilege.
  const blockedCode = target.config.engine === 'mysql' ? '42000' : '42501';
  const refuse = async (refusal: Refusal): Promise<never> => {
    const outcome = { rows: null, error: { code: blockedCode, message: refusal.message }, startedAt, finishedAt: clock.monotonic() };
    await deps.activity.append(grantId, statementRecord({ session, mode, statement: statements?.[refusal.index], raw: sql, blocked: refusal.guard, outcome }, clock));
    throw new ConnectorError('statement_refused', refusal.message);
  };
  let outcome: StatementOutcome;
  let result: Omit<QueryResult, 'ms' | 'exportable'> | undefined;
  try {
    if (target.config.engine === 'mysql') {
      if (mysqlRead?.refusal) return await refuse(mysqlRead.refusal);
      result = await runMysqlQuery(target.config.url, credentials, sql, { readOnly, checked: guards.length > 0 || masking !== undefined, masking: masking && { config: masking, hashKey: deps.hashKey } });
    } else {
      const refusal = checkGuards(guards, sql);
      if (refusal) return await refuse(refusal);
      result = await runPostgresQuery(target.config.url, credentials, sql, { readOnly, masking: masking && { config: masking, hashKey: deps.hashKey } });
    }
    outcome = { rows: result.rowCount, error: null, startedAt, finishedAt: clock.monotonic() };
  } catch (error) {
    if (error instanceof ConnectorError) throw error;
    if (error instanceof StatementBlocked) return await refuse(error.refusal);
    if (!(error instanceof StatementRefused)) throw new ConnectorError('target_unavailable', `the statement could not be run on target ${record.target}`, { cause: error });
    outcome = { rows: null, error: { code: error.code, message: error.message }, startedAt, finishedAt: clock.monotonic() };
    await deps.activity.append(grantId, statementRecord({ session, mode, statement: statements?.[0], raw: sql, outcome }, clock));
    throw new ConnectorError('statement_refused', `${error.code}: ${error.message}`);
  }
  await deps.activity.append(grantId, statementRecord({ session, mode, statement: statements?.[0], raw: sql, outcome }, clock));
  return { ...result, ms: Math.round((outcome.finishedAt - outcome.startedAt) * 1000) / 1000, exportable };
}
