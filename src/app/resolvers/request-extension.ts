import type { ExtensionReply, GrantEvent } from '../../core';
import { AppError } from '../app-error';
import { applyEvent } from '../flow/apply-event';
import { jira } from '../jira/jira-client';
import { defineResolver } from './define-resolver';

/**
 * An extension, decided by `nextStep`: the requester asks (`extendBy`) and the policy auto-approves it,
 * sends it to approvers (who answer with `decision`), or denies it. Access that is still valid is never
 * shortened or dropped: a refusal leaves the window as it is.
 */
export const requestExtension = defineResolver('requestExtension', {
  roles: ['requester', 'approver'],
  ticket: true,
  handler: async ({ payload, grant, settings, config, caller }): Promise<ExtensionReply> => {
    if (!grant) throw new AppError('invalid_state', 'Only active access can be extended.');
    let event: GrantEvent;
    if ('extendBy' in payload) {
      if (!caller.roles.has('requester')) throw new AppError('forbidden', 'Only the requester asks for an extension.');
      const accountId = grant.record.requester.accountId;
      // The requester's groups are read only when a rule looks at them.
      const readsGroups = grant.record.state === 'active' && settings.policies.some((rule) => rule.enabled && rule.when.requesterGroups);
      event = { kind: 'extension-asked', extendBy: payload.extendBy, requesterGroups: readsGroups ? await jira.userGroups(accountId) : [] };
    } else {
      event = { kind: 'extension-answered', by: caller.accountId, approverGroups: [...caller.approverGroups], decision: payload.decision };
    }
    const result = await applyEvent(grant, event, settings, config);
    if (result.refused !== undefined) throw new AppError('invalid_state', result.refused);
    if (result.forbidden !== undefined) throw new AppError('forbidden', result.forbidden);
    if (!result.stored || !result.reply) throw new AppError('conflict', 'The grant changed meanwhile; try again.');
    return result.reply;
  },
});
