import { z } from 'zod';
import { ApiError } from '../errors';
import { requireAdmin } from '../permissions';
import { json, parseBody, type Route, type RouteContext } from '../router';
import type { RequestType, ServiceDesk } from '../state';
import { paged, requestTypeFieldView, requestTypeView, serviceDeskView } from '../views/jsm-views';
import { intParam } from './lookups';

const createRequestTypeBody = z.strictObject({
  issueTypeId: z.string().min(1),
  name: z.string().min(1),
  description: z.string().default(''),
  helpText: z.string().default(''),
});

function serviceDesk(ctx: RouteContext): ServiceDesk {
  const desk = ctx.state.serviceDesks.get(ctx.params.serviceDeskId ?? '');
  if (!desk) throw new ApiError(404, 'The service desk does not exist or you do not have permission to view it.', {}, 'sd.servicedesk.error.not.found');
  return desk;
}

function requestType(ctx: RouteContext, desk: ServiceDesk): RequestType {
  const type = ctx.state.requestTypes.get(ctx.params.requestTypeId ?? '');
  if (!type || type.serviceDeskId !== desk.id) throw new ApiError(404, 'The request type does not exist or you do not have permission to view it.', {}, 'sd.requesttype.error.not.found');
  return type;
}

const page = (ctx: RouteContext) => ({ start: intParam(ctx, 'start', 0), limit: intParam(ctx, 'limit', 50) });

export const serviceDeskRoutes: Route[] = [
  {
    method: 'GET',
    path: '/rest/servicedeskapi/servicedesk',
    flavour: 'jsm',
    handler: (ctx) => {
      const { start, limit } = page(ctx);
      const desks = [...ctx.state.serviceDesks.values()].map((d) => serviceDeskView(ctx.state, d));
      return json(paged(ctx.state, '/servicedesk', desks, start, limit));
    },
  },
  { method: 'GET', path: '/rest/servicedeskapi/servicedesk/{serviceDeskId}', flavour: 'jsm', handler: (ctx) => json(serviceDeskView(ctx.state, serviceDesk(ctx))) },
  {
    method: 'GET',
    path: '/rest/servicedeskapi/servicedesk/{serviceDeskId}/requesttype',
    flavour: 'jsm',
    handler: (ctx) => {
      const desk = serviceDesk(ctx);
      const { start, limit } = page(ctx);
      const types = [...ctx.state.requestTypes.values()].filter((t) => t.serviceDeskId === desk.id).map((t) => requestTypeView(ctx.state, t));
      return json(paged(ctx.state, `/servicedesk/${desk.id}/requesttype`, types, start, limit));
    },
  },
  {
    method: 'POST',
    path: '/rest/servicedeskapi/servicedesk/{serviceDeskId}/requesttype',
    flavour: 'jsm',
    handler: async (ctx) => {
      const desk = serviceDesk(ctx);
      const body = parseBody(createRequestTypeBody, await ctx.json());
      requireAdmin(ctx.actor, 'You do not have permission to create request types in this service desk.');
      const project = ctx.state.projects.get(desk.projectKey);
      // The spec: "Request Types are created in next-gen projects by creating Issue Types."
      if (project?.style === 'next-gen') throw new ApiError(400, 'Request types cannot be created in a team-managed project; create an issue type there instead.', {}, 'sd.requesttype.error.next.gen');
      if (!project?.issueTypeIds.includes(body.issueTypeId)) throw new ApiError(400, `The issue type '${body.issueTypeId}' is not available in this service desk.`);
      // JSM creates a request type hidden from the portal (no groups) with the summary and description fields.
      const type: RequestType = {
        id: ctx.state.nextId('requesttype', 1),
        serviceDeskId: desk.id,
        ...body,
        groupIds: [],
        fields: [
          { fieldId: 'summary', name: 'Summary', description: '', required: true },
          { fieldId: 'description', name: 'Description', description: '', required: false },
        ],
      };
      ctx.state.requestTypes.set(type.id, type);
      return json(requestTypeView(ctx.state, type));
    },
  },
  {
    method: 'GET',
    path: '/rest/servicedeskapi/servicedesk/{serviceDeskId}/requesttype/{requestTypeId}',
    flavour: 'jsm',
    handler: (ctx) => json(requestTypeView(ctx.state, requestType(ctx, serviceDesk(ctx)))),
  },
  {
    method: 'GET',
    path: '/rest/servicedeskapi/servicedesk/{serviceDeskId}/requesttype/{requestTypeId}/field',
    flavour: 'jsm',
    handler: (ctx) => {
      const type = requestType(ctx, serviceDesk(ctx));
      const staff = ctx.actor.kind === 'app' || ctx.actor.agent;
      return json({
        requestTypeFields: type.fields.map((f) => requestTypeFieldView(ctx.state, f)),
        canRaiseOnBehalfOf: staff,
        canAddRequestParticipants: true,
      });
    },
  },
];
