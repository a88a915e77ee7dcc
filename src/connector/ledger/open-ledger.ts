import { resolve } from 'node:path';
import { FileLedger } from './file-ledger';
import type { Ledger } from './ledger';
import { PostgresLedger } from './postgres-ledger';

/** `file:<dir>` (embedded, one connector) or `postgres://…` (shared by replicas). */
export async function openLedger(spec: string): Promise<Ledger> {
  if (spec.startsWith('file:')) return FileLedger.open(resolve(spec.slice('file:'.length)));
  return PostgresLedger.open(spec);
}
