import { z } from 'zod';
import { notFound } from '../errors';
import { isStaff } from '../permissions';
import { json, parseBody, type Route } from '../router';
import { visibleIssue } from './lookups';

const issueRef = z.looseObject({ id: z.string().optional(), key: z.string().optional() });
const linkBody = z.looseObject({
  type: z.looseObject({ id: z.string().optional(), name: z.string().optional() }),
  inwardIssue: issueRef,
  outwardIssue: issueRef,
});

export const linkRoutes: Route[] = [
  {
    method: 'GET',
    path: '/rest/api/3/issueLinkType',
    flavour: 'jira',
    handler: (ctx) =>
      json({
        issueLinkTypes: [...ctx.state.linkTypes.values()].map((t) => ({ ...t, self: `${ctx.state.baseUrl}/rest/api/3/issueLinkType/${t.id}` })),
      }),
  },
  {
    method: 'POST',
    path: '/rest/api/3/issueLink',
    flavour: 'jira',
    handler: async (ctx) => {
      const body = parseBody(linkBody, await ctx.json());
      const type = [...ctx.state.linkTypes.values()].find((t) => t.id === body.type.id || t.name === body.type.name);
      if (!type) throw notFound(`No issue link type with name '${body.type.name ?? body.type.id ?? ''}' found.`);
      const inward = visibleIssue(ctx, body.inwardIssue.key ?? body.inwardIssue.id ?? '');
      const outward = visibleIssue(ctx, body.outwardIssue.key ?? body.outwardIssue.id ?? '');
      if (!isStaff(ctx.actor)) throw notFound('You do not have the permission to link issues.');
      const exists = ctx.state.links.some((l) => l.typeId === type.id && l.inwardIssueId === inward.id && l.outwardIssueId === outward.id);
      if (!exists) ctx.state.links.push({ id: ctx.state.nextId('issuelink'), typeId: type.id, inwardIssueId: inward.id, outwardIssueId: outward.id });
      return new Response(null, { status: 201 });
    },
  },
];
