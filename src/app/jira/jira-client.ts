import api, { route, type Route } from '@forge/api';
import { z } from 'zod';
import { adfToText, type AdfDoc } from '../../core';
import { AppError, isAppError } from '../app-error';
import { multipartFile } from './multipart-file';
import {
  approvalsSchema,
  attachmentSchema,
  commentPageSchema,
  createdFieldSchema,
  createdIssueSchema,
  customerRequestSchema,
  fieldListSchema,
  groupMembersSchema,
  issueAttachmentsSchema,
  issueSchema,
  projectSchema,
  propertySchema,
  requestTypePageSchema,
  requestTypeSchema,
  platformCommentPageSchema,
  searchPageSchema,
  serviceDeskPageSchema,
  serviceDeskSchema,
  transitionsSchema,
  userGroupsSchema,
  userSchema,
  type Approvals,
  type Attachment,
  type CustomerRequest,
  type Issue,
  type RequestType,
  type ServiceDesk,
  type Transition,
} from './jira-schemas';

/**
 * Every Jira and JSM REST call the app makes, as the app, each built with `route` and limited to
 * documented endpoints. A 429 is retried after its Retry-After, at most MAX_RATE_LIMIT_RETRIES times
 * and only while the wait is short; a longer wait is an AppError `jira_rate_limited` carrying
 * `retryAfterSeconds`, so a queue consumer can hand the wait to the platform instead of sleeping.
 */

export const MAX_RATE_LIMIT_RETRIES = 3;
export const MAX_INLINE_WAIT_SECONDS = 5;

type Body = Record<string, unknown> | unknown[] | string | ArrayBuffer;
type Init = { method?: string; body?: Body; headers?: Record<string, string> };

/** JSM answers 412 to an operation its spec marks experimental unless the caller opts in. */
const EXPERIMENTAL = { 'X-ExperimentalApi': 'opt-in' };

async function call(path: Route, init: Init = {}): Promise<{ status: number; text: string }> {
  const method = init.method ?? 'GET';
  const body = init.body === undefined || typeof init.body === 'string' || init.body instanceof ArrayBuffer ? init.body : JSON.stringify(init.body);
  for (let attempt = 0; ; attempt += 1) {
    const response = await api.asApp().requestJira(path, {
      method,
      headers: { accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...init.headers },
      ...(body === undefined ? {} : { body }),
    });
    if (response.status === 429) {
      const retryAfter = Math.max(1, Number(response.headers.get('retry-after') ?? '1') || 1);
      if (attempt >= MAX_RATE_LIMIT_RETRIES || retryAfter > MAX_INLINE_WAIT_SECONDS) {
        throw new AppError('jira_rate_limited', `Jira is rate limiting the app; retry after ${retryAfter} s.`, { retryAfterSeconds: retryAfter, method, path: path.value });
      }
      await new Promise((resolve) => setTimeout(resolve, retryAfter * 1000));
      continue;
    }
    const text = await response.text();
    if (response.status >= 400) {
      throw new AppError('jira_error', `Jira answered ${response.status} to ${method} ${path.value.split('?')[0]}: ${text.slice(0, 300)}`, {
        status: response.status,
        method,
      });
    }
    return { status: response.status, text };
  }
}

async function read<T extends z.ZodType>(schema: T, path: Route, init?: Init): Promise<z.infer<T>> {
  const { text } = await call(path, init);
  const parsed = schema.safeParse(text === '' ? null : JSON.parse(text));
  if (!parsed.success) throw new AppError('jira_error', `Unexpected answer from Jira to ${path.value.split('?')[0]}: ${parsed.error.message}`);
  return parsed.data;
}

