import { Client, Pool, type PoolClient } from 'pg';
import type { Logger } from '../../log';
import { isConnectionFailure } from './errors';
import { sql } from './statements';

const SESSION = {
  connectionTimeoutMillis: 5_000,
  application_name: 'jit-connector',
  // A customer transaction holding a lock on an object the login owns must not stall a revocation forever:
  // fail with 55P03 (retryable) instead and let the connector try again.
  lock_timeout: 10_000,
  statement_timeout: 30_000,
} as const;

/** A small pool per target; the connector does a handful of short administrative statements at a time. */
export function createPool(url: string, log: Logger): Pool {
  return watched(new Pool({ connectionString: url, max: 16, idleTimeoutMillis: 30_000, ...SESSION }), log);
}

/**
 * Connections only revocations use (revoke, verify, cut off, terminate) and the clock reading that keeps one
 * open. Idle ones are never closed, so a revocation neither queues behind grant work nor needs a new connection
 * from a server that may be refusing them (max_connections reached, the host out of file descriptors).
 */
export function createRevocationPool(url: string, log: Logger): Pool {
  return watched(new Pool({ connectionString: url, max: REVOCATION_CONNECTIONS, idleTimeoutMillis: 0, ...SESSION }), log);
}

const REVOCATION_CONNECTIONS = 8;

function watched(pool: Pool, log: Logger): Pool {
  // An idle client whose server went away emits 'error' on the pool; unhandled, it would end the process.
  pool.on('error', (error) => log.warn({ err: { name: error.name, code: 'code' in error ? error.code : undefined } }, 'postgres idle client error'));
  return pool;
}

export async function withClient<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  // pg emits 'error' on a checked-out client whose connection dies, besides failing its query; the pool listens
  // only to idle clients, and an 'error' nobody listens to ends the process. The failed query reports it.
  client.on('error', ignoreConnectionError);
  let destroy = false;
  try {
    return await work(client);
  } catch (error) {
    // The connection itself failed; do not return it to the pool.
    destroy = isConnectionFailure(error);
    throw error;
  } finally {
    client.removeListener('error', ignoreConnectionError);
    client.release(destroy);
  }
}

function ignoreConnectionError(): void {}

export async function inTransaction<T>(client: PoolClient, work: () => Promise<T>): Promise<T> {
  await client.query(sql.begin);
  try {
    const result = await work();
    await client.query(sql.commit);
    return result;
  } catch (error) {
    await client.query(sql.rollback).catch(() => undefined);
    throw error;
  }
}

/** One short session as the admin in another database of the target's cluster. */
export async function withDatabase<T>(url: string, database: string, work: (client: Client) => Promise<T>): Promise<T> {
  const address = new URL(url);
  address.pathname = `/${encodeURIComponent(database)}`;
  const client = new Client({ connectionString: address.toString(), ...SESSION });
  client.on('error', ignoreConnectionError);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}
