import { notFound } from '../errors';
import { isStaff } from '../permissions';
import { json, type Route, type RouteContext } from '../router';
import type { Project } from '../state';
import { issueTypeView } from '../views/issue-view';
import { platformUser } from '../views/user-view';

function projectView(ctx: RouteContext, project: Project) {
  const { state } = ctx;
  const lead = project.leadAccountId ? state.users.get(project.leadAccountId) : undefined;
  return {
    expand: 'description,lead,issueTypes,url,projectKeys,permissions,insight',
    self: `${state.baseUrl}/rest/api/3/project/${project.id}`,
    id: project.id,
    key: project.key,
    name: project.name,
    description: '',
    ...(lead ? { lead: platformUser(state, lead) } : {}),
    issueTypes: project.issueTypeIds.map((id) => issueTypeView(state, id)),
    assigneeType: 'UNASSIGNED' as const,
    projectTypeKey: project.projectTypeKey,
    simplified: project.style === 'next-gen',
    style: project.style,
    isPrivate: false,
    properties: {},
  };
}

export const projectRoutes: Route[] = [
  {
    method: 'GET',
    path: '/rest/api/3/project',
    flavour: 'jira',
    // Portal customers hold no Jira licence: they see no projects through the platform API.
    handler: (ctx) => json(isStaff(ctx.actor) ? [...ctx.state.projects.values()].map((p) => projectView(ctx, p)) : []),
  },
  {
    method: 'GET',
    path: '/rest/api/3/project/{projectIdOrKey}',
    flavour: 'jira',
    handler: (ctx) => {
      const key = ctx.params.projectIdOrKey ?? '';
      const project = ctx.state.findProject(key);
      if (!project || !isStaff(ctx.actor)) throw notFound(`No project could be found with key '${key}'.`);
      return json(projectView(ctx, project));
    },
  },
];
