import { closeSync, fdatasyncSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { DirectoryLock } from './directory-lock';
import { isDue, type Ledger } from './ledger';
import { grantRecordSchema, type GrantRecord } from './record';

const LOG_FILE = 'grants.jsonl';
const INTENT_STATES: readonly GrantRecord['state'][] = ['granting', 'revoking'];
const LOCK_FILE = 'LOCK';

/** A remembered request (replay memory) shares the log with the grants; it is dropped once `until` has passed. */
const requestLineSchema = z.strictObject({ request: z.string(), until: z.number() });

/**
 * The embedded ledger: an append-only JSON-lines log in a directory, folded into memory at open and compacted
 * (rewritten and atomically renamed) when it grows. Every write reaches the file (the page cache, which outlives a
 * killed process) before its promise resolves. An intent (a new grant, `granting`, `revoking`) also waits for
 * fdatasync, so it is on disk before the database is touched; an outcome is synced by the next intent, at close or
 * by the operating system, because
 * losing one to a power cut only leaves its intent, which start-up reconciliation settles the safe way (a grant
 * cut off is removed, a revocation cut off is finished). Writes in the same tick share one sync (group commit).
 * A torn last line from a crash is ignored. Accepted requests (replay memory) are lines of their own, written like
 * an intent, and kept until their signing window has passed. One process at a time: an operating-system lock on
 * the file LOCK, which ends with the process that holds it, guards the directory.
 */
export class FileLedger implements Ledger {
  readonly exclusive = true;
  private readonly records = new Map<string, GrantRecord>();
  private readonly leases = new Map<string, number>();
  private readonly requests = new Map<string, number>();
  private requestsPrunedAt = 0;
  private fd: number;
  private lines = 0;
  private queue: { line: string; durable: boolean; resolve: () => void; reject: (error: unknown) => void }[] = [];
  private flushScheduled = false;

  private constructor(
    private readonly dir: string,
    private readonly lock: DirectoryLock,
  ) {
    this.load();
    this.fd = this.compact();
  }

  static open(dir: string): FileLedger {
    mkdirSync(dir, { recursive: true });
    const lock = DirectoryLock.acquire(join(dir, LOCK_FILE), `the ledger at ${dir} is in use by another process; use a postgres:// ledger to run several connectors`);
    try {
      return new FileLedger(dir, lock);
    } catch (error) {
      lock.release();
      throw error;
    }
  }

  async get(grantId: string): Promise<GrantRecord | undefined> {
    const record = this.records.get(grantId);
    return record && { ...record };
  }

  async insert(record: GrantRecord): Promise<boolean> {
    if (this.records.has(record.grantId)) return false;
    await this.write(record, true);
    return true;
  }

  async update(record: GrantRecord): Promise<void> {
    if (!this.records.has(record.grantId)) throw new Error(`ledger has no grant ${record.grantId}`);
    await this.write(record, INTENT_STATES.includes(record.state));
  }

  async list(states?: readonly GrantRecord['state'][]): Promise<GrantRecord[]> {
    return [...this.records.values()].filter((record) => !states || states.includes(record.state)).map((record) => ({ ...record }));
  }

  async claimDue(now: Date, limit: number, _owner: string, leaseMs: number): Promise<GrantRecord[]> {
    const at = now.getTime();
    const claimed: GrantRecord[] = [];
    for (const record of this.records.values()) {
      if (claimed.length >= limit) break;
      if ((this.leases.get(record.grantId) ?? 0) > at || !isDue(record, now)) continue;
      this.leases.set(record.grantId, at + leaseMs);
      claimed.push({ ...record });
    }
    return claimed;
  }

  async acquire(grantId: string, _owner: string, now: Date, leaseMs: number): Promise<boolean> {
    const at = now.getTime();
    if (!this.records.has(grantId) || (this.leases.get(grantId) ?? 0) > at) return false;
    this.leases.set(grantId, at + leaseMs);
    return true;
  }

  /** One process owns the whole ledger, so every lease is its own. */
  async renew(_owner: string, now: Date, leaseMs: number): Promise<void> {
    for (const grantId of this.leases.keys()) this.leases.set(grantId, now.getTime() + leaseMs);
  }

  async release(grantId: string, _owner?: string): Promise<void> {
    this.leases.delete(grantId);
  }

  async rememberRequest(key: string, until: Date, now: Date): Promise<boolean> {
    const at = now.getTime();
    if (at - this.requestsPrunedAt >= 1000) {
      this.requestsPrunedAt = at;
      for (const [known, until] of this.requests) if (until < at) this.requests.delete(known);
    }
    const remembered = this.requests.get(key);
    if (remembered !== undefined && remembered >= at) return false;
    this.requests.set(key, until.getTime());
    await this.append(JSON.stringify({ request: key, until: until.getTime() }) + '\n', true);
    return true;
  }

  async close(): Promise<void> {
    await this.flush();
    fdatasyncSync(this.fd);
    closeSync(this.fd);
    this.lock.release();
  }

  private write(record: GrantRecord, durable: boolean): Promise<void> {
    this.records.set(record.grantId, { ...record });
    return this.append(JSON.stringify(record) + '\n', durable);
  }

  private append(line: string, durable: boolean): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ line, durable, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    this.flushScheduled = false;
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return;
    try {
      writeSync(this.fd, batch.map((entry) => entry.line).join(''));
      if (batch.some((entry) => entry.durable)) fdatasyncSync(this.fd);
      this.lines += batch.length;
      batch.forEach((entry) => entry.resolve());
    } catch (error) {
      batch.forEach((entry) => entry.reject(error));
      return;
    }
    if (this.lines > 1000 && this.lines > 4 * (this.records.size + this.requests.size)) {
      closeSync(this.fd);
      this.fd = this.compact();
    }
  }

  private load(): void {
    const path = join(this.dir, LOG_FILE);
    if (!existsSync(path)) return;
    for (const line of readFileSync(path, 'utf8').split('\n')) {
      if (!line) continue;
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        continue; // a line torn by a crash mid-append; everything before it was synced
      }
      const request = requestLineSchema.safeParse(parsed);
      if (request.success) {
        this.requests.set(request.data.request, request.data.until);
        continue;
      }
      const record = grantRecordSchema.safeParse(parsed);
      if (record.success) this.records.set(record.data.grantId, record.data);
    }
  }

  /** Rewrites the log as one line per record, syncs it, and swaps it in atomically. Returns the append fd. */
  private compact(): number {
    const path = join(this.dir, LOG_FILE);
    const temporary = `${path}.tmp`;
    const fd = openSync(temporary, 'w');
    const requests = [...this.requests].map(([request, until]) => JSON.stringify({ request, until }) + '\n');
    writeSync(fd, [...this.records.values()].map((record) => JSON.stringify(record) + '\n').join('') + requests.join(''));
    fsyncSync(fd);
    closeSync(fd);
    renameSync(temporary, path);
    const dirFd = openSync(this.dir, 'r');
    fsyncSync(dirFd);
    closeSync(dirFd);
    this.lines = this.records.size + this.requests.size;
    return openSync(path, 'a');
  }
}
