import { z } from 'zod';
import type { JsmIdentity } from '../../../src/sandbox/jsm';
import { settle, type Site } from './app-site';

export const asUser = (accountId: string): JsmIdentity => ({ kind: 'user', accountId });

export async function call(site: Site, identity: JsmIdentity, method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  const init: RequestInit = { method, headers: { 'content-type': 'application/json', accept: 'application/json' } };
  if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
  const response = await site.jsm.handle(new Request(`https://jit.atlassian.net${path}`, init), identity);
  const text = await response.text();
  return { status: response.status, body: text === '' ? null : (JSON.parse(text) as unknown) };
}

const adfText = (body: unknown): string => {
  const doc = z.looseObject({ content: z.array(z.looseObject({ content: z.array(z.looseObject({ text: z.string().optional() })).optional() })) }).safeParse(body);
  return doc.success ? doc.data.content.map((p) => (p.content ?? []).map((n) => n.text ?? '').join('')).join('\n') : JSON.stringify(body);
};

export interface TicketView {
  status: string;
  internal: string[];
  public: string[];
  property: Record<string, unknown> | undefined;
}

/** The ticket as an agent sees it (agent reads do not count as app calls). */
export async function readTicket(site: Site, key: string): Promise<TicketView> {
  const agent = asUser(site.people.agent);
  const issue = await call(site, agent, 'GET', `/rest/api/3/issue/${key}?fields=status`);
  const status = z.looseObject({ fields: z.looseObject({ status: z.looseObject({ name: z.string() }) }) }).parse(issue.body).fields.status.name;
  const comments = z.looseObject({ comments: z.array(z.looseObject({ body: z.unknown(), jsdPublic: z.boolean() })) }).parse((await call(site, agent, 'GET', `/rest/api/3/issue/${key}/comment`)).body).comments;
  const property = await call(site, agent, 'GET', `/rest/api/3/issue/${key}/properties/jit-access`);
  return {
    status,
    internal: comments.filter((c) => !c.jsdPublic).map((c) => adfText(c.body)),
    public: comments.filter((c) => c.jsdPublic).map((c) => adfText(c.body)),
    property: property.status === 200 ? z.looseObject({ value: z.record(z.string(), z.unknown()) }).parse(property.body).value : undefined,
  };
}

export interface RequestInput {
  target?: string;
  accessLevel?: string;
  duration?: string;
  justification?: string;
  change?: string;
  breakGlass?: boolean;
}

/** Raises a request on the portal as `reporter`, then lets the app react. */
export async function raise(site: Site, app: AppIds, reporter: string, input: RequestInput, options: { settle?: boolean } = {}): Promise<string> {
  const values: Record<string, unknown> = { summary: `Database access ${input.target ?? ''}` };
  if (input.target) values[app.fields.target] = input.target;
  if (input.accessLevel) values[app.fields.accessLevel] = input.accessLevel;
  if (input.duration) values[app.fields.duration] = input.duration;
  if (input.justification) values[app.fields.justification] = input.justification;
  if (input.change) values[app.fields.change] = input.change;
  const result = await call(site, asUser(reporter), 'POST', '/rest/servicedeskapi/request', {
    serviceDeskId: site.serviceDeskId,
    requestTypeId: input.breakGlass ? app.requestTypes.breakGlass : app.requestTypes.access,
    requestFieldValues: values,
  });
  if (result.status !== 201) throw new Error(`raise failed: ${result.status} ${JSON.stringify(result.body)}`);
  const key = z.looseObject({ issueKey: z.string() }).parse(result.body).issueKey;
  if (options.settle !== false) await settle(site);
  return key;
}

export interface AppIds {
  fields: { target: string; accessLevel: string; duration: string; justification: string; change: string };
  requestTypes: { access: string; breakGlass: string };
}

/** Answers the open approval of a ticket as `approver`. */
export async function answerApproval(site: Site, key: string, approver: string, decision: 'approve' | 'decline'): Promise<number> {
  const approvals = z.looseObject({ values: z.array(z.looseObject({ id: z.string(), finalDecision: z.string() })) }).parse((await call(site, asUser(approver), 'GET', `/rest/servicedeskapi/request/${key}/approval`)).body).values;
  const open = approvals.find((approval) => approval.finalDecision === 'pending');
  if (!open) throw new Error(`no open approval on ${key}`);
  const result = await call(site, asUser(approver), 'POST', `/rest/servicedeskapi/request/${key}/approval/${open.id}`, { decision });
  await settle(site);
  return result.status;
}

/** Runs a named workflow transition as a user (an agent resolving the ticket, say). */
export async function transitionAs(site: Site, key: string, accountId: string, name: string): Promise<void> {
  const list = z.looseObject({ transitions: z.array(z.looseObject({ id: z.string(), name: z.string() })) }).parse((await call(site, asUser(accountId), 'GET', `/rest/api/3/issue/${key}/transitions`)).body).transitions;
  const transition = list.find((candidate) => candidate.name === name);
  if (!transition) throw new Error(`no transition ${name} on ${key}`);
  const result = await call(site, asUser(accountId), 'POST', `/rest/api/3/issue/${key}/transitions`, { transition: { id: transition.id } });
  if (result.status !== 204) throw new Error(`transition failed: ${result.status}`);
  await settle(site);
}

export const envelope = z.discriminatedUnion('ok', [
  z.strictObject({ ok: z.literal(true), data: z.unknown() }),
  z.strictObject({ ok: z.literal(false), error: z.strictObject({ code: z.string(), message: z.string() }) }),
]);

/**
 * Calls a resolver as `accountId` from the admin page, or from the ticket panel of `ticket`, and waits for
 * the work it handed to the queue (the ticket writes it claimed) as a person would wait to see them.
 */
export async function resolve(site: Site, accountId: string, functionKey: string, payload: unknown = {}, ticket?: string) {
  const result = await site.runtime.invokeResolver({
    moduleKey: ticket ? 'jit-ticket-panel' : 'jit-admin-page',
    functionKey,
    payload,
    accountId,
    ...(ticket ? { extension: { issue: { key: ticket } } } : {}),
  });
  await settle(site);
  return envelope.parse(result);
}

export async function resolveOk(site: Site, accountId: string, functionKey: string, payload: unknown = {}, ticket?: string): Promise<unknown> {
  const result = await resolve(site, accountId, functionKey, payload, ticket);
  if (!result.ok) throw new Error(`${functionKey} failed: ${result.error.code} ${result.error.message}`);
  return result.data;
}
