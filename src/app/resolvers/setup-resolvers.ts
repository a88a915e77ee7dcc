import { connectorClient } from '../connector/connector-access';
import { jira } from '../jira/jira-client';
import type { AppConfig } from '../storage/app-config';
import { queryCreated } from '../storage/grant-store';
import { loadConnectorSecret, saveAppConfig, saveSettings } from '../storage/settings-store';
import { defineResolver } from './define-resolver';

const TEXT = { type: 'com.atlassian.jira.plugin.system.customfieldtypes:textfield', searcherKey: 'com.atlassian.jira.plugin.system.customfieldtypes:textsearcher' };
const TEXTAREA = { type: 'com.atlassian.jira.plugin.system.customfieldtypes:textarea', searcherKey: 'com.atlassian.jira.plugin.system.customfieldtypes:textsearcher' };

/** The request fields the app owns: plain Jira custom fields, so they work on every portal form and in JQL. */
const FIELDS: ReadonlyArray<{ key: keyof AppConfig['fields']; name: string; description: string; kind: typeof TEXT }> = [
  { key: 'target', name: 'JIT target database', description: 'The database target id, as the connector names it (e.g. orders-prod).', kind: TEXT },
  { key: 'accessLevel', name: 'JIT access level', description: 'The access level id (e.g. read-only, emergency-fix, maintenance, schema-change).', kind: TEXT },
  { key: 'duration', name: 'JIT duration', description: 'How long access should last, as an ISO-8601 duration (PT4H = 4 hours). Empty: the level default.', kind: TEXT },
  { key: 'justification', name: 'JIT justification', description: 'Why access is needed (incident, bug, change).', kind: TEXTAREA },
  { key: 'change', name: 'JIT change request', description: 'The key of the approved change request this access belongs to (e.g. CHG-42).', kind: TEXT },
];

const PLANNED_START = ['planned start', 'change start date', 'planned start date'];
const PLANNED_END = ['planned end', 'change completion date', 'planned end date'];

const REQUEST_TYPES = {
  access: { name: 'Database access', description: 'Temporary access to a database, granted and revoked automatically.' },
  breakGlass: { name: 'Emergency database access (break-glass)', description: 'Immediate access in an emergency; alerted and reviewed afterwards.' },
} as const;

/** The service desks the app can see, for the setup tab's choice of where the request types go. */
export const listServiceDesks = defineResolver('listServiceDesks', {
  roles: ['admin'],
  handler: async () => ({ desks: (await jira.listServiceDesks()).map((desk) => ({ id: desk.id, projectKey: desk.projectKey, name: desk.projectName })) }),
});

export const setupRequestTypes = defineResolver('setupRequestTypes', {
  roles: ['admin'],
  handler: async ({ payload, settings, config }) => {
    const desk = await jira.getServiceDesk(payload.serviceDeskId);
    const project = await jira.getProject(desk.projectKey);
    const issueType = project.issueTypes.find((type) => type.name === 'Service Request with Approvals') ?? project.issueTypes.find((type) => type.name === 'Service Request') ?? project.issueTypes[0];
    if (!issueType) throw new Error(`project ${desk.projectKey} has no issue types`);

    const existingFields = await jira.listFields();
    const fields: AppConfig['fields'] = { ...config.fields };
    for (const field of FIELDS) {
      const found = existingFields.find((candidate) => candidate.custom && candidate.name === field.name);
      fields[field.key] = found?.id ?? (await jira.createField({ name: field.name, description: field.description, ...field.kind })).id;
    }
    const byName = (names: readonly string[]) => existingFields.find((candidate) => names.includes(candidate.name.toLowerCase()))?.id;
    const plannedStart = byName(PLANNED_START) ?? config.changeFields.plannedStart;
    const plannedEnd = byName(PLANNED_END) ?? config.changeFields.plannedEnd;

    const existingTypes = await jira.listRequestTypes(desk.id);
    const ensureType = async (spec: { name: string; description: string }) =>
      existingTypes.find((type) => type.name === spec.name)?.id ??
      (await jira.createRequestType(desk.id, { issueTypeId: issueType.id, name: spec.name, description: spec.description, helpText: 'Fields: target database, access level, duration, justification, change request.' })).id;
    const access = await ensureType(REQUEST_TYPES.access);
    const breakGlass = await ensureType(REQUEST_TYPES.breakGlass);

    await saveSettings({ ...settings, requestTypes: { serviceDeskId: desk.id, access, breakGlass } });
    await saveAppConfig({ ...config, projectKey: desk.projectKey, fields, changeFields: { ...(plannedStart ? { plannedStart } : {}), ...(plannedEnd ? { plannedEnd } : {}) } });
    const fieldIds = Object.fromEntries(Object.entries(fields).filter((entry): entry is [string, string] => entry[1] !== undefined));
    return {
      projectKey: desk.projectKey,
      requestTypes: { access, breakGlass },
      fields: fieldIds,
      changeFields: { ...(plannedStart ? { plannedStart } : {}), ...(plannedEnd ? { plannedEnd } : {}) },
      nextSteps: [
        `Add the fields ${FIELDS.map((field) => `"${field.name}"`).join(', ')} to the request form of both request types (Project settings → Request types).`,
        'Show both request types in a portal group so customers can raise them.',
        'Check that the workflow of the request types has the statuses and transitions named on the Workflow tab of the app settings.',
      ],
    };
  },
});

