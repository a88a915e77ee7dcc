import { z } from 'zod';
import { ApiError } from '../errors';
import { normalizeFieldValue } from '../field-values';
import { canSeeIssue, isStaff } from '../permissions';
import { json, parseBody, type Route, type RouteContext } from '../router';
import type { Issue } from '../state';
import { issueStatus } from '../views/issue-view';
import { customerRequestView, paged } from '../views/jsm-views';
import { intParam, visibleRequest } from './lookups';

const createRequestBody = z.strictObject({
  serviceDeskId: z.string().min(1),
  requestTypeId: z.string().min(1),
  requestFieldValues: z.record(z.string(), z.unknown()),
  raiseOnBehalfOf: z.string().min(1).optional(),
  requestParticipants: z.array(z.string().min(1)).optional(),
  channel: z.string().optional(),
});

const REQUEST_STATUSES = new Set(['OPEN_REQUESTS', 'CLOSED_REQUESTS', 'ALL_REQUESTS']);

function fieldError(message: string): ApiError {
  return new ApiError(400, message, {}, 'sd.request.create.error.field.invalid');
}

function onBehalfOf(ctx: RouteContext, who: string | undefined): string {
  if (!who) return ctx.actor.accountId;
  if (!isStaff(ctx.actor)) throw new ApiError(403, 'You do not have permission to raise requests on behalf of other customers.', {}, 'sd.request.create.error.on.behalf');
  const user = ctx.state.users.get(who) ?? ctx.state.findUserByEmail(who);
  if (!user) throw fieldError(`The user '${who}' does not exist.`);
  return user.accountId;
}

/** JSM's create request: the public API's, and the portal's (with its create-form panels' issue properties). */
export function createCustomerRequest(ctx: RouteContext, raw: unknown, properties: ReadonlyMap<string, unknown> = new Map()): Response {
  const body = parseBody(createRequestBody, raw);
  const desk = ctx.state.serviceDesks.get(body.serviceDeskId);
  if (!desk) throw new ApiError(404, 'The service desk does not exist or you do not have permission to view it.', {}, 'sd.servicedesk.error.not.found');
  const type = ctx.state.requestTypes.get(body.requestTypeId);
  if (!type || type.serviceDeskId !== desk.id) throw fieldError(`The request type '${body.requestTypeId}' does not exist in this service desk.`);
  const reporterId = onBehalfOf(ctx, body.raiseOnBehalfOf);
  const participants = body.requestParticipants ?? [];
  const unknownParticipant = participants.find((id) => !ctx.state.users.has(id));
  if (unknownParticipant) throw fieldError(`The user '${unknownParticipant}' does not exist.`);
  const values = new Map<string, unknown>();
  for (const [fieldId, raw] of Object.entries(body.requestFieldValues)) {
    const entry = type.fields.find((f) => f.fieldId === fieldId);
    const field = ctx.state.fields.get(fieldId);
    if (!entry || !field) throw fieldError(`The field '${fieldId}' is not valid for this request type.`);
    const result = normalizeFieldValue(ctx.state, field, raw);
    if (!result.ok) throw fieldError(`${entry.name}: ${result.error}`);
    values.set(fieldId, result.value);
  }
  const missing = type.fields.find((f) => f.required && (values.get(f.fieldId) ?? null) === null);
  if (missing) throw fieldError(`${missing.name}: this field is required.`);
  const issue = ctx.ops.create(
    { projectKey: desk.projectKey, issueTypeId: type.issueTypeId, values, reporterId, assigneeId: null, participants, request: { serviceDeskId: desk.id, requestTypeId: type.id }, properties: new Map(properties) },
    ctx.actor.accountId,
  );
  return json(customerRequestView(ctx.state, issue), 201);
}

export const requestRoutes: Route[] = [
  {
    method: 'POST',
    path: '/rest/servicedeskapi/request',
    flavour: 'jsm',
    handler: async (ctx) => createCustomerRequest(ctx, await ctx.json()),
  },
  {
    method: 'GET',
    path: '/rest/servicedeskapi/request',
    flavour: 'jsm',
    handler: (ctx) => {
      const start = intParam(ctx, 'start', 0);
      const limit = intParam(ctx, 'limit', 50);
      // JSM's requestStatus: OPEN_REQUESTS or CLOSED_REQUESTS (status category done), ALL_REQUESTS when absent.
      const wanted = ctx.query.get('requestStatus') ?? 'ALL_REQUESTS';
      if (!REQUEST_STATUSES.has(wanted)) throw new ApiError(400, `The requestStatus '${wanted}' is not valid.`);
      const inStatus = (issue: Issue) => wanted === 'ALL_REQUESTS' || (issueStatus(ctx.state, issue).category === 'done') === (wanted === 'CLOSED_REQUESTS');
      const mine = [...ctx.state.issues.values()].filter(
        (issue) => issue.request && canSeeIssue(ctx.actor, issue) && (isStaff(ctx.actor) || issue.reporterId === ctx.actor.accountId || issue.participants.has(ctx.actor.accountId)) && inStatus(issue),
      );
      return json(paged(ctx.state, '/request', mine.map((issue) => customerRequestView(ctx.state, issue)), start, limit));
    },
  },
  { method: 'GET', path: '/rest/servicedeskapi/request/{issueIdOrKey}', flavour: 'jsm', handler: (ctx) => json(customerRequestView(ctx.state, visibleRequest(ctx))) },
];
