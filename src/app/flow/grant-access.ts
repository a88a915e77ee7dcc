import { grantIdOf, nextStep, type Settings } from '../../core';
import { ConnectorRequestError, type GrantCreated } from '../../protocol';
import { AppError, isAppError } from '../app-error';
import { connectorClient } from '../connector/connector-access';
import { logEvent } from '../log';
import type { GrantJob } from '../queue/grant-queue';
import type { AppConfig } from '../storage/app-config';
import { credentialKeyFor, deleteCredential, storeSealedCredential } from '../storage/credential-store';
import type { StoredGrant } from '../storage/grant-entity';
import { getGrant } from '../storage/grant-store';
import { loadAppConfig, loadSettings } from '../storage/settings-store';
import { applyNext, factsOf, stepSettings } from './apply-next';

export type GrantOutcome = { kind: 'done' } | { kind: 'retry'; afterSeconds: number; reason: string };

const DONE: GrantOutcome = { kind: 'done' };

/**
 * One grant job, as `nextStep` decides it: only the job whose token the grant holds acts; the window is
 * computed from now (durations count from when access starts), the grant id recorded before the connector
 * is asked (idempotent by grantId) for a credential sealed to the grant's own key, which goes to secret
 * storage; then the connector's answer or failure is the next event. A failure the connector may recover
 * from is retried with backoff (visible on the ticket from the first failure) until maxGrantAttempts, then
 * the grant fails.
 */
export async function runGrantJob(job: GrantJob): Promise<GrantOutcome> {
  const stored = await getGrant(job.ticket);
  if (!stored) return DONE;
  const [settings, config] = await Promise.all([loadSettings(), loadAppConfig()]);
  const context = stepSettings(settings, config);
  const applied = await applyNext(stored, nextStep(factsOf(stored), { kind: 'job-delivered', token: job.token }, context, new Date()), settings, config);
  const [create] = applied.connector;
  if (!applied.stored || create?.kind !== 'create-access') return DONE;
  const current = applied.stored;
  const grantId = grantIdOf(current.record);
  let created: GrantCreated;
  try {
    const client = await connectorClient(settings.connectorUrl);
    const credentialKey = await credentialKeyFor(current.ticket, grantId);
    created = await client.createGrant({
      grantId,
      target: current.record.target,
      role: current.record.role,
      principal: { accountId: current.record.requester.accountId, email: current.meta.requesterEmail ?? null },
      mode: 'ephemeral',
      credentialKey,
      notBefore: create.notBefore,
      notAfter: create.notAfter,
      ticket: current.ticket,
      ...(current.meta.justification ? { reason: current.meta.justification } : {}),
    });
  } catch (error) {
    return failedAttempt(current, settings, config, error);
  }
  return recordGranted(current, settings, config, created, create);
}

async function recordGranted(current: StoredGrant, settings: Settings, config: AppConfig, created: GrantCreated, asked: { notBefore: string; capped?: string }): Promise<GrantOutcome> {
  const ticket = current.ticket;
  if (created.credential) await storeSealedCredential(ticket, created.grantId, created.credential);
  const event = { kind: 'access-created' as const, notBefore: asked.notBefore, notAfter: created.notAfter, username: created.username, connect: created.connect, ...(asked.capped ? { capped: asked.capped } : {}) };
  const next = nextStep(factsOf(current), event, stepSettings(settings, config), new Date());
  const applied = await applyNext(current, next, settings, config, created.credential ? { secrets: [created.credential] } : {});
  if (!applied.stored) {
    // Someone else moved the grant on meanwhile (revoked while we granted): do not leave access behind.
    await deleteCredential(ticket);
    const latest = await getGrant(ticket);
    if (latest && latest.record.state !== 'active') {
      const client = await connectorClient(settings.connectorUrl);
      await client.revokeGrant(created.grantId);
      logEvent('grant.revoked-after-race', { ticket, state: latest.record.state });
    }
    return DONE;
  }
  logEvent('grant.active', { ticket, grantId: created.grantId, notAfter: created.notAfter });
  return DONE;
}

async function failedAttempt(current: StoredGrant, settings: Settings, config: AppConfig, error: unknown): Promise<GrantOutcome> {
  const retryable = (error instanceof ConnectorRequestError && error.retryable) || isAppError(error, 'jira_rate_limited');
  const code = error instanceof ConnectorRequestError ? error.code : error instanceof AppError ? error.code : 'error';
  const message = `${code}: ${error instanceof Error ? error.message : String(error)}`;
  logEvent('grant.attempt-failed', { ticket: current.ticket, attempt: current.record.attempts + 1, code, retryable });
  const next = nextStep(factsOf(current), { kind: 'attempt-failed', message, retryable }, stepSettings(settings, config), new Date());
  const applied = await applyNext(current, next, settings, config);
  return applied.stored && applied.retryAfterSeconds !== undefined ? { kind: 'retry', afterSeconds: applied.retryAfterSeconds, reason: code } : DONE;
}
