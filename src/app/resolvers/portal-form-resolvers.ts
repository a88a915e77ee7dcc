import { z } from 'zod';
import { jira } from '../jira/jira-client';
import { defineResolver } from './define-resolver';

/** Resolvers of the portal's request form: what a customer may ask for, and the changes to link. */

export const requestForm = defineResolver('requestForm', {
  roles: ['customer'],
  handler: async ({ payload, settings, config }) => {
    const { requestTypes } = settings;
    const kind = payload.requestTypeId === requestTypes.breakGlass ? 'break-glass' : payload.requestTypeId === requestTypes.access ? 'access' : null;
    if (kind === null) return { kind, targets: [], levels: [] };
    const levels = settings.accessLevels
      .filter((level) => kind === 'access' || level.breakGlass)
      .map(({ id, name, description, defaultDuration, maxDuration, requiresChange, boundToWindow }) => ({ id, name, description, defaultDuration, maxDuration, requiresChange, boundToWindow }));
    return {
      kind,
      targets: settings.targets.map(({ id, environment, engine }) => ({ id, environment, engine })),
      levels,
      ...(config.contact ? { contact: config.contact } : {}),
    };
  },
});

const CHANGE_SEARCH_SIZE = 50;
const CHANGES_SHOWN = 20;

const statusName = z.looseObject({ name: z.string() });

/** A planned-window field's value as an instant, or nothing when it is empty or not a date. */
function instantOf(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

/**
 * Open change requests whose key or summary contains the query, with status and planned window (one
 * search). The JQL is constant; the query only filters the answer, so nothing a customer types reaches
 * Jira's parser.
 */
export const findChanges = defineResolver('findChanges', {
  roles: ['customer'],
  handler: async ({ payload, config }) => {
    const { plannedStart, plannedEnd } = config.changeFields;
    const fields = ['summary', 'status', ...(plannedStart ? [plannedStart] : []), ...(plannedEnd ? [plannedEnd] : [])];
    const issues = await jira.searchIssues('issuetype = Change AND statusCategory != Done ORDER BY updated DESC', fields, CHANGE_SEARCH_SIZE);
    const query = payload.query.toLowerCase();
    const changes = issues
      .map((issue) => {
        const summary = typeof issue.fields.summary === 'string' ? issue.fields.summary.slice(0, 255) : '';
        const status = statusName.safeParse(issue.fields.status);
        const start = plannedStart ? instantOf(issue.fields[plannedStart]) : undefined;
        const end = plannedEnd ? instantOf(issue.fields[plannedEnd]) : undefined;
        return { key: issue.key, summary, status: status.success ? status.data.name : 'Unknown', ...(start ? { plannedStart: start } : {}), ...(end ? { plannedEnd: end } : {}) };
      })
      .filter((change) => query === '' || change.key.toLowerCase().includes(query) || change.summary.toLowerCase().includes(query))
      .slice(0, CHANGES_SHOWN);
    return { changes };
  },
});
