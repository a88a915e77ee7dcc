import { badRequest, notFound } from '../errors';
import { requireStaff } from '../permissions';
import { json, type Route, type RouteContext } from '../router';
import type { Group, User } from '../state';
import { platformUser, userDetails } from '../views/user-view';
import { intParam } from './lookups';

function userFromQuery(ctx: RouteContext): User {
  const accountId = ctx.query.get('accountId');
  if (!accountId) throw badRequest('The accountId query parameter needs to be provided.');
  const user = ctx.state.users.get(accountId);
  if (!user || user.deleted) throw notFound('Specified user does not exist or you do not have required permissions');
  return user;
}

const groupName = (ctx: RouteContext, group: Group) => ({
  name: group.name,
  groupId: group.groupId,
  self: `${ctx.state.baseUrl}/rest/api/3/group?groupId=${group.groupId}`,
});

export const userRoutes: Route[] = [
  { method: 'GET', path: '/rest/api/3/user', flavour: 'jira', handler: (ctx) => json(platformUser(ctx.state, userFromQuery(ctx))) },
  {
    method: 'GET',
    path: '/rest/api/3/myself',
    flavour: 'jira',
    handler: (ctx) => {
      const user = ctx.state.users.get(ctx.actor.accountId);
      if (!user) throw notFound('Specified user does not exist or you do not have required permissions');
      return json(platformUser(ctx.state, user));
    },
  },
  {
    method: 'GET',
    path: '/rest/api/3/user/search',
    flavour: 'jira',
    handler: (ctx) => {
      const query = (ctx.query.get('query') ?? '').toLowerCase();
      const accountId = ctx.query.get('accountId');
      if (!query && !accountId) throw badRequest('One of the query parameters query or accountId needs to be provided.');
      const startAt = intParam(ctx, 'startAt', 0);
      const maxResults = intParam(ctx, 'maxResults', 50);
      const found = [...ctx.state.users.values()].filter((u) =>
        accountId ? u.accountId === accountId : u.displayName.toLowerCase().includes(query) || u.emailAddress.toLowerCase().startsWith(query),
      );
      return json(found.slice(startAt, startAt + maxResults).map((u) => platformUser(ctx.state, u)));
    },
  },
  {
    method: 'GET',
    path: '/rest/api/3/user/groups',
    flavour: 'jira',
    handler: (ctx) => json(ctx.state.groupsOf(userFromQuery(ctx).accountId).map((g) => groupName(ctx, g))),
  },
  {
    method: 'GET',
    path: '/rest/api/3/group/member',
    flavour: 'jira',
    handler: (ctx) => {
      requireStaff(ctx.actor, 'You do not have permission to view group members.');
      const name = ctx.query.get('groupname');
      const id = ctx.query.get('groupId');
      if (!name && !id) throw badRequest('Either a group name or a group id must be provided.');
      const group = [...ctx.state.groups.values()].find((g) => g.name === name || g.groupId === id);
      if (!group) throw notFound(`Group with name '${name ?? id ?? ''}' was not found.`);
      const startAt = intParam(ctx, 'startAt', 0);
      const maxResults = intParam(ctx, 'maxResults', 50);
      const members = [...group.members].flatMap((accountId) => {
        const user = ctx.state.users.get(accountId);
        return user ? [userDetails(ctx.state, user)] : [];
      });
      const values = members.slice(startAt, startAt + maxResults);
      return json({
        self: `${ctx.state.baseUrl}/rest/api/3/group/member?groupId=${group.groupId}&startAt=${startAt}&maxResults=${maxResults}`,
        maxResults,
        startAt,
        total: members.length,
        isLast: startAt + values.length >= members.length,
        values,
      });
    },
  },
];
