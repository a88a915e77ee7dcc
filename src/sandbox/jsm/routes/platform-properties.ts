import { badRequest, forbidden, notFound } from '../errors';
import { isStaff } from '../permissions';
import { json, noContent, type Route } from '../router';
import { issueSelf } from '../views/issue-view';
import { visibleIssue } from './lookups';

/** Jira's limit on an issue property value, in characters of JSON. */
const MAX_PROPERTY_CHARS = 32768;

const missing = (key: string) => notFound(`The property with key '${key}' does not exist.`);

export const propertyRoutes: Route[] = [
  {
    method: 'GET',
    path: '/rest/api/3/issue/{issueIdOrKey}/properties',
    flavour: 'jira',
    handler: (ctx) => {
      const issue = visibleIssue(ctx);
      const keys = [...issue.properties.keys()].map((key) => ({ key, self: `${issueSelf(ctx.state, issue)}/properties/${encodeURIComponent(key)}` }));
      return json({ keys });
    },
  },
  {
    method: 'GET',
    path: '/rest/api/3/issue/{issueIdOrKey}/properties/{propertyKey}',
    flavour: 'jira',
    handler: (ctx) => {
      const issue = visibleIssue(ctx);
      const key = ctx.params.propertyKey ?? '';
      if (!issue.properties.has(key)) throw missing(key);
      return json({ key, value: issue.properties.get(key) });
    },
  },
  {
    method: 'PUT',
    path: '/rest/api/3/issue/{issueIdOrKey}/properties/{propertyKey}',
    flavour: 'jira',
    handler: async (ctx) => {
      const issue = visibleIssue(ctx);
      const key = ctx.params.propertyKey ?? '';
      const value = await ctx.json();
      if (!isStaff(ctx.actor)) throw forbidden('You do not have permission to edit this issue.');
      if (key.length > 255) throw badRequest('The property key cannot be longer than 255 characters.');
      if (JSON.stringify(value).length > MAX_PROPERTY_CHARS) throw badRequest(`The property value cannot be longer than ${MAX_PROPERTY_CHARS} characters.`);
      const existed = issue.properties.has(key);
      issue.properties.set(key, value);
      return new Response(null, { status: existed ? 200 : 201 });
    },
  },
  {
    method: 'DELETE',
    path: '/rest/api/3/issue/{issueIdOrKey}/properties/{propertyKey}',
    flavour: 'jira',
    handler: (ctx) => {
      const issue = visibleIssue(ctx);
      const key = ctx.params.propertyKey ?? '';
      if (!isStaff(ctx.actor) || !issue.properties.delete(key)) throw missing(key);
      return noContent();
    },
  },
];
