import { adfDoc, grantIdOf, grantWindow, recordTransition, type GrantRecord, type Settings } from '../../core';
import { ConnectorRequestError, type GrantCreated } from '../../protocol';
import { AppError, isAppError } from '../app-error';
import { connectorClient } from '../connector/connector-access';
import { logEvent } from '../log';
import { MAX_DELAY_SECONDS, pushGrantJob, type GrantJob } from '../queue/grant-queue';
import type { AppConfig } from '../storage/app-config';
import { credentialKeyFor, deleteCredential, storeSealedCredential } from '../storage/credential-store';
import { alertOwed, type StoredGrant } from '../storage/grant-entity';
import { getGrant, updateGrant } from '../storage/grant-store';
import { loadAppConfig, loadSettings } from '../storage/settings-store';
import { applySteps, internalNote, writeProperty, type Step } from './apply-steps';
import { deliverAlert } from './break-glass-alert';
import { warnAtOf } from './warn-at';

export type GrantOutcome = { kind: 'done' } | { kind: 'retry'; afterSeconds: number; reason: string };

const DONE: GrantOutcome = { kind: 'done' };
const GRANTABLE = new Set(['requested', 'approved', 'scheduled', 'granting']);

/**
 * One grant job: only the job whose token the grant holds may act. Computes the window from now
 * (durations count from when access starts), asks the connector (idempotent by grantId) for a credential
 * sealed to the grant's own key, keeps it in secret storage, and records the outcome on the ticket. A failure the connector
 * may recover from is retried with backoff (visible on the ticket from the first failure) until
 * maxGrantAttempts, then the grant fails.
 */
export async function runGrantJob(job: GrantJob): Promise<GrantOutcome> {
  const stored = await getGrant(job.ticket);
  if (!stored || stored.meta.job?.token !== job.token || !GRANTABLE.has(stored.record.state) || stored.meta.revokeRequested) return DONE;
  if (stored.record.state === 'requested' && !stored.record.breakGlass) return DONE;
  const [settings, config] = await Promise.all([loadSettings(), loadAppConfig()]);
  const now = new Date();
  const window = grantWindow(stored.record, stored.meta, settings, now);
  if (!window.ok) return failGrant(stored, settings, window.reason);
  const opensInSeconds = (window.notBefore.getTime() - now.getTime()) / 1000;
  if (opensInSeconds > 5) {
    if (opensInSeconds <= MAX_DELAY_SECONDS) await pushGrantJob(job.ticket, { token: job.token, deliverAt: window.notBefore.toISOString() });
    return DONE;
  }

  let current: StoredGrant | undefined = stored;
  if (stored.record.state === 'approved' || stored.record.state === 'scheduled') {
    // The grant id is recorded before the connector is asked, so a crash between the two leaves an intent the sweep and reconciliation can see.
    const started = recordTransition(stored.record, { event: 'grant-started', at: now, actor: 'app' });
    current = await updateGrant(stored, { ...stored, record: started, meta: { ...stored.meta, job: { token: job.token, deliverAt: now.toISOString() } } });
    if (!current) return DONE;
  }
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
      notBefore: window.notBefore.toISOString(),
      notAfter: window.notAfter.toISOString(),
      ticket: current.ticket,
      ...(current.meta.justification ? { reason: current.meta.justification } : {}),
    });
  } catch (error) {
    return failedAttempt(current, settings, config, error);
  }
  return recordGranted(current, settings, config, created, window.notBefore, window.cappedBy ? window.explanation : undefined);
}

async function recordGranted(
  current: StoredGrant,
  settings: Settings,
  config: AppConfig,
  created: GrantCreated,
  notBefore: Date,
  /** Why access is shorter than asked, when it is. */
  capped: string | undefined,
): Promise<GrantOutcome> {
  const ticket = current.ticket;
  const accessWindow = { notBefore: notBefore.toISOString(), notAfter: created.notAfter };
  const set = {
    window: accessWindow,
    username: created.username,
    connect: created.connect,
    attempts: current.record.attempts + 1,
    lastError: undefined,
    ...(current.meta.reviewTask ? { reviewTask: current.meta.reviewTask } : {}),
  };
  const breakGlass = current.record.state === 'requested';
  const step: Step = breakGlass
    ? { event: 'break-glass', actor: current.record.requester.accountId, ...(current.meta.rule ? { rule: current.meta.rule } : {}), reasons: current.meta.reasons, set }
    : { event: 'grant-succeeded', actor: 'app', set };
  if (created.credential) await storeSealedCredential(ticket, created.grantId, created.credential);
  const written = await applySteps(current, settings, [step], {
    moves: breakGlass ? [{ transition: settings.transitions.approve }, { transition: settings.transitions.markGranted }] : [{ transition: settings.transitions.markGranted }],
    meta: { job: undefined, warnAt: warnAtOf(accessWindow, config) },
    ...(capped ? { publicExtra: adfDoc([[capped]]) } : {}),
    secrets: created.credential ? [created.credential] : [],
  });
  if (!written) {
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
  // A break-glass grant retried after failing is granted as grant-succeeded, and is just as loud.
  if (alertOwed(written)) await deliverAlert(written, config);
  logEvent('grant.active', { ticket, grantId: created.grantId, notAfter: created.notAfter });
  return DONE;
}

async function failedAttempt(current: StoredGrant, settings: Settings, config: AppConfig, error: unknown): Promise<GrantOutcome> {
  const retryable = (error instanceof ConnectorRequestError && error.retryable) || isAppError(error, 'jira_rate_limited');
  const code = error instanceof ConnectorRequestError ? error.code : error instanceof AppError ? error.code : 'error';
  const message = `${code}: ${error instanceof Error ? error.message : String(error)}`.slice(0, 500);
  const attempts = current.record.attempts + 1;
  logEvent('grant.attempt-failed', { ticket: current.ticket, attempt: attempts, code, retryable });
  if (!retryable || attempts >= config.maxGrantAttempts) return failGrant(current, settings, message, attempts);
  const afterSeconds = Math.min(MAX_DELAY_SECONDS, 30 * 2 ** (attempts - 1));
  const record: GrantRecord = { ...current.record, attempts, lastError: message, updatedAt: new Date().toISOString() };
  // The platform redelivers this job after the backoff; the sweep re-sends it if that is lost.
  const retry = current.meta.job && { token: current.meta.job.token, deliverAt: new Date(Date.now() + afterSeconds * 1000).toISOString() };
  const written = await updateGrant(current, { ...current, record, meta: { ...current.meta, job: retry } });
  if (!written) return DONE;
  if (attempts === 1) {
    await internalNote(current.ticket, [
      `Granting access failed (attempt 1 of ${config.maxGrantAttempts}): ${message}`,
      `The app retries with backoff, first in ${afterSeconds} s; nothing is granted twice.`,
    ]);
    await writeProperty(record);
  }
  return { kind: 'retry', afterSeconds, reason: code };
}

async function failGrant(current: StoredGrant, settings: Settings, reason: string, attempts = current.record.attempts): Promise<GrantOutcome> {
  const failed: Step = { event: 'grant-failed', actor: 'app', note: reason, set: { attempts, lastError: reason.slice(0, 500) } };
  // The lifecycle fails a grant only once it started (or, for break-glass, straight from the request).
  const notStarted = current.record.state === 'approved' || current.record.state === 'scheduled';
  const steps: Step[] = notStarted ? [{ event: 'grant-started', actor: 'app' }, failed] : [failed];
  await applySteps(current, settings, steps, {
    moves: [{ transition: settings.transitions.markFailed }],
    meta: { job: undefined },
  });
  return DONE;
}
