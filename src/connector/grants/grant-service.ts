import { setTimeout as sleep } from 'node:timers/promises';
import { sealCredential, type CredentialKey, type CredentialPlaintext, type GrantCreated, type GrantRequest, type GrantState, type GrantStatus, type Revoked } from '../../protocol';
import { DriverError } from '../drivers/driver';
import { ConnectorError } from '../errors';
import type { Gateway } from '../gateway/gateway';
import { failpoint } from '../failpoints';
import type { GrantRecord } from '../ledger/record';
import type { Target } from '../targets';
import type { GrantContext } from './context';
import { fingerprint, newGrantRecord, toStatus, tombstone } from './grant-record';
import { KeyedMutex } from './keyed-mutex';
import { cleanupRecord, managedRef, nothingLeft, revokeRecord } from './revocation';
import { ephemeralUsername, generatePassword } from './usernames';

const LEASE_WAIT_MS = 5_000;
const LEASE_POLL_MS = 25;

const ENDED: readonly GrantRecord['state'][] = ['tombstone', 'revoking', 'revoked', 'expired'];

/** The operations behind the HTTP API. Every change to one grant runs under that grant's lock. */
export class GrantService {
  private readonly locks = new KeyedMutex();

  constructor(private readonly context: GrantContext) {}

  async create(request: GrantRequest): Promise<{ status: 200 | 201; body: GrantCreated }> {
    const target = this.context.targets.get(request.target);
    if (!target) throw new ConnectorError('unknown_target', `no target ${request.target}; GET /v1/targets lists the targets`);
    if (!Object.hasOwn(target.config.roles, request.role)) {
      throw new ConnectorError('unknown_role', `target ${request.target} has no role ${request.role}; it offers ${Object.keys(target.config.roles).join(', ')}`);
    }
    if (Date.parse(request.notAfter) <= this.context.now().getTime()) throw new ConnectorError('bad_request', 'notAfter must be in the future');
    // No database accepts NUL in a login name, and a PostgreSQL ledger cannot store it (jsonb refuses \u0000).
    if (request.principal.dbUser?.includes('\0')) throw new ConnectorError('bad_request', 'principal.dbUser must not contain NUL characters');
    if (target.config.access === 'gateway' && request.mode !== 'ephemeral') {
      throw new ConnectorError('bad_request', `target ${request.target} is behind the SQL gateway, which opens sessions as an ephemeral login: use mode ephemeral`);
    }
    const loginProblem = request.principal.dbUser ? target.driver.loginNameProblem?.(request.principal.dbUser) : null;
    if (loginProblem) throw new ConnectorError('unknown_role', `principal.dbUser cannot be a login on target ${request.target}: ${loginProblem}`);

    return this.locks.run(request.grantId, async () => {
      const fresh = newGrantRecord(request, ephemeralUsername(request.grantId, target.driver.maxUsernameLength), this.context.now());
      const inserted = await this.context.ledger.insert(fresh);
      return this.leased(request.grantId, async () => {
        if (inserted) return this.grant(fresh, target, request.credentialKey, 201);
        const existing = await this.requireRecord(request.grantId);
        if (ENDED.includes(existing.state)) throw new ConnectorError('grant_revoked', `grant ${request.grantId} was revoked; use a new grantId`);
        if (existing.fingerprint !== fingerprint(request)) {
          throw new ConnectorError('grant_conflict', `grant ${request.grantId} exists with a different request; use a new grantId`);
        }
        if (existing.state === 'active' || existing.state === 'pending') return this.repeat(existing, target);
        return this.grant(existing, target, request.credentialKey, 200);
      });
    });
  }

  async get(grantId: string): Promise<GrantStatus> {
    const record = await this.context.ledger.get(grantId);
    if (!record) throw new ConnectorError('not_found', `no grant ${grantId}`);
    return toStatus(record);
  }

  async list(state?: GrantState): Promise<GrantStatus[]> {
    const records = await this.context.ledger.list();
    return records.map(toStatus).filter((status) => !state || status.state === state);
  }

