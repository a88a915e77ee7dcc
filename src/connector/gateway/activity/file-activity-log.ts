import { closeSync, createReadStream, openSync, write } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { statementRecordSchema, type StatementRecord } from '../statement-record';
import type { ActivityLog } from './activity-log';

const FILE = 'activity.jsonl';
const lineSchema = z.strictObject({ grantId: z.string(), statement: statementRecordSchema });

/**
 * The embedded ledger's activity record: a JSON-lines file in the ledger's directory, appended in the order
 * `append` is called. Nothing of it is kept in memory (a long session would otherwise keep every statement alive
 * in the heap); a read streams the file line by line. A torn last line from a crash is ignored.
 */
export class FileActivityLog implements ActivityLog {
  private readonly path: string;
  private readonly fd: number;
  private tail: Promise<void> = Promise.resolve();
  private pending: string[] = [];
  private flushing: Promise<void> | undefined;

  constructor(dir: string) {
    this.path = join(dir, FILE);
    this.fd = openSync(this.path, 'a');
  }

  append(grantId: string, statement: StatementRecord): Promise<void> {
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

  async scan(grantId: string, visit: (statement: StatementRecord) => void): Promise<void> {
    await this.flushing;
    await this.tail;
    const prefix = `{"grantId":${JSON.stringify(grantId)},`;
    const lines = createInterface({ input: createReadStream(this.path, { encoding: 'utf8' }), crlfDelay: Infinity });
    for await (const line of lines) {
      if (!line.startsWith(prefix)) continue;
      const parsed = lineSchema.safeParse(safeJson(line));
      if (parsed.success) visit(parsed.data.statement);
    }
  }

  async close(): Promise<void> {
    await this.flushing?.catch(() => undefined);
    await this.tail.catch(() => undefined);
    closeSync(this.fd);
  }
}

function safeJson(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}
