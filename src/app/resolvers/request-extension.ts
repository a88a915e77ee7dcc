import { computeExtension, decide, describeDuration, formatDuration, grantIdOf, parseDuration, plannedWindowOf, readableTime, requesterReason, warnAtOf, type Settings } from '../../core';
import { AppError } from '../app-error';
import { connectorClient } from '../connector/connector-access';
import { applySteps, oweTicketWrites } from '../flow/apply-steps';
import { jira } from '../jira/jira-client';
import type { AppConfig } from '../storage/app-config';
import type { StoredGrant } from '../storage/grant-entity';
import type { Caller } from './authorise';
import { defineResolver } from './define-resolver';

type Outcome = { outcome: 'extended' | 'needs-approval' | 'denied' | 'declined'; notAfter?: string; reasons: string[] };

/**
 * An extension is a new policy decision, never silent: the requester asks (`extendBy`), the policy
 * auto-approves, sends it to approvers (who answer with `decision`), or denies. Access that is still
 * valid is never shortened or dropped: a refusal leaves the window as it is.
 */
export const requestExtension = defineResolver('requestExtension', {
  roles: ['requester', 'approver'],
  ticket: true,
  handler: async ({ payload, grant, settings, config, caller }): Promise<Outcome> => {
    if (!grant || grant.record.state !== 'active' || !grant.record.window) throw new AppError('invalid_state', 'Only active access can be extended.');
    if ('extendBy' in payload) {
      if (!caller.roles.has('requester')) throw new AppError('forbidden', 'Only the requester asks for an extension.');
      return ask(grant, settings, config, payload.extendBy);
    }
    return answer(grant, settings, config, caller, payload.decision);
  },
});

async function ask(grant: StoredGrant, settings: Settings, config: AppConfig, extendBy: string): Promise<Outcome> {
  const { record, meta } = grant;
  const window = record.window;
  if (!window) throw new AppError('invalid_state', 'Only active access can be extended.');
  const total = Date.parse(window.notAfter) + parseDuration(extendBy) - Date.parse(window.notBefore);
  const needsGroups = settings.policies.some((rule) => rule.enabled && rule.when.requesterGroups);
  const decision = decide(
    {
      target: record.target,
      accessLevel: record.accessLevel,
      requester: { accountId: record.requester.accountId, groups: needsGroups ? await jira.userGroups(record.requester.accountId) : [] },
      duration: formatDuration(Math.floor(total / 1000) * 1000),
      breakGlass: record.breakGlass,
      ...(meta.change ? { change: meta.change } : {}),
    },
    settings,
    new Date(),
  );
  if (decision.outcome.type === 'auto-approve') return extend(grant, settings, config, extendBy, 'app', decision.rule, decision.reasons);
  if (decision.outcome.type === 'approval') {
    const group = decision.outcome.group;
    const groupName = settings.approverGroups.find((candidate) => candidate.id === group)?.name ?? group;
    const written = await oweTicketWrites(grant, {
      meta: { pendingExtension: { extendBy, at: new Date().toISOString(), group } },
      notes: [
        { visibility: 'internal', lines: [`Extension by ${extendBy} asked; rule ${decision.rule.name} sends it to ${groupName}.`, ...decision.reasons.map((reason) => `• ${reason}`)] },
        { visibility: 'public', lines: [`Your extension by ${spoken(extendBy)} needs approval by ${groupName}. Access stays as it is until then; you will be told here when it is decided.`] },
      ],
    });
    if (!written) throw new AppError('conflict', 'The grant changed meanwhile; try again.');
    return { outcome: 'needs-approval', reasons: decision.reasons };
  }
  await oweTicketWrites(grant, {
    notes: [
      { visibility: 'internal', lines: [`Extension by ${extendBy} asked; rule ${decision.rule.name} denies it.`, ...decision.reasons.map((reason) => `• ${reason}`)] },
      { visibility: 'public', lines: [`Your extension by ${spoken(extendBy)} was denied. ${requesterReason(decision.rule, decision.reasons, settings)}`, `Access still ends at ${readableTime(window.notAfter)}; raise a new request before then if you need more time.`] },
    ],
  });
  return { outcome: 'denied', notAfter: window.notAfter, reasons: decision.reasons };
}

