import { z } from 'zod';
import { isAdfDocument } from '../adf';
import { badRequest, notFound } from '../errors';
import { canSeeComment, isStaff } from '../permissions';
import { json, parseBody, type Route } from '../router';
import { commentView } from '../views/issue-view';
import { intParam, visibleIssue } from './lookups';

const commentBody = z.looseObject({
  body: z.unknown(),
  jsdPublic: z.boolean().optional(),
  properties: z.array(z.looseObject({ key: z.string(), value: z.unknown() })).optional(),
});

/**
 * JSM marks a platform comment internal with the `sd.public.comment` property `{internal: true}`. The
 * platform spec marks `jsdPublic` read-only, so a `jsdPublic: false` in a request is ignored, and the
 * comment is public: the way to an internal comment is the JSM request comment API with `public: false`.
 */
function isInternal(body: z.infer<typeof commentBody>): boolean {
  const marker = body.properties?.find((p) => p.key === 'sd.public.comment')?.value;
  return typeof marker === 'object' && marker !== null && 'internal' in marker && marker.internal === true;
}

export const commentRoutes: Route[] = [
  {
    method: 'GET',
    path: '/rest/api/3/issue/{issueIdOrKey}/comment',
    flavour: 'jira',
    handler: (ctx) => {
      const issue = visibleIssue(ctx);
      const startAt = intParam(ctx, 'startAt', 0);
      const maxResults = intParam(ctx, 'maxResults', 5000);
      const visible = issue.comments.filter((c) => canSeeComment(ctx.actor, c));
      const page = visible.slice(startAt, startAt + maxResults);
      return json({ startAt, maxResults, total: visible.length, comments: page.map((c) => commentView(ctx.state, issue, c)) });
    },
  },
  {
    method: 'GET',
    path: '/rest/api/3/issue/{issueIdOrKey}/comment/{id}',
    flavour: 'jira',
    handler: (ctx) => {
      const issue = visibleIssue(ctx);
      const comment = issue.comments.find((c) => c.id === ctx.params.id);
      if (!comment || !canSeeComment(ctx.actor, comment)) throw notFound(`Can not find a comment for the id: ${ctx.params.id ?? ''}.`);
      return json(commentView(ctx.state, issue, comment));
    },
  },
  {
    method: 'POST',
    path: '/rest/api/3/issue/{issueIdOrKey}/comment',
    flavour: 'jira',
    handler: async (ctx) => {
      const issue = visibleIssue(ctx);
      const body = parseBody(commentBody, await ctx.json());
      if (!isAdfDocument(body.body)) throw badRequest('', { comment: 'Comment body can not be empty!' });
      const internal = isInternal(body);
      if (internal && !isStaff(ctx.actor)) throw badRequest('', { comment: 'You do not have permission to add internal comments.' });
      const comment = ctx.ops.addComment(issue, body.body, !internal, ctx.actor.accountId);
      return json(commentView(ctx.state, issue, comment), 201);
    },
  },
];
