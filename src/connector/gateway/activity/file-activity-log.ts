import { closeSync, createReadStream, openSync, write } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { statementRecordSchema, type StatementRecord } from '../statement-record';
import type { ActivityLog } from './activity-log';
import { BatchedAppender, RECORD_BATCH } from './batched-appender';

const FILE = 'activity.jsonl';
const lineSchema = z.strictObject({ grantId: z.string(), statement: statementRecordSchema });

/**
 * The embedded ledger's activity record: a JSON-lines file in the ledger's directory, appended in the order
 * `append` is called, in batches (RECORD_BATCH: one write per batch, not per statement). Nothing of it is kept in
 * memory beyond the batch (a long session would otherwise keep every statement alive in the heap); a read writes the
 * batch first and streams the file line by line. A torn last line from a crash is ignored.
 */
export class FileActivityLog implements ActivityLog {
  private readonly path: string;
  private readonly fd: number;
  private readonly lines: BatchedAppender<string>;

  constructor(dir: string) {
    this.path = join(dir, FILE);
    const fd = openSync(this.path, 'a');
    this.fd = fd;
    this.lines = new BatchedAppender(
      (lines) => new Promise<void>((resolve, reject) => write(fd, Buffer.from(lines.join('')), (error) => (error ? reject(error) : resolve()))),
      RECORD_BATCH,
    );
  }

  append(grantId: string, statement: StatementRecord): Promise<void> {
    return this.lines.add(`${JSON.stringify({ grantId, statement })}\n`);
  }

  async scan(grantId: string, visit: (statement: StatementRecord) => void): Promise<void> {
    await this.lines.settled();
    const prefix = `{"grantId":${JSON.stringify(grantId)},`;
    const lines = createInterface({ input: createReadStream(this.path, { encoding: 'utf8' }), crlfDelay: Infinity });
    for await (const line of lines) {
      if (!line.startsWith(prefix)) continue;
      const parsed = lineSchema.safeParse(safeJson(line));
      if (parsed.success) visit(parsed.data.statement);
    }
  }

  async close(): Promise<void> {
    await this.lines.settled();
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