export const setupChecklist = defineResolver('setupChecklist', {
  roles: ['admin'],
  handler: async ({ settings, config }) => {
    const secretSet = (await loadConnectorSecret()) !== undefined;
    let reachable = false;
    let detail = 'Set the connector URL and signing secret first.';
    if (secretSet) {
      try {
        const health = await (await connectorClient(settings.connectorUrl)).health();
        reachable = true;
        detail = `The connector answers: ${health.status}, ${health.targets.filter((target) => target.reachable).length} of ${health.targets.length} targets reachable.`;
      } catch (error) {
        detail = `The connector at ${settings.connectorUrl} did not answer: ${error instanceof Error ? error.message : 'error'}.`;
      }
    }
    const fieldsMapped = Object.values(config.fields).filter(Boolean).length;
    return {
      items: [
        { id: 'connector-secret', done: secretSet, detail: secretSet ? 'The signing secret is stored.' : 'Store the connector signing secret.' },
        { id: 'connector-reachable', done: reachable, detail },
        { id: 'targets', done: settings.targets.length > 0, detail: `${settings.targets.length} database targets known (Test connection refreshes them).` },
        { id: 'request-types', done: Boolean(settings.requestTypes.access && settings.requestTypes.breakGlass), detail: 'Create the request types in a service desk.' },
        { id: 'fields', done: fieldsMapped === 5, detail: `${fieldsMapped} of 5 request fields mapped.` },
        { id: 'change-fields', done: Boolean(config.changeFields.plannedStart && config.changeFields.plannedEnd), detail: 'The planned start and end fields of change requests were found.' },
        { id: 'policies', done: settings.policies.length > 0, detail: `${settings.policies.length} policy rules; anything unmatched is denied.` },
        { id: 'alert-webhook', done: config.alertWebhookUrl !== undefined, detail: 'Optional: a webhook for break-glass alerts.' },
      ],
    };
  },
});

export const auditGrants = defineResolver('auditGrants', {
  roles: ['admin'],
  handler: async ({ payload }) => {
    const page = await queryCreated(Date.parse(payload.from), Date.parse(payload.to), 100, payload.cursor);
    return {
      rows: page.grants.map(({ record, meta, createdAt }) => ({
        ticket: record.ticket,
        state: record.state,
        requester: record.requester.accountId,
        target: record.target,
        accessLevel: record.accessLevel,
        breakGlass: record.breakGlass,
        ...(record.rule ? { rule: record.rule.name } : {}),
        approvers: record.approvers.map((approver) => approver.accountId),
        requestedAt: new Date(createdAt).toISOString(),
        ...(record.window ? { notBefore: record.window.notBefore, notAfter: record.window.notAfter } : {}),
        ...(meta.flagged ? { flagged: meta.flagged } : {}),
      })),
      ...(page.cursor ? { cursor: page.cursor } : {}),
    };
  },
});
