import { z } from 'zod';
import { badRequest } from '../errors';
import { isStaff, type Actor } from '../permissions';
import { json, noContent, parseBody, type Route } from '../router';
import type { Issue, State } from '../state';
import { statusView } from '../views/issue-view';
import type { WorkflowTransition } from '../workflow';
import { checkFieldWrites } from './issue-fields';
import { visibleIssue } from './lookups';

const transitionBody = z.looseObject({
  transition: z.looseObject({ id: z.string().min(1) }),
  fields: z.record(z.string(), z.unknown()).optional(),
  update: z.record(z.string(), z.unknown()).optional(),
});

/**
 * JSM keeps an approval step's approve and decline transitions to the step: only an approver's answer runs
 * them (POST .../approval/{id}), so no REST caller, the app included, sees or runs them.
 */
function ownedByApproval(state: State, issue: Issue, transition: WorkflowTransition): boolean {
  return state.workflowFor(issue).approvals.some((step) => step.approveTransitionId === transition.id || step.declineTransitionId === transition.id);
}

function mayRun(state: State, actor: Actor, issue: Issue, transition: WorkflowTransition): boolean {
  if (ownedByApproval(state, issue, transition)) return false;
  return isStaff(actor) || (transition.allowed === 'agents-and-reporter' && issue.reporterId === actor.accountId);
}

function transitionView(state: State, transition: WorkflowTransition) {
  const to = state.statuses.get(transition.toStatusId);
  if (!to) throw new Error(`status ${transition.toStatusId} vanished`);
  return {
    id: transition.id,
    name: transition.name,
    to: statusView(state, to),
    hasScreen: false,
    isGlobal: transition.fromStatusIds === 'any',
    isInitial: false,
    isAvailable: true,
    isConditional: false,
    looped: false,
  };
}

export const transitionRoutes: Route[] = [
  {
    method: 'GET',
    path: '/rest/api/3/issue/{issueIdOrKey}/transitions',
    flavour: 'jira',
    handler: (ctx) => {
      const issue = visibleIssue(ctx);
      const transitions = ctx.ops.availableTransitions(issue).filter((t) => mayRun(ctx.state, ctx.actor, issue, t));
      return json({ expand: 'transitions', transitions: transitions.map((t) => transitionView(ctx.state, t)) });
    },
  },
  {
    method: 'POST',
    path: '/rest/api/3/issue/{issueIdOrKey}/transitions',
    flavour: 'jira',
    handler: async (ctx) => {
      const issue = visibleIssue(ctx);
      const body = parseBody(transitionBody, await ctx.json());
      if (body.update && Object.keys(body.update).length > 0) throw badRequest('The emulator supports `fields`, not `update` operations.');
      // Jira answers a transition the caller may not run exactly like one that does not exist here.
      const transition = ctx.ops.availableTransitions(issue).find((t) => t.id === body.transition.id);
      if (!transition || !mayRun(ctx.state, ctx.actor, issue, transition)) {
        throw badRequest(`Transition id '${body.transition.id}' is not valid for this issue.`);
      }
      const writes = checkFieldWrites(ctx.state, body.fields ?? {}, false);
      ctx.ops.transition(issue, transition, ctx.actor.accountId, writes.values);
      return noContent();
    },
  },
];
