import { ConnectorError } from '../../errors';
import type { Ledger } from '../../ledger/ledger';
import type { Targets } from '../../targets';
import { DigestBuilder, type ActivityPage, type StatementRecord } from '../statement-record';
import type { ActivityLog } from './activity-log';

export const ACTIVITY_PAGE_SIZE = 500;

/** `GET /v1/grants/{id}/activity`: one page of the record and the digest of all of it; `next` is the following page. */
export async function activityPage(deps: { ledger: Ledger; targets: Targets; activity: ActivityLog | undefined }, grantId: string, next: string | null): Promise<ActivityPage> {
  const record = await deps.ledger.get(grantId);
  if (!record || record.state === 'tombstone') throw new ConnectorError('not_found', `no grant ${grantId}`);
  if (deps.targets.get(record.target)?.config.access !== 'gateway' || !deps.activity) {
    throw new ConnectorError('no_activity_record', `grant ${grantId} is for a direct target: its statements are not seen by the connector`);
  }
  if (next !== null && !/^\d{1,15}$/.test(next)) throw new ConnectorError('bad_request', 'next must be a value a previous page returned');
  const from = next === null ? 0 : Number(next);
  const statements: StatementRecord[] = [];
  const digest = new DigestBuilder();
  let index = 0;
  await deps.activity.scan(grantId, (statement) => {
    if (index >= from && index < from + ACTIVITY_PAGE_SIZE) statements.push(statement);
    digest.add(statement);
    index += 1;
  });
  return { grantId, statements, digest: digest.digest(), next: from + statements.length < index ? String(from + statements.length) : null };
}
