import { isAppError } from '../app-error';
import { connectorClient } from '../connector/connector-access';
import { jira } from '../jira/jira-client';
import { displayNames, UNKNOWN_USER } from '../jira/user-names';
import type { RequestType } from '../jira/jira-schemas';
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
const HELP_TEXT = 'Fields: target database, access level, duration, justification, change request.';
const PORTAL_PATH = 'Project settings → Request types → Portal groups';

/** What the admin does in Jira when the API may not create a request type (team-managed project, refusal). */
function createByHand(spec: { name: string; description: string }, issueType: string, why: string): string {
  return `Create the request type "${spec.name}" by hand (${why}): Project settings → Request types → Create request type, named exactly "${spec.name}", issue type "${issueType}", description "${spec.description}"; then run this setup again so the app maps it.`;
}

/** Finds the app's request types by name and creates the missing ones where JSM lets an app do it. */
async function ensureRequestTypes(desk: { id: string }, project: { style?: string | undefined }, issueType: { id: string; name: string }) {
  const existing = await jira.listRequestTypes(desk.id);
  const manual: string[] = [];
  const ensure = async (spec: { name: string; description: string }): Promise<RequestType | undefined> => {
    const found = existing.find((type) => type.name === spec.name);
    if (found) return found;
    if (project.style === 'next-gen') {
      manual.push(createByHand(spec, issueType.name, 'JSM creates no request type by API in a team-managed project; there a request type is an issue type'));
      return undefined;
    }
    try {
      return await jira.createRequestType(desk.id, { issueTypeId: issueType.id, name: spec.name, description: spec.description, helpText: HELP_TEXT });
    } catch (error) {
      if (!isAppError(error, 'jira_error')) throw error;
      manual.push(createByHand(spec, issueType.name, `Jira refused to create it: ${error.message}`));
      return undefined;
    }
  };
  const access = await ensure(REQUEST_TYPES.access);
  const breakGlass = await ensure(REQUEST_TYPES.breakGlass);
  const hidden = [access, breakGlass].filter((type): type is RequestType => type !== undefined && type.groupIds.length === 0);
  return { access, breakGlass, manual, hidden };
}

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

    const types = await ensureRequestTypes(desk, project, issueType);
    const requestTypes = { ...(types.access ? { access: types.access.id } : {}), ...(types.breakGlass ? { breakGlass: types.breakGlass.id } : {}) };
    // Break-glass grants before anyone looks: its type is enabled only with somewhere to alert.
    const breakGlassOff = types.breakGlass !== undefined && config.alertWebhookUrl === undefined;
    const enabled = breakGlassOff ? { ...(types.access ? { access: types.access.id } : {}) } : requestTypes;

    await saveSettings({ ...settings, requestTypes: { serviceDeskId: desk.id, ...enabled } });
    await saveAppConfig({ ...config, projectKey: desk.projectKey, fields, changeFields: { ...(plannedStart ? { plannedStart } : {}), ...(plannedEnd ? { plannedEnd } : {}) } });
    const fieldIds = Object.fromEntries(Object.entries(fields).filter((entry): entry is [string, string] => entry[1] !== undefined));
    return {
      projectKey: desk.projectKey,
      requestTypes,
      fields: fieldIds,
      changeFields: { ...(plannedStart ? { plannedStart } : {}), ...(plannedEnd ? { plannedEnd } : {}) },
      nextSteps: [
        ...(breakGlassOff
          ? [`Break-glass is not enabled: it grants before anyone looks, and no alert destination is set. Set the alert webhook (App options on this tab), then click Create request types again to enable "${REQUEST_TYPES.breakGlass.name}".`]
          : []),
        ...types.manual,
        `Add the fields ${FIELDS.map((field) => `"${field.name}"`).join(', ')} to the request form of both request types (Project settings → Request types → the type → Request form); JSM offers no API for the form.`,
        ...types.hidden.map((type) => `Put "${type.name}" in a portal group (${PORTAL_PATH}): JSM creates request types by API in no group, hidden from the portal, and offers no API to add one.`),
        'Check that the workflow of the request types has the statuses and transitions named on the Workflow tab, and that the app approves through its own transition ("Approved by policy"), not the approval step\'s "Approve" (docs/admin-guide.md, section 4).',
      ],
    };
  },
});

