import { AppError } from '../app-error';
import { applyEvent, type EventResult } from '../flow/apply-event';
import { displayNames } from '../jira/user-names';
import { takeCredential } from '../storage/credential-store';
import type { StoredGrant } from '../storage/grant-entity';
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
      pendingExtension: pending
        ? { extendBy: pending.extendBy, requestedAt: pending.at, group: pending.group, groupName: settings.approverGroups.find((group) => group.id === pending.group)?.name ?? pending.group }
        : null,
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
  handler: async ({ grant, settings, config }) => {
    const stored = required(grant);
    const written = decided(await applyEvent(stored, { kind: 'reveal' }, settings, config));
    const { record } = written;
    if (!record.username || !record.connect || !record.window) throw new AppError('invalid_state', 'Access is not active.');
    const credential = await takeCredential(record.ticket);
    if (!credential) throw new AppError('not_found', 'The password was already shown, or access has ended.');
    return { username: record.username, password: credential.password, connect: record.connect, notAfter: record.window.notAfter };
  },
});

export const revokeNow = defineResolver('revokeNow', {
  roles: ['requester', 'approver', 'agent', 'admin'],
  ticket: true,
  handler: async ({ grant, settings, config, caller, payload }) => {
    const stored = required(grant);
    const after = decided(await applyEvent(stored, { kind: 'revoke', by: caller.accountId, reason: payload.reason ?? 'revoked from the access panel' }, settings, config));
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
  handler: async ({ grant, settings, config, caller }) => {
    const written = decided(await applyEvent(required(grant), { kind: 'cancel', by: caller.accountId }, settings, config));
    return { state: written.record.state };
  },
});

/**
 * Sends a grant that is stuck (waiting, or still granting after failed attempts) to the queue again, with
 * the same connector grantId (the connector is idempotent by it), or retries a failed grant: the ticket
 * goes back by the retry transition and the grant starts again under a new grantId.
 */
export const retryGrant = defineResolver('retryGrant', {
  roles: ['admin'],
  ticket: true,
  handler: async ({ grant, settings, config, caller }) => {
    const written = decided(await applyEvent(required(grant), { kind: 'retry', by: caller.accountId }, settings, config));
    // A grant waiting for its window has no grant id yet: it gets one when it starts.
    return { queued: true as const, grantId: written.record.grantId ?? null };
  },
});

/** The grant after an event: a refusal is the caller's `invalid_state`, a lost race a `conflict`. */
function decided(result: EventResult): StoredGrant {
  if (result.refused !== undefined) throw new AppError('invalid_state', result.refused);
  if (!result.stored) throw new AppError('conflict', 'The grant changed meanwhile; try again.');
  return result.stored;
}