export const jira = {
  getRequest(key: string): Promise<CustomerRequest> {
    return read(customerRequestSchema, route`/rest/servicedeskapi/request/${key}`);
  },

  getIssue(key: string, fields: readonly string[]): Promise<Issue> {
    return read(issueSchema, route`/rest/api/3/issue/${key}?fields=${fields.join(',')}`);
  },

  async getTransitions(key: string): Promise<Transition[]> {
    return (await read(transitionsSchema, route`/rest/api/3/issue/${key}/transitions`)).transitions;
  },

  async transition(key: string, transitionId: string): Promise<void> {
    await call(route`/rest/api/3/issue/${key}/transitions`, { method: 'POST', body: { transition: { id: transitionId } } });
  },

  /**
   * A comment through JSM's request comment API, the one place that decides who sees it: `public: false`
   * keeps it to agents (never on the portal), `public: true` shows it to the customer. The body is text.
   */
  async addComment(key: string, body: AdfDoc, visibility: 'public' | 'internal'): Promise<void> {
    await call(route`/rest/servicedeskapi/request/${key}/comment`, { method: 'POST', body: { body: adfToText(body), public: visibility === 'public' } });
  },

  /** The text of the request's comments (the newest 100), to tell whether a comment already reached the ticket. */
  async listComments(key: string): Promise<string[]> {
    const page = await read(commentPageSchema, route`/rest/servicedeskapi/request/${key}/comment?start=0&limit=100`);
    return page.values.map((comment) => comment.body);
  },

  /** `json` is the property's JSON text, already checked for secrets and size by the caller. */
  async setProperty(key: string, propertyKey: string, json: string): Promise<void> {
    await call(route`/rest/api/3/issue/${key}/properties/${propertyKey}`, { method: 'PUT', body: json });
  },

  /**
   * One file on the issue, as multipart/form-data built here: @forge/api takes a string or ArrayBuffer body,
   * not FormData. Jira blocks the upload without `X-Atlassian-Token: no-check`.
   */
  async addAttachment(key: string, file: { name: string; type: string; bytes: Uint8Array }): Promise<Attachment> {
    const { body, contentType } = multipartFile(file);
    const [added] = await read(z.array(attachmentSchema).min(1), route`/rest/api/3/issue/${key}/attachments`, { method: 'POST', body, headers: { 'content-type': contentType, 'X-Atlassian-Token': 'no-check' } });
    if (!added) throw new AppError('jira_error', `Jira attached no file to ${key}`);
    return added;
  },

  async listAttachments(key: string): Promise<Attachment[]> {
    return (await read(issueAttachmentsSchema, route`/rest/api/3/issue/${key}?fields=attachment`)).fields.attachment;
  },

  /** An internal comment on an issue that is not a customer request (the break-glass review task), through the platform API. */
  async addIssueComment(key: string, body: AdfDoc): Promise<void> {
    await call(route`/rest/api/3/issue/${key}/comment`, { method: 'POST', body: { body, properties: [{ key: 'sd.public.comment', value: { internal: true } }] } });
  },

  /** The text of an issue's comments through the platform API (the newest 100), one line per paragraph. */
  async listIssueComments(key: string): Promise<string[]> {
    const page = await read(platformCommentPageSchema, route`/rest/api/3/issue/${key}/comment?orderBy=-created&maxResults=100`);
    return page.comments.map((comment) => comment.body.content.map((block) => block.content.map((node) => node.text ?? '').join('')).join('\n'));
  },

  /** An email about the issue to the members of `groups` (Jira's mail queue; only those who may see the issue get it). */
  async notify(key: string, message: { subject: string; textBody: string; groups: readonly string[] }): Promise<void> {
    await call(route`/rest/api/3/issue/${key}/notify`, {
      method: 'POST',
      body: { subject: message.subject, textBody: message.textBody, to: { groups: message.groups.map((name) => ({ name })) } },
    });
  },

  /** An issue property's value; a missing property is AppError `jira_error` with status 404. */
  async getProperty(key: string, propertyKey: string): Promise<unknown> {
    return (await read(propertySchema, route`/rest/api/3/issue/${key}/properties/${propertyKey}`)).value;
  },

  /** Issues matching `jql` (built by the caller from constants and checked values only), newest first. */
  async searchIssues(jql: string, fields: readonly string[], maxResults: number): Promise<Issue[]> {
    return (await read(searchPageSchema, route`/rest/api/3/search/jql`, { method: 'POST', body: { jql, fields, maxResults } })).issues;
  },

  getApprovals(key: string): Promise<Approvals> {
    return read(approvalsSchema, route`/rest/servicedeskapi/request/${key}/approval`);
  },

  async groupMembers(groupName: string): Promise<string[]> {
    const members: string[] = [];
    for (let startAt = 0; ; ) {
      const page = await read(groupMembersSchema, route`/rest/api/3/group/member?groupname=${groupName}&startAt=${startAt}&maxResults=50`);
      members.push(...page.values.map((user) => user.accountId));
      if (page.isLast !== false || page.values.length === 0) return members;
      startAt += page.values.length;
    }
  },

  /** An account's display name (`GET /rest/api/3/user`); undefined when Jira has no such account (404). */
  async userName(accountId: string): Promise<string | undefined> {
    try {
      return (await read(userSchema, route`/rest/api/3/user?accountId=${accountId}`)).displayName;
    } catch (error) {
      if (isAppError(error, 'jira_error') && error.context.status === 404) return undefined;
      throw error;
    }
  },

  async userGroups(accountId: string): Promise<string[]> {
    return (await read(userGroupsSchema, route`/rest/api/3/user/groups?accountId=${accountId}`)).map((group) => group.name);
  },

  listFields(): Promise<z.infer<typeof fieldListSchema>> {
    return read(fieldListSchema, route`/rest/api/3/field`);
  },

  createField(input: { name: string; description: string; type: string; searcherKey: string }): Promise<z.infer<typeof createdFieldSchema>> {
    return read(createdFieldSchema, route`/rest/api/3/field`, { method: 'POST', body: input });
  },

  createIssue(input: {
    projectKey: string;
    issueTypeId: string;
    summary: string;
    description: AdfDoc;
    assigneeAccountId?: string;
    dueDate?: string;
    /** Issue properties set with the issue, in the same call. */
    properties?: readonly { key: string; value: unknown }[];
  }): Promise<{ id: string; key: string }> {
    return read(createdIssueSchema, route`/rest/api/3/issue`, {
      method: 'POST',
      body: {
        fields: {
          project: { key: input.projectKey },
          issuetype: { id: input.issueTypeId },
          summary: input.summary,
          description: input.description,
          ...(input.assigneeAccountId ? { assignee: { accountId: input.assigneeAccountId } } : {}),
          ...(input.dueDate ? { duedate: input.dueDate } : {}),
        },
        ...(input.properties ? { properties: input.properties } : {}),
      },
    });
  },

  async linkIssues(inwardKey: string, outwardKey: string, typeName: string): Promise<void> {
    await call(route`/rest/api/3/issueLink`, { method: 'POST', body: { type: { name: typeName }, inwardIssue: { key: inwardKey }, outwardIssue: { key: outwardKey } } });
  },

  getProject(key: string): Promise<z.infer<typeof projectSchema>> {
    return read(projectSchema, route`/rest/api/3/project/${key}`);
  },

  async listServiceDesks(): Promise<ServiceDesk[]> {
    const desks: ServiceDesk[] = [];
    for (let start = 0; ; ) {
      const page = await read(serviceDeskPageSchema, route`/rest/servicedeskapi/servicedesk?start=${start}&limit=50`);
      desks.push(...page.values);
      if (page.isLastPage !== false || page.values.length === 0) return desks;
      start += page.values.length;
    }
  },

  getServiceDesk(id: string): Promise<ServiceDesk> {
    return read(serviceDeskSchema, route`/rest/servicedeskapi/servicedesk/${id}`);
  },

  async listRequestTypes(serviceDeskId: string): Promise<RequestType[]> {
    return (await read(requestTypePageSchema, route`/rest/servicedeskapi/servicedesk/${serviceDeskId}/requesttype?limit=100`)).values;
  },

  /** Experimental in JSM; the type it creates is on no portal group, so customers do not see it yet. */
  createRequestType(serviceDeskId: string, input: { issueTypeId: string; name: string; description: string; helpText: string }): Promise<RequestType> {
    return read(requestTypeSchema, route`/rest/servicedeskapi/servicedesk/${serviceDeskId}/requesttype`, { method: 'POST', body: input, headers: EXPERIMENTAL });
  },
};

export type JiraClient = typeof jira;
