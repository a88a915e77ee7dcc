import { resolve } from 'node:path';
import type { ActivityLog } from './activity-log';
import { FileActivityLog } from './file-activity-log';
import { PostgresActivityLog } from './postgres-activity-log';

/** Beside the ledger named by `spec`: its directory (`file:<dir>`) or its database (`postgres://…`). */
export async function openActivityLog(spec: string): Promise<ActivityLog> {
  if (spec.startsWith('file:')) return new FileActivityLog(resolve(spec.slice('file:'.length)));
  return PostgresActivityLog.open(spec);
}
