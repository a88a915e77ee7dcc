import { markCredentialRevealed } from '../../core';
import { AppError } from '../app-error';
import { applySteps, oweTicketWrites } from '../flow/apply-steps';
import { displayNames } from '../jira/user-names';
import { retryFailedGrant } from '../flow/retry-grant';
import { revokeAccess } from '../flow/revoke-access';
import { planJob, pushGrantJob } from '../queue/grant-queue';
import { takeCredential } from '../storage/credential-store';
import type { StoredGrant } from '../storage/grant-entity';
import { updateGrant } from '../storage/grant-store';
import { isRetryable } from './retryable';
import { defineResolver } from './define-resolver';

/** Resolvers of the ticket panel and the portal request view. */

function required(grant: StoredGrant | undefined): StoredGrant {
  if (!grant) throw new AppError('not_found', 'This ticket has no database access request.');
  return grant;
}

const VIEWER_ROLES = ['admin', 'agent', 'approver'] as const;

export const getGrant = defineResolver('getGrant', {
  roles: ['requester', 'approver', 'agent', 'admin'],
  ticket: true,
  handler: async ({ grant, caller, settings, config }) => {
    const isRequester = caller.roles.has('requester');
    const pending = grant?.meta.pendingExtension;
    const engine = grant ? settings.targets.find((target) => target.id === grant.record.target)?.engine : undefined;
    const record = grant?.record;
    const people = record
      ? await displayNames([
          record.requester.accountId,
          ...record.approvers.map((approver) => approver.accountId),
          ...record.history.map((entry) => entry.actor),
          ...(grant.meta.refusedApprovals ?? []).map((refusal) => refusal.accountId),
        ])
      : {};
    return {
      grant: grant?.record ?? null,
      reasons: grant?.meta.reasons ?? [],
      refusedApprovals: grant?.meta.refusedApprovals ?? [],
      credentialAvailable: Boolean(isRequester && grant?.record.state === 'active' && !grant.record.credential?.revealedAt),
      viewer: { isRequester, roles: VIEWER_ROLES.filter((role) => caller.roles.has(role)) },
      pendingExtension: pending ? { extendBy: pending.extendBy, requestedAt: pending.at, group: pending.group } : null,
      engine: engine ?? null,
      people,
      contact: config.contact ?? null,
    };
  },
});

/**
 * Shows the one-time password to the requester, once: it is taken out of secret storage (deleted) as it
 * is read, and the record notes when it was revealed.
 */
export const revealCredential = defineResolver('revealCredential', {
  roles: ['requester'],
  ticket: true,
  handler: async ({ grant }) => {
    const stored = required(grant);
    const { record } = stored;
    if (record.state !== 'active' || !record.username || !record.connect || !record.window) throw new AppError('invalid_state', 'Access is not active.');
    const revealed = markCredentialRevealed(record, new Date());
    // The record holds when it was revealed, never the password, so its property needs no secret to check against.
    const written = await oweTicketWrites(stored, { record: revealed, property: true });
    if (!written) throw new AppError('conflict', 'The grant changed meanwhile; try again.');
    const credential = await takeCredential(record.ticket);
    if (!credential) throw new AppError('not_found', 'The password was already shown, or access has ended.');
    return { username: record.username, password: credential.password, connect: record.connect, notAfter: record.window.notAfter };
  },
});

export const revokeNow = defineResolver('revokeNow', {
  roles: ['requester', 'approver', 'agent', 'admin'],
  ticket: true,
  handler: async ({ grant, settings, caller, payload }) => {
    const stored = required(grant);
    if (stored.record.state === 'awaiting-approval') throw new AppError('invalid_state', 'Nothing was granted yet: cancel the request instead.');
    const reason = payload.reason ?? 'revoked from the access panel';
    const after = await revokeAccess(stored, settings, caller.accountId, reason, { moves: [{ transition: settings.transitions.markRevoked }] });
    if (!after) throw new AppError('conflict', 'The grant changed meanwhile; try again.');
    return { state: after.record.state, pending: after.meta.revokeRequested !== undefined };
  },
});

/**
 * Withdraws a request nobody approved yet: the ticket closes by the cancel transition and the record says
 * it ended before access started (nothing exists at the connector, so nothing is revoked there).
 */
export const cancelRequest = defineResolver('cancelRequest', {
  roles: ['requester', 'agent', 'admin'],
  ticket: true,
  handler: async ({ grant, settings, caller }) => {
    const stored = required(grant);
    if (stored.record.state !== 'awaiting-approval') throw new AppError('invalid_state', 'Only a request still waiting for approval can be cancelled.');
    const written = await applySteps(stored, settings, [{ event: 'revoked', actor: caller.accountId, note: 'cancelled before approval' }], {
      moves: [{ transition: settings.transitions.cancel }],
    });
    if (!written) throw new AppError('conflict', 'The grant changed meanwhile; try again.');
    return { state: written.record.state };
  },
});

/**
 * Sends a grant that is stuck (waiting, or still granting after failed attempts) to the queue again, with
 * the same connector grantId (the connector is idempotent by it), or retries a failed grant: the ticket
 * goes back by the retry transition and the grant starts again under a new grantId (retryFailedGrant).
 */
export const retryGrant = defineResolver('retryGrant', {
  roles: ['admin'],
  ticket: true,
  handler: async ({ grant, settings, caller }) => {
    const stored = required(grant);
    if (!isRetryable(stored.record)) throw new AppError('invalid_state', `A grant that is ${stored.record.state} cannot be retried.`);
    if (stored.record.state === 'failed') {
      const grantId = await retryFailedGrant(stored, settings, caller.accountId);
      if (!grantId) throw new AppError('conflict', 'The grant changed meanwhile; try again.');
      return { queued: true as const, grantId };
    }
    const job = planJob(Date.now());
    const written = await updateGrant(stored, { ...stored, meta: { ...stored.meta, job } });
    if (!written) throw new AppError('conflict', 'The grant changed meanwhile; try again.');
    await pushGrantJob(stored.ticket, job);
    // A grant waiting for its window has no grant id yet: it gets one when it starts.
    return { queued: true as const, grantId: written.record.grantId ?? null };
  },
});