  async revoke(grantId: string): Promise<{ status: 200 | 202; body: Revoked }> {
    return this.locks.run(grantId, async () => {
      const stone = tombstone(grantId, this.context.now());
      if (await this.context.ledger.insert(stone)) return { status: 200, body: { grantId, state: 'revoked', revokedAt: stone.revokedAt ?? stone.createdAt } };
      return this.leased(
        grantId,
        async () => {
          let record = await this.requireRecord(grantId);
          // A grant that failed before anything was made: revoked, once the database shows that is so.
          if (record.state === 'failed' && !record.needsCleanup && (await nothingLeft(this.context, record))) {
            record = { ...record, state: 'revoked', revokedAt: this.context.now().toISOString(), revokeReason: 'requested', updatedAt: this.context.now().toISOString() };
            await this.context.ledger.update(record);
          } else if (record.state !== 'revoked' && record.state !== 'expired' && record.state !== 'tombstone') {
            record = await revokeRecord(this.context, record, 'requested');
          }
          if (record.state === 'revoking') return { status: 202, body: { grantId, state: 'revoking' } };
          return { status: 200, body: { grantId, state: 'revoked', revokedAt: record.revokedAt ?? this.context.now().toISOString() } };
        },
        // Still held after the wait: the holder is revoking it (an expiry, a retry), or it is busy otherwise.
        async () => ((await this.requireRecord(grantId)).state === 'revoking' ? { status: 202, body: { grantId, state: 'revoking' } } : undefined),
      );
    });
  }

  async extend(grantId: string, notAfter: string): Promise<GrantStatus> {
    if (!(await this.context.ledger.get(grantId))) throw new ConnectorError('not_found', `no grant ${grantId}`);
    return this.locks.run(grantId, () => this.leased(grantId, async () => {
      const record = await this.requireRecord(grantId);
      if (ENDED.includes(record.state)) throw new ConnectorError('grant_revoked', `grant ${grantId} has ended; request a new grant`);
      if (record.state !== 'active' && record.state !== 'pending') throw new ConnectorError('grant_conflict', `grant ${grantId} is ${record.state}, not active`);
      const newEnd = new Date(notAfter);
      if (record.notAfter && newEnd.getTime() <= Date.parse(record.notAfter)) {
        throw new ConnectorError('bad_request', `extend only moves the end later than ${record.notAfter}; revoke to end access earlier`);
      }
      const target = this.requireTarget(record);
      await this.driverCall(record, 'extend', () => target.driver.extend({ ...managedRef(record, this.context), notAfter: newEnd }));
      const extended: GrantRecord = { ...record, notAfter: newEnd.toISOString(), updatedAt: this.context.now().toISOString() };
      await this.context.ledger.update(extended);
      this.context.log.info({ event: 'grant.extended', grantId, target: record.target, notAfter: extended.notAfter });
      return toStatus(extended);
    }));
  }

  /**
   * Runs `work` holding the grant's lease, so it never overlaps a scheduler pass or another replica's request on
   * the same grant. A holder is waited for up to LEASE_WAIT_MS; after that `busy` may answer instead, or the
   * request is refused as retryable.
   */
  private async leased<T>(grantId: string, work: () => Promise<T>, busy: () => Promise<T | undefined> = async () => undefined): Promise<T> {
    const deadline = Date.now() + LEASE_WAIT_MS;
    while (!(await this.context.leases.acquire(grantId))) {
      if (Date.now() >= deadline) {
        const answer = await busy();
        if (answer !== undefined) return answer;
        throw new ConnectorError('target_unavailable', `grant ${grantId} is being worked on (an expiry or another replica); retry with the same request`);
      }
      await sleep(LEASE_POLL_MS);
    }
    try {
      return await work();
    } finally {
      await this.context.leases.release(grantId).catch(() => undefined);
    }
  }

  private async requireRecord(grantId: string): Promise<GrantRecord> {
    const record = await this.context.ledger.get(grantId);
    if (!record) throw new ConnectorError('not_found', `no grant ${grantId}`);
    return record;
  }

