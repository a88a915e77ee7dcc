import { closeSync, openSync, readFileSync, existsSync, write } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { statementRecordSchema, type StatementRecord } from '../statement-record';
import type { ActivityLog } from './activity-log';

const FILE = 'activity.jsonl';
const lineSchema = z.strictObject({ grantId: z.string(), statement: statementRecordSchema });

/**
 * The embedded ledger's activity record: a JSON-lines file in the ledger's directory, folded into memory at open.
 * Lines are written in the order `append` is called; a torn last line from a crash is ignored.
 */
export class FileActivityLog implements ActivityLog {
  private readonly byGrant = new Map<string, StatementRecord[]>();
  private readonly fd: number;
  private tail: Promise<void> = Promise.resolve();
  private pending: string[] = [];
  private flushing: Promise<void> | undefined;

  constructor(dir: string) {
    const path = join(dir, FILE);
    if (existsSync(path)) {
      for (const line of readFileSync(path, 'utf8').split('\n')) {
        const parsed = line ? lineSchema.safeParse(safeJson(line)) : undefined;
        if (parsed?.success) this.remember(parsed.data.grantId, parsed.data.statement);
      }
    }
    this.fd = openSync(path, 'a');
  }

  append(grantId: string, statement: StatementRecord): Promise<void> {
    this.remember(grantId, statement);
    this.pending.push(`${JSON.stringify({ grantId, statement })}\n`);
    // Statements recorded in the same turn of the event loop share one write.
    this.flushing ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
      const lines = Buffer.from(this.pending.join(''));
      this.pending = [];
      this.flushing = undefined;
      this.tail = this.tail.then(() => new Promise<void>((resolve, reject) => write(this.fd, lines, (error) => (error ? reject(error) : resolve()))));
      return this.tail;
    });
    return this.flushing;
  }

  async all(grantId: string): Promise<StatementRecord[]> {
    return [...(this.byGrant.get(grantId) ?? [])];
  }

  async close(): Promise<void> {
    await this.flushing?.catch(() => undefined);
    await this.tail.catch(() => undefined);
    closeSync(this.fd);
  }

  private remember(grantId: string, statement: StatementRecord): void {
    const list = this.byGrant.get(grantId);
    if (list) list.push(statement);
    else this.byGrant.set(grantId, [statement]);
  }
}

function safeJson(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}