/** Done when both request types are mapped and on the portal (in a request type group, which only the admin can set). */
async function requestTypesItem(mapped: { serviceDeskId?: string | undefined; access?: string | undefined; breakGlass?: string | undefined }) {
  if (!mapped.serviceDeskId || !mapped.access) {
    return { id: 'request-types', done: false, detail: 'Create the request types in a service desk (Setup tab); where JSM refuses, the setup result says what to create by hand.' };
  }
  if (!mapped.breakGlass) {
    return { id: 'request-types', done: false, detail: 'Break-glass is not enabled: set the alert webhook (App options), then click Create request types again.' };
  }
  const ids = [mapped.access, mapped.breakGlass];
  const types = (await jira.listRequestTypes(mapped.serviceDeskId)).filter((type) => ids.includes(type.id));
  const hidden = types.filter((type) => type.groupIds.length === 0).map((type) => `"${type.name}"`);
  if (types.length < ids.length) return { id: 'request-types', done: false, detail: 'A mapped request type no longer exists: run the request type setup again.' };
  if (hidden.length > 0) return { id: 'request-types', done: false, detail: `Customers cannot see ${hidden.join(' and ')}: put ${hidden.length === 1 ? 'it' : 'them'} in a portal group (${PORTAL_PATH}).` };
  return { id: 'request-types', done: true, detail: 'Both request types are on the portal.' };
}

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
        await requestTypesItem(settings.requestTypes),
        { id: 'fields', done: fieldsMapped === 5, detail: `${fieldsMapped} of 5 request fields mapped.` },
        { id: 'change-fields', done: Boolean(config.changeFields.plannedStart && config.changeFields.plannedEnd), detail: 'The planned start and end fields of change requests were found.' },
        { id: 'policies', done: settings.policies.length > 0, detail: `${settings.policies.length} policy rules; anything unmatched is denied.` },
        { id: 'alert-webhook', done: config.alertWebhookUrl !== undefined, detail: 'Needed for break-glass: without an alert destination, setup does not enable it and its requests are denied.' },
      ],
    };
  },
});

/** States in which a request or its access has ended, and the history entry that says when and by whom. */
const ENDED: ReadonlySet<string> = new Set(['expired', 'revoked', 'failed', 'denied', 'declined']);

export const auditGrants = defineResolver('auditGrants', {
  roles: ['admin'],
  handler: async ({ payload }) => {
    const page = await queryCreated(Date.parse(payload.from), Date.parse(payload.to), 100, payload.cursor);
    const endings = new Map(page.grants.map(({ record }) => [record.ticket, ENDED.has(record.state) ? record.history.findLast((entry) => entry.to === record.state) : undefined]));
    const names = await displayNames(
      page.grants.flatMap(({ record }) => [record.requester.accountId, ...record.approvers.map((approver) => approver.accountId), ...[endings.get(record.ticket)?.actor ?? '']]),
    );
    const nameOf = (id: string) => names[id] ?? UNKNOWN_USER;
    return {
      rows: page.grants.map(({ record, meta, createdAt }) => {
        const ended = endings.get(record.ticket);
        return {
          ticket: record.ticket,
          state: record.state,
          requester: record.requester.accountId,
          target: record.target,
          accessLevel: record.accessLevel,
          breakGlass: record.breakGlass,
          ...(record.rule ? { rule: record.rule.name } : {}),
          approvers: record.approvers.map((approver) => approver.accountId),
          requesterName: nameOf(record.requester.accountId),
          approverNames: record.approvers.map((approver) => nameOf(approver.accountId)),
          ...(meta.justification ? { justification: meta.justification } : {}),
          requestedAt: new Date(createdAt).toISOString(),
          ...(record.window ? { notBefore: record.window.notBefore, notAfter: record.window.notAfter } : {}),
          ...(meta.flagged ? { flagged: meta.flagged } : {}),
          ...(ended ? { endedAt: ended.at, endedBy: ended.actor, endedByName: nameOf(ended.actor) } : {}),
        };
      }),
      ...(page.cursor ? { cursor: page.cursor } : {}),
    };
  },
});