async function answer(grant: StoredGrant, settings: Settings, config: AppConfig, caller: Caller, decision: 'approve' | 'decline'): Promise<Outcome> {
  const pending = grant.meta.pendingExtension;
  if (!pending) throw new AppError('invalid_state', 'No extension is waiting for approval.');
  if (!caller.approverGroups.has(pending.group)) {
    const groupName = settings.approverGroups.find((candidate) => candidate.id === pending.group)?.name ?? pending.group;
    throw new AppError('forbidden', `Only a member of ${groupName} answers this extension.`);
  }
  if (caller.accountId === grant.record.requester.accountId) {
    await oweTicketWrites(grant, { notes: [{ visibility: 'internal', lines: [`Extension approval by ${caller.accountId} refused: a requester never approves their own access.`] }] });
    throw new AppError('forbidden', 'A requester never approves their own access.');
  }
  if (decision === 'approve') return extend(grant, settings, config, pending.extendBy, caller.accountId, undefined, [`approved by ${caller.accountId}`], caller.accountId);
  const written = await oweTicketWrites(grant, {
    meta: { pendingExtension: undefined },
    notes: [{ visibility: 'public', lines: [`Your extension by ${spoken(pending.extendBy)} was declined. Access still ends at ${grant.record.window ? readableTime(grant.record.window.notAfter) : 'its planned end'}; raise a new request before then if you need more time.`] }],
  });
  if (!written) throw new AppError('conflict', 'The grant changed meanwhile; try again.');
  return { outcome: 'declined', reasons: [`declined by ${caller.accountId}`] };
}

async function extend(
  grant: StoredGrant,
  settings: Settings,
  config: AppConfig,
  extendBy: string,
  actor: string,
  rule: { id: string; name: string } | undefined,
  reasons: string[],
  approver?: string,
): Promise<Outcome> {
  const { record, meta } = grant;
  const level = settings.accessLevels.find((candidate) => candidate.id === record.accessLevel);
  const window = record.window;
  if (!level || !window) throw new AppError('invalid_state', 'The access level of this grant no longer exists.');
  const planned = plannedWindowOf(meta.change);
  const result = computeExtension({ window: { notBefore: new Date(window.notBefore), notAfter: new Date(window.notAfter) }, accessLevel: level, extendBy, ...(planned ? { plannedWindow: planned } : {}) });
  if (!result.ok) {
    await oweTicketWrites(grant, { notes: [{ visibility: 'public', lines: [`Your extension by ${spoken(extendBy)} could not be granted. ${result.reason} Access still ends at ${readableTime(window.notAfter)}; raise a new request before then if you need more time.`] }] });
    return { outcome: 'denied', notAfter: window.notAfter, reasons: [result.reason] };
  }
  const notAfter = result.notAfter.toISOString();
  const client = await connectorClient(settings.connectorUrl);
  await client.extendGrant(grantIdOf(record), notAfter);
  const nextWindow = { notBefore: window.notBefore, notAfter };
  const written = await applySteps(grant, settings, [{ event: 'extended', actor, ...(rule ? { rule } : {}), ...(approver ? { approver } : {}), note: result.explanation, reasons, set: { window: nextWindow } }], {
    meta: { pendingExtension: undefined, warnAt: warnAtOf(nextWindow, config.warnBeforeMinutes) },
  });
  if (!written) throw new AppError('conflict', 'The grant changed meanwhile; try again.');
  return { outcome: 'extended', notAfter, reasons: [...reasons, result.explanation] };
}

/** An ISO duration as the requester reads it: PT1H → 1 hour. */
function spoken(duration: string): string {
  return describeDuration(parseDuration(duration));
}
