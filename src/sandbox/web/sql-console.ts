import type { PGlite } from '@electric-sql/pglite';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { z } from 'zod';
import { RunAsError, runAs } from '../../connector/drivers/pglite';

export const sqlRequestSchema = z.strictObject({
  target: z.string().regex(/^[a-z0-9-]{1,40}$/),
  username: z.string().min(1).max(63),
  password: z.string().min(1).max(200),
  sql: z.string().min(1).max(20_000),
});
export type SqlRequest = z.infer<typeof sqlRequestSchema>;

export type SqlResult = { columns: string[]; rows: unknown[][]; rowCount: number; truncated: boolean };

export type SqlConsoleErrorCode = 'bad_credentials' | 'login_refused' | 'unknown_target' | 'statement_failed';

export class SqlConsoleError extends Error {
  override readonly name = 'SqlConsoleError';
  constructor(
    readonly code: SqlConsoleErrorCode,
    message: string,
    readonly sqlState?: string,
  ) {
    super(message);
  }
}

export type SqlConsoleDeps = {
  /** The PGlite instance of an embedded target; undefined for a target on a real server. */
  embeddedDatabase(targetId: string): Promise<PGlite> | undefined;
  /** The sandbox's own password check for embedded targets (PGlite authenticates nobody). */
  verifyEmbeddedPassword(targetId: string, username: string, password: string): boolean;
  /** The admin URL real targets are on (`--target-url`): its scheme says which client the console uses. */
  targetUrl?: string | undefined;
  /** Where a requester connects for the target, as the ticket says: the database, or the SQL gateway. */
  connectInfo(targetId: string): { host: string; port: number; database: string } | undefined;
  targetIds: readonly string[];
  /** The tag of the logins the connector manages on embedded targets. */
  marker: string;
};

const MAX_ROWS = 500;

function jsonSafe(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'bigint') return value.toString();
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return `\\x${Buffer.from(value).toString('hex')}`;
  return value;
}

function table(columns: string[], rows: Record<string, unknown>[]): SqlResult {
  return {
    columns,
    rows: rows.slice(0, MAX_ROWS).map((row) => columns.map((column) => jsonSafe(row[column]))),
    rowCount: rows.length,
    truncated: rows.length > MAX_ROWS,
  };
}

const sqlStateOf = (error: unknown): string | undefined => {
  const code = typeof error === 'object' && error !== null ? Reflect.get(error, 'code') : undefined;
  return typeof code === 'string' ? code : undefined;
};

async function onEmbedded(db: PGlite, request: SqlRequest, marker: string): Promise<SqlResult> {
  try {
    const result = await runAs(db, request.username, request.sql, { marker });
    return table(result.fields.map((field) => field.name), result.rows);
  } catch (error) {
    if (error instanceof RunAsError) throw new SqlConsoleError('login_refused', error.message);
    throw new SqlConsoleError('statement_failed', (error as Error).message, sqlStateOf(error));
  }
}

type Address = { host: string; port: number; database: string };

async function onPostgres(address: Address, request: SqlRequest): Promise<SqlResult> {
  const client = new pg.Client({
    host: address.host,
    port: address.port,
    database: address.database || 'postgres',
    user: request.username,
    password: request.password,
    connectionTimeoutMillis: 5000,
    // As a startup option, which the SQL gateway passes on to the database session (it drops other parameters).
    options: '-c statement_timeout=15000',
  });
  try {
    await client.connect();
  } catch (error) {
    throw new SqlConsoleError('login_refused', (error as Error).message, sqlStateOf(error));
  }
  try {
    const result = await client.query<Record<string, unknown>>(request.sql);
    return table((result.fields ?? []).map((field) => field.name), result.rows ?? []);
  } catch (error) {
    throw new SqlConsoleError('statement_failed', (error as Error).message, sqlStateOf(error));
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function onMysql(address: Address, request: SqlRequest): Promise<SqlResult> {
  let connection: mysql.Connection;
  try {
    connection = await mysql.createConnection({
      host: address.host,
      port: address.port,
      database: address.database || undefined,
      user: request.username,
      password: request.password,
      connectTimeout: 5000,
    });
  } catch (error) {
    throw new SqlConsoleError('login_refused', (error as Error).message, sqlStateOf(error));
  }
  try {
    const [rows, fields] = await connection.query({ sql: request.sql, rowsAsArray: false, timeout: 15_000 });
    if (!Array.isArray(rows)) return { columns: ['affectedRows'], rows: [[rows.affectedRows]], rowCount: 1, truncated: false };
    const records = rows.filter((row): row is mysql.RowDataPacket => !Array.isArray(row));
    return table((fields ?? []).map((field) => field.name), records);
  } catch (error) {
    throw new SqlConsoleError('statement_failed', (error as Error).message, sqlStateOf(error));
  } finally {
    await connection.end().catch(() => undefined);
  }
}

/** Runs one statement with the credential the requester pasted: the console is only as good as that login. */
export async function runConsoleQuery(deps: SqlConsoleDeps, request: SqlRequest): Promise<SqlResult> {
  if (!deps.targetIds.includes(request.target)) throw new SqlConsoleError('unknown_target', `no target ${request.target}`);
  const embedded = deps.embeddedDatabase(request.target);
  if (embedded !== undefined) {
    if (!deps.verifyEmbeddedPassword(request.target, request.username, request.password)) {
      throw new SqlConsoleError('bad_credentials', 'password authentication failed for this login');
    }
    return onEmbedded(await embedded, request, deps.marker);
  }
  const address = deps.connectInfo(request.target);
  if (deps.targetUrl === undefined || address === undefined) throw new SqlConsoleError('unknown_target', `no database behind ${request.target}`);
  return deps.targetUrl.startsWith('mysql:') ? onMysql(address, request) : onPostgres(address, request);
}
