import { randomUUID } from 'node:crypto';
import type { EventBus, EventDelivery } from './event-bus';
import type { IssueOps } from './issue-ops';
import type { Roles } from './permissions';
import type { RateLimit, RateLimiter } from './rate-limit';
import { createCustomField } from './custom-fields';
import type { AccountType, Project, RequestTypeField, SentNotification, State } from './state';
import type { ForgeProductEvent } from './types';
import { buildWorkflow, type WorkflowConfig } from './workflow';
import { changeWorkflow, simpleWorkflow } from './workflow-presets';

export type CreateUserInput = { accountId?: string; email: string; displayName: string; accountType?: Exclude<AccountType, 'app'>; timeZone?: string };
export type CreateProjectInput = {
  key: string;
  name: string;
  projectTypeKey?: Project['projectTypeKey'];
  /** A team-managed project (default: company-managed). */
  teamManaged?: boolean;
  leadAccountId?: string;
  /** Workflow for issue types without their own; defaults to To Do / In Progress / Done. */
  workflow?: WorkflowConfig;
  /** Workflows by issue type name, e.g. `{ 'Service Request with Approvals': accessRequestWorkflow('approvers') }`. */
  workflows?: Record<string, WorkflowConfig>;
};
export type RequestTypeFieldInput = { fieldId: string; name?: string; description?: string; required?: boolean };
export type CreateRequestTypeInput = {
  serviceDeskId: string;
  name: string;
  issueTypeName: string;
  description?: string;
  helpText?: string;
  groupIds?: string[];
  /** Fields shown on the portal form; defaults to summary (required) and description. */
  fields?: RequestTypeFieldInput[];
};

