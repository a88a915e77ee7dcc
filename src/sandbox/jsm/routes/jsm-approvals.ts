import { z } from 'zod';
import { answerApproval } from '../approvals';
import { ApiError } from '../errors';
import { json, parseBody, type Route, type RouteContext } from '../router';
import type { Approval, Issue } from '../state';
import { approvalView, paged } from '../views/jsm-views';
import { intParam, visibleRequest } from './lookups';

const decisionBody = z.strictObject({ decision: z.enum(['approve', 'decline']) });

function approvalOf(ctx: RouteContext, issue: Issue): Approval {
  const approval = issue.approvals.find((a) => a.id === ctx.params.approvalId);
  if (!approval) throw new ApiError(404, 'The approval does not exist.', {}, 'sd.approval.error.not.found');
  return approval;
}

export const approvalRoutes: Route[] = [
  {
    method: 'GET',
    path: '/rest/servicedeskapi/request/{issueIdOrKey}/approval',
    flavour: 'jsm',
    handler: (ctx) => {
      const issue = visibleRequest(ctx);
      const start = intParam(ctx, 'start', 0);
      const limit = intParam(ctx, 'limit', 50);
      const views = issue.approvals.map((a) => approvalView(ctx.state, issue, a, ctx.actor.accountId));
      return json(paged(ctx.state, `/request/${issue.id}/approval`, views, start, limit));
    },
  },
  {
    method: 'GET',
    path: '/rest/servicedeskapi/request/{issueIdOrKey}/approval/{approvalId}',
    flavour: 'jsm',
    handler: (ctx) => {
      const issue = visibleRequest(ctx);
      return json(approvalView(ctx.state, issue, approvalOf(ctx, issue), ctx.actor.accountId));
    },
  },
  {
    method: 'POST',
    path: '/rest/servicedeskapi/request/{issueIdOrKey}/approval/{approvalId}',
    flavour: 'jsm',
    handler: async (ctx) => {
      const issue = visibleRequest(ctx);
      const approval = approvalOf(ctx, issue);
      const { decision } = parseBody(decisionBody, await ctx.json());
      // Only a person answers an approval; an app's auto-approval is a workflow transition instead.
      if (ctx.actor.kind === 'app') throw new ApiError(403, 'An app cannot answer an approval; only an approver can.', {}, 'sd.approval.error.not.approver');
      answerApproval(ctx.state, ctx.ops, issue, approval, ctx.actor.accountId, decision);
      return json(approvalView(ctx.state, issue, approval, ctx.actor.accountId));
    },
  },
];
