import { Pool } from 'pg';
import type { Ledger } from './ledger';
import { GRANTING_STALE_MS } from './ledger';
import { grantRecordSchema, type GrantRecord } from './record';

/**
 * A ledger in a PostgreSQL table, so several connector replicas share one view of every grant. Due work is
 * claimed with `FOR UPDATE SKIP LOCKED` and a lease, so two replicas never revoke the same grant at once and a
 * replica that dies mid-revocation leaves its lease to expire and another takes over.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS jit_connector_grants (
  grant_id        text PRIMARY KEY,
  state           text NOT NULL,
  not_before      timestamptz,
  not_after       timestamptz,
  next_attempt_at timestamptz,
  updated_at      timestamptz NOT NULL,
  needs_cleanup   boolean NOT NULL DEFAULT false,
  callback_pending boolean NOT NULL DEFAULT false,
  lease_owner     text,
  lease_until     timestamptz,
  record          jsonb NOT NULL
);
CREATE INDEX IF NOT EXISTS jit_connector_grants_due ON jit_connector_grants (not_after) WHERE state IN ('active', 'pending');
CREATE INDEX IF NOT EXISTS jit_connector_grants_leased ON jit_connector_grants (lease_owner) WHERE lease_owner IS NOT NULL;
CREATE INDEX IF NOT EXISTS jit_connector_grants_work ON jit_connector_grants (state) WHERE state IN ('granting', 'revoking') OR needs_cleanup OR callback_pending;
CREATE TABLE IF NOT EXISTS jit_connector_requests (
  request_key text PRIMARY KEY,
  until       timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS jit_connector_requests_until ON jit_connector_requests (until);
`;

/** Replay memory: a key is taken when it is new or its window has passed (then it is reused, not duplicated). */
const REMEMBER_REQUEST = `
INSERT INTO jit_connector_requests (request_key, until) VALUES ($1, $2)
ON CONFLICT (request_key) DO UPDATE SET until = EXCLUDED.until WHERE jit_connector_requests.until < $3`;

const PRUNE_EVERY_MS = 60_000;

const COLUMNS = 'grant_id, state, not_before, not_after, next_attempt_at, updated_at, needs_cleanup, callback_pending, record';
const VALUES = '$1, $2, $3, $4, $5, $6, $7, $8, $9';

const CLAIM = `
UPDATE jit_connector_grants SET lease_owner = $1, lease_until = $2::timestamptz + make_interval(secs => $4::float8 / 1000)
WHERE grant_id IN (
  SELECT grant_id FROM jit_connector_grants
  WHERE (lease_until IS NULL OR lease_until <= $2)
    AND (
      (state = 'active' AND not_after <= $2)
      OR (state = 'pending' AND (not_before <= $2 OR not_after <= $2))
      OR (state = 'granting' AND updated_at <= $2::timestamptz - make_interval(secs => $5::float8 / 1000))
      OR ((state = 'revoking' OR (state = 'failed' AND needs_cleanup) OR (state IN ('revoked', 'expired') AND callback_pending))
          AND (next_attempt_at IS NULL OR next_attempt_at <= $2))
    )
  ORDER BY not_after NULLS FIRST
  LIMIT $3
  FOR UPDATE SKIP LOCKED
)
RETURNING record`;

export class PostgresLedger implements Ledger {
  readonly exclusive = false;
  private requestsPrunedAt = 0;

  private constructor(private readonly pool: Pool) {}

  static async open(url: string): Promise<PostgresLedger> {
    const pool = new Pool({ connectionString: url, max: 4 });
    // An idle client whose server went away emits 'error' on the pool; unheard, it would end the process. The
    // pool drops that client by itself and the next query connects afresh (or fails, and says so).
    pool.on('error', () => undefined);
    const client = await pool.connect();
    try {
      // Serialise the first-time DDL between replicas starting together.
      await client.query('SELECT pg_advisory_lock(hashtext($1))', ['jit_connector_grants']);
      await client.query(SCHEMA);
      await client.query('SELECT pg_advisory_unlock(hashtext($1))', ['jit_connector_grants']);
    } finally {
      client.release();
    }
    return new PostgresLedger(pool);
  }

  async get(grantId: string): Promise<GrantRecord | undefined> {
    const { rows } = await this.pool.query('SELECT record FROM jit_connector_grants WHERE grant_id = $1', [grantId]);
    return rows[0] ? grantRecordSchema.parse(rows[0].record) : undefined;
  }

  async insert(record: GrantRecord): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `INSERT INTO jit_connector_grants (${COLUMNS}) VALUES (${VALUES}) ON CONFLICT (grant_id) DO NOTHING`,
      columns(record),
    );
    return rowCount === 1;
  }

  async update(record: GrantRecord): Promise<void> {
    const { rowCount } = await this.pool.query(
      `UPDATE jit_connector_grants SET (${COLUMNS}) = (${VALUES}) WHERE grant_id = $1`,
      columns(record),
    );
    if (rowCount !== 1) throw new Error(`ledger has no grant ${record.grantId}`);
  }

  async list(states?: readonly GrantRecord['state'][]): Promise<GrantRecord[]> {
    const { rows } = states
      ? await this.pool.query('SELECT record FROM jit_connector_grants WHERE state = ANY($1) ORDER BY grant_id', [states])
      : await this.pool.query('SELECT record FROM jit_connector_grants ORDER BY grant_id');
    return rows.map((row) => grantRecordSchema.parse(row.record));
  }

  async claimDue(now: Date, limit: number, owner: string, leaseMs: number): Promise<GrantRecord[]> {
    const { rows } = await this.pool.query(CLAIM, [owner, now.toISOString(), limit, leaseMs, GRANTING_STALE_MS]);
    return rows.map((row) => grantRecordSchema.parse(row.record));
  }

  async acquire(grantId: string, owner: string, now: Date, leaseMs: number): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `UPDATE jit_connector_grants SET lease_owner = $2, lease_until = $3::timestamptz + make_interval(secs => $4::float8 / 1000)
       WHERE grant_id = $1 AND (lease_until IS NULL OR lease_until <= $3)`,
      [grantId, owner, now.toISOString(), leaseMs],
    );
    return rowCount === 1;
  }

  async renew(owner: string, now: Date, leaseMs: number): Promise<void> {
    await this.pool.query(
      `UPDATE jit_connector_grants SET lease_until = $2::timestamptz + make_interval(secs => $3::float8 / 1000) WHERE lease_owner = $1`,
      [owner, now.toISOString(), leaseMs],
    );
  }

  async release(grantId: string, owner: string): Promise<void> {
    await this.pool.query('UPDATE jit_connector_grants SET lease_owner = NULL, lease_until = NULL WHERE grant_id = $1 AND lease_owner = $2', [
      grantId,
      owner,
    ]);
  }

  async rememberRequest(key: string, until: Date, now: Date): Promise<boolean> {
    if (now.getTime() - this.requestsPrunedAt >= PRUNE_EVERY_MS) {
      this.requestsPrunedAt = now.getTime();
      await this.pool.query('DELETE FROM jit_connector_requests WHERE until < $1', [now.toISOString()]);
    }
    const { rowCount } = await this.pool.query(REMEMBER_REQUEST, [key, until.toISOString(), now.toISOString()]);
    return rowCount === 1;
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

function columns(record: GrantRecord): unknown[] {
  return [
    record.grantId,
    record.state,
    record.notBefore,
    record.notAfter,
    record.nextAttemptAt,
    record.updatedAt,
    record.needsCleanup,
    record.callbackPending,
    JSON.stringify(record),
  ];
}
