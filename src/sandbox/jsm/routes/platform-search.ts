import { z } from 'zod';
import { parseJql } from '../jql';
import { canSeeIssue } from '../permissions';
import { json, parseBody, type Route, type RouteContext } from '../router';
import { issueBean, listParam } from '../views/issue-view';

const searchBody = z.looseObject({
  jql: z.string().default(''),
  fields: z.array(z.string()).optional(),
  properties: z.array(z.string()).max(5).optional(),
  expand: z.string().optional(),
  maxResults: z.number().int().min(0).default(50),
  nextPageToken: z.string().optional(),
});

/** Page tokens are opaque to callers; here they are the offset, encoded so nobody relies on that. */
const encodeToken = (offset: number) => Buffer.from(`offset:${offset}`).toString('base64url');
function decodeToken(token: string | undefined): number {
  if (!token) return 0;
  const match = /^offset:(\d+)$/.exec(Buffer.from(token, 'base64url').toString());
  return match ? Number(match[1]) : 0;
}

function search(ctx: RouteContext, input: z.infer<typeof searchBody>) {
  const query = parseJql(ctx.state, input.jql, ctx.actor.accountId);
  const found = [...ctx.state.issues.values()].filter((issue) => canSeeIssue(ctx.actor, issue) && query.matches(issue)).sort(query.compare);
  const start = decodeToken(input.nextPageToken);
  const page = found.slice(start, start + Math.min(input.maxResults, 5000));
  const expand = (input.expand ?? '').split(',').map((e) => e.trim());
  const issues = page.map((issue) =>
    issueBean(ctx.state, ctx.actor, issue, { fields: input.fields ?? ['id'], properties: input.properties ?? [], expandChangelog: expand.includes('changelog') }),
  );
  return { issues, ...(start + page.length < found.length ? { nextPageToken: encodeToken(start + page.length) } : {}) };
}

export const searchRoutes: Route[] = [
  { method: 'POST', path: '/rest/api/3/search/jql', flavour: 'jira', handler: async (ctx) => json(search(ctx, parseBody(searchBody, await ctx.json()))) },
  {
    method: 'GET',
    path: '/rest/api/3/search/jql',
    flavour: 'jira',
    handler: (ctx) => {
      const fields = listParam(ctx.query, 'fields');
      const properties = listParam(ctx.query, 'properties');
      const input = parseBody(searchBody, {
        jql: ctx.query.get('jql') ?? '',
        ...(fields.length > 0 ? { fields } : {}),
        ...(properties.length > 0 ? { properties } : {}),
        ...(ctx.query.get('expand') ? { expand: ctx.query.get('expand') } : {}),
        ...(ctx.query.get('maxResults') ? { maxResults: Number(ctx.query.get('maxResults')) } : {}),
        ...(ctx.query.get('nextPageToken') ? { nextPageToken: ctx.query.get('nextPageToken') } : {}),
      });
      return json(search(ctx, input));
    },
  },
];