  /**
   * Creates access for a record already in the ledger as `granting` (new) or `failed`/stale (a retry). In ephemeral
   * mode the new password leaves only sealed to `credentialKey` (for the login `record.name`, which the driver
   * creates under that name), and that sealed form is what the ledger keeps. For a gateway target what is sealed is a
   * second, gateway-only password; the login's own is handed to the gateway and never leaves the connector.
   */
  private async grant(record: GrantRecord, target: Target, credentialKey: CredentialKey | undefined, status: 200 | 201): Promise<{ status: 200 | 201; body: GrantCreated }> {
    const now = this.context.now();
    const enabled = !record.notBefore || Date.parse(record.notBefore) <= now.getTime();
    const password = record.mode === 'ephemeral' ? generatePassword() : undefined;
    const granting: GrantRecord = { ...record, state: 'granting', lastError: null, updatedAt: now.toISOString() };
    if (record.state !== 'granting') await this.context.ledger.update(granting);
    failpoint('grant.after-intent');
    let username: string;
    let credential: string | null = null;
    try {
      const gateway = password !== undefined && target.config.access === 'gateway' ? { to: this.requireGateway(record), password: generatePassword() } : undefined;
      // Sealed before the database is touched, so a key nothing can be sealed to creates nothing.
      if (password !== undefined) credential = await sealFor(credentialKey, { username: record.name, password: gateway?.password ?? password });
      ({ username } = await target.driver.grant({
        ...managedRef(record, this.context),
        grantId: record.grantId,
        password,
        notAfter: new Date(record.notAfter ?? now),
        enabled,
      }));
      if (gateway && password !== undefined) {
        await gateway.to.admit({ grantId: record.grantId, target: record.target, username, password: gateway.password, databasePassword: password });
      }
    } catch (error) {
      const nothingCreated = error instanceof ConnectorError || (error instanceof DriverError && (error.code === 'conflict' || error.code === 'invalid_access'));
      const failed: GrantRecord = { ...granting, state: 'failed', needsCleanup: !nothingCreated, lastError: String((error as Error).message), updatedAt: this.context.now().toISOString() };
      await this.context.ledger.update(failed);
      this.context.metrics.grants.inc({ target: record.target, result: 'failed' });
      if (!nothingCreated) await cleanupRecord(this.context, failed);
      throw error instanceof ConnectorError ? error : this.toConnectorError(error, 'grant');
    }
    failpoint('grant.after-driver');
    const done: GrantRecord = { ...granting, state: enabled ? 'active' : 'pending', username, credential, updatedAt: this.context.now().toISOString() };
    await this.context.ledger.update(done);
    failpoint('grant.after-outcome');
    this.context.metrics.grants.inc({ target: record.target, result: status === 201 ? 'created' : 'retried' });
    this.context.log.info({ event: 'grant.created', grantId: record.grantId, target: record.target, role: record.role, mode: record.mode, username, notAfter: record.notAfter });
    return { status, body: this.created(done, target) };
  }

  /**
   * The same request again: the same answer, sealed credential included. Nothing on the database changes. A gateway
   * grant's sealed credential works only while this process holds its verifier (memory only): after a restart, or on
   * another replica, it is refused here instead of being handed out dead.
   */
  private async repeat(record: GrantRecord, target: Target): Promise<{ status: 200; body: GrantCreated }> {
    if (target.config.access === 'gateway' && record.mode === 'ephemeral' && !this.context.gateway?.holds(record.grantId)) {
      throw new ConnectorError(
        'grant_conflict',
        `the gateway credential of grant ${record.grantId} is no longer held: gateway credentials live in the memory of the connector process that issued them, so it was lost when the connector restarted (or is held by another replica); revoke this grant and request access with a new grantId`,
      );
    }
    this.context.metrics.grants.inc({ target: record.target, result: 'repeated' });
    return { status: 200, body: this.created(record, target) };
  }

  private created(record: GrantRecord, target: Target): GrantCreated {
    return {
      grantId: record.grantId,
      state: record.state === 'pending' ? 'pending' : 'active',
      username: record.username ?? record.name,
      ...(record.credential ? { credential: record.credential } : {}),
      connect: target.connect,
      ...(record.notBefore ? { notBefore: record.notBefore } : {}),
      notAfter: record.notAfter ?? '',
    };
  }

  private requireGateway(record: GrantRecord): Gateway {
    if (!this.context.gateway) throw new ConnectorError('internal', `target ${record.target} is behind the SQL gateway, which is not running`);
    return this.context.gateway;
  }

  private requireTarget(record: GrantRecord): Target {
    const target = this.context.targets.get(record.target);
    if (!target) throw new ConnectorError('internal', `target ${record.target} of grant ${record.grantId} is no longer configured`);
    return target;
  }

  private async driverCall<T>(record: GrantRecord, operation: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      this.context.metrics.failures.inc({ target: record.target, operation, retryable: String(error instanceof DriverError && error.retryable) });
      throw this.toConnectorError(error, operation);
    }
  }

  private toConnectorError(error: unknown, operation: string): ConnectorError {
    if (!(error instanceof DriverError)) return new ConnectorError('internal', `${operation} failed unexpectedly`, { cause: error });
    if (error.code === 'invalid_access') return new ConnectorError('unknown_role', error.message, { cause: error });
    if (error.code === 'conflict') return new ConnectorError('grant_conflict', error.message, { cause: error });
    if (error.retryable || error.code === 'unreachable') {
      return new ConnectorError('target_unavailable', `${operation} failed: the database is unavailable (${error.message}); retry with the same grantId`, { cause: error });
    }
    return new ConnectorError('internal', `${operation} failed: ${error.message}`, { cause: error });
  }
}

async function sealFor(key: CredentialKey | undefined, plaintext: CredentialPlaintext): Promise<string> {
  if (!key) throw new ConnectorError('bad_request', 'ephemeral mode needs credentialKey, the public key the credential is sealed to');
  try {
    return await sealCredential(key, plaintext);
  } catch {
    throw new ConnectorError('bad_request', 'credentialKey is not a usable X25519 public key; generate a fresh key pair');
  }
}