/** Seeding and test controls; nothing here goes through REST, so none of it counts as a call. */
export function createAdmin(state: State, roles: Roles, events: EventBus, limiter: RateLimiter, ops: IssueOps) {
  const issueTypeId = (name: string): string => {
    const type = [...state.issueTypes.values()].find((t) => t.name === name);
    if (!type) throw new Error(`unknown issue type "${name}"`);
    return type.id;
  };
  const project = (key: string): Project => {
    const found = state.projects.get(key.toUpperCase());
    if (!found) throw new Error(`unknown project "${key}"`);
    return found;
  };
  const createGroup = (name: string) => {
    const existing = state.groups.get(name);
    if (existing) return { groupId: existing.groupId, name };
    const group = { groupId: randomUUID(), name, members: new Set<string>() };
    state.groups.set(name, group);
    return { groupId: group.groupId, name };
  };
  const fieldEntries = (fields: RequestTypeFieldInput[]): RequestTypeField[] =>
    fields.map((f) => {
      const field = state.fields.get(f.fieldId);
      if (!field) throw new Error(`unknown field "${f.fieldId}"`);
      return { fieldId: field.id, name: f.name ?? field.name, description: f.description ?? field.description, required: f.required ?? false };
    });

  const admin = {
    appAccountId: roles.appAccountId,
    agentsGroup: roles.agentsGroup,
    adminsGroup: roles.adminsGroup,

    createUser(input: CreateUserInput): { accountId: string } {
      const accountId = input.accountId ?? `5b10ac8d82e05b22cc7d${state.nextId('account', 100000)}`;
      if (state.users.has(accountId) || state.findUserByEmail(input.email)) throw new Error(`user ${input.email} already exists`);
      state.users.set(accountId, {
        accountId,
        emailAddress: input.email,
        displayName: input.displayName,
        accountType: input.accountType ?? 'atlassian',
        active: true,
        timeZone: input.timeZone ?? 'UTC',
      });
      return { accountId };
    },
    createGroup,
    addToGroup(groupName: string, accountId: string): void {
      if (!state.users.has(accountId)) throw new Error(`unknown user ${accountId}`);
      createGroup(groupName);
      state.groups.get(groupName)?.members.add(accountId);
    },
    removeFromGroup(groupName: string, accountId: string): void {
      state.groups.get(groupName)?.members.delete(accountId);
    },
    /** Deletes an account: it signs in no more and the user API answers 404 for it; what it did on issues stays. */
    deleteUser(accountId: string): void {
      const user = state.users.get(accountId);
      if (!user) throw new Error(`unknown user ${accountId}`);
      state.users.set(accountId, { ...user, active: false, deleted: true });
      for (const group of state.groups.values()) group.members.delete(accountId);
    },
    /** Whether the user works the queue (an agent or an admin); everyone else is a portal customer. */
    isAgent(accountId: string): boolean {
      return state.isInGroup(accountId, roles.adminsGroup) || state.isInGroup(accountId, roles.agentsGroup);
    },

    createProject(input: CreateProjectInput): { id: string; key: string } {
      const key = input.key.toUpperCase();
      if (!/^[A-Z][A-Z0-9]{1,9}$/.test(key)) throw new Error(`invalid project key "${input.key}"`);
      if (state.projects.has(key)) throw new Error(`project ${key} already exists`);
      const created: Project = {
        id: state.nextId('project'),
        key,
        name: input.name,
        projectTypeKey: input.projectTypeKey ?? 'software',
        style: input.teamManaged ? 'next-gen' : 'classic',
        leadAccountId: input.leadAccountId ?? null,
        issueTypeIds: [...state.issueTypes.values()].map((t) => t.id),
        workflows: new Map([[issueTypeId('Change'), buildWorkflow(state, changeWorkflow)]]),
        defaultWorkflow: buildWorkflow(state, input.workflow ?? simpleWorkflow),
      };
      for (const [typeName, config] of Object.entries(input.workflows ?? {})) created.workflows.set(issueTypeId(typeName), buildWorkflow(state, config));
      state.projects.set(key, created);
      return { id: created.id, key };
    },
    createServiceDesk(input: Omit<CreateProjectInput, 'projectTypeKey'>): { serviceDeskId: string; projectId: string; projectKey: string } {
      const created = admin.createProject({ ...input, projectTypeKey: 'service_desk' });
      const serviceDeskId = state.nextId('servicedesk', 1);
      state.serviceDesks.set(serviceDeskId, { id: serviceDeskId, projectKey: created.key });
      return { serviceDeskId, projectId: created.id, projectKey: created.key };
    },
    /** Replaces a project's workflow (for one issue type, or the default). Existing issues keep their status id. */
    setWorkflow(projectKey: string, config: WorkflowConfig, issueTypeName?: string): void {
      const target = project(projectKey);
      const workflow = buildWorkflow(state, config);
      if (issueTypeName) target.workflows.set(issueTypeId(issueTypeName), workflow);
      else target.defaultWorkflow = workflow;
    },

    createRequestType(input: CreateRequestTypeInput): { id: string } {
      const desk = state.serviceDesks.get(input.serviceDeskId);
      if (!desk) throw new Error(`unknown service desk ${input.serviceDeskId}`);
      const id = state.nextId('requesttype', 1);
      state.requestTypes.set(id, {
        id,
        serviceDeskId: desk.id,
        name: input.name,
        description: input.description ?? '',
        helpText: input.helpText ?? '',
        issueTypeId: issueTypeId(input.issueTypeName),
        groupIds: input.groupIds ?? [],
        fields: fieldEntries(input.fields ?? [{ fieldId: 'summary', required: true }, { fieldId: 'description' }]),
      });
      return { id };
    },
    /** Puts a request type in portal groups, which is what shows it on the portal (JSM's UI only; no REST API does it). */
    setRequestTypeGroups(requestTypeId: string, groupIds: string[]): void {
      const type = state.requestTypes.get(requestTypeId);
      if (!type) throw new Error(`unknown request type ${requestTypeId}`);
      type.groupIds = [...groupIds];
    },
    /** Deletes an issue as a Jira user would in the UI (the REST route does the same), emitting `avi:jira:deleted:issue`. */
    deleteIssue(idOrKey: string, actorId: string): void {
      const issue = state.findIssue(idOrKey);
      if (!issue) throw new Error(`unknown issue ${idOrKey}`);
      ops.delete(issue, actorId);
    },
    /** Sets a request type's portal fields (JSM configures these in its UI; there is no REST API for it). */
    setRequestTypeFields(requestTypeId: string, fields: RequestTypeFieldInput[]): void {
      const type = state.requestTypes.get(requestTypeId);
      if (!type) throw new Error(`unknown request type ${requestTypeId}`);
      type.fields = fieldEntries(fields);
    },
    /** Creates a custom field; `type` is the short or full Jira type key (select, textfield, datetime, multiuserpicker…). */
    createCustomField(input: { name: string; type: string; description?: string; options?: string[] }): { id: string } {
      return { id: createCustomField(state, input).id };
    },
    /** Replaces a select field's options (Jira's field context options API is outside the emulated subset). */
    setFieldOptions(fieldId: string, values: string[]): { id: string; value: string }[] {
      const field = state.fields.get(fieldId);
      if (!field) throw new Error(`unknown field ${fieldId}`);
      field.options = values.map((value) => field.options.find((o) => o.value === value) ?? { id: state.nextId('option'), value });
      return field.options.map((o) => ({ ...o }));
    },

    issueTypeId,
    statusId(name: string): string {
      const status = state.findStatusByName(name);
      if (!status) throw new Error(`unknown status "${name}"`);
      return status.id;
    },
    transitionId(projectKey: string, issueTypeName: string, transitionName: string): string {
      const target = project(projectKey);
      const workflow = target.workflows.get(issueTypeId(issueTypeName)) ?? target.defaultWorkflow;
      const transition = workflow.transitions.find((t) => t.name === transitionName);
      if (!transition) throw new Error(`no transition "${transitionName}" in ${workflow.name}`);
      return transition.id;
    },

    /** Turns the REST rate limit on (429 with Retry-After once exceeded) or off with null. */
    setRateLimit(limit: RateLimit | null): void {
      limiter.configure(limit);
    },
    setEventDelivery(delivery: Partial<EventDelivery>): void {
      events.configure(delivery);
    },
    /** Delivers held events and waits until every delivery has reached the listeners. */
    flushEvents(): Promise<void> {
      return events.flush();
    },
    /** Email notifications sent through the notify operation, in order. */
    get notifications(): readonly SentNotification[] {
      return state.notifications;
    },
    /** Every event emitted, once each and in order, whatever the delivery options do. */
    get emittedEvents(): readonly ForgeProductEvent[] {
      return events.emitted;
    },
  };
  return admin;
}

export type JsmAdmin = ReturnType<typeof createAdmin>;
