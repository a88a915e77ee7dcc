import { z } from 'zod';
import { textToAdf } from '../adf';
import { ApiError } from '../errors';
import { canSeeComment, isStaff } from '../permissions';
import { json, parseBody, type Route } from '../router';
import { jsmCommentView, paged } from '../views/jsm-views';
import { intParam, visibleRequest } from './lookups';

const commentBody = z.strictObject({ body: z.string().trim().min(1), public: z.boolean().default(true) });

export const requestCommentRoutes: Route[] = [
  {
    method: 'GET',
    path: '/rest/servicedeskapi/request/{issueIdOrKey}/comment',
    flavour: 'jsm',
    handler: (ctx) => {
      const issue = visibleRequest(ctx);
      const start = intParam(ctx, 'start', 0);
      const limit = intParam(ctx, 'limit', 50);
      const wantPublic = ctx.query.get('public') !== 'false';
      const wantInternal = ctx.query.get('internal') !== 'false';
      const comments = issue.comments.filter((c) => canSeeComment(ctx.actor, c) && (c.public ? wantPublic : wantInternal));
      return json(paged(ctx.state, `/request/${issue.id}/comment`, comments.map((c) => jsmCommentView(ctx.state, issue, c)), start, limit));
    },
  },
  {
    method: 'GET',
    path: '/rest/servicedeskapi/request/{issueIdOrKey}/comment/{commentId}',
    flavour: 'jsm',
    handler: (ctx) => {
      const issue = visibleRequest(ctx);
      const comment = issue.comments.find((c) => c.id === ctx.params.commentId);
      if (!comment || !canSeeComment(ctx.actor, comment)) throw new ApiError(404, 'The comment does not exist or you do not have permission to view it.', {}, 'sd.comment.error.not.found');
      return json(jsmCommentView(ctx.state, issue, comment));
    },
  },
  {
    method: 'POST',
    path: '/rest/servicedeskapi/request/{issueIdOrKey}/comment',
    flavour: 'jsm',
    handler: async (ctx) => {
      const issue = visibleRequest(ctx);
      const body = parseBody(commentBody, await ctx.json());
      if (!body.public && !isStaff(ctx.actor)) throw new ApiError(403, 'Customers can only add public comments.', {}, 'sd.comment.error.internal.not.allowed');
      const comment = ctx.ops.addComment(issue, textToAdf(body.body), body.public, ctx.actor.accountId);
      return json(jsmCommentView(ctx.state, issue, comment), 201);
    },
  },
];
