import type { Field, State } from './state';

const system = (id: string, name: string, type: string, items?: string): Field => ({
  id,
  name,
  description: '',
  custom: false,
  schema: { type, ...(items ? { items } : {}), system: id },
  options: [],
});

/** What every Jira site has before anyone configures it: system fields, issue types, link types. */
export function seedDefaults(state: State): void {
  for (const field of [
    system('summary', 'Summary', 'string'),
    system('description', 'Description', 'string'),
    system('labels', 'Labels', 'array', 'string'),
    system('issuetype', 'Issue Type', 'issuetype'),
    system('project', 'Project', 'project'),
    system('status', 'Status', 'status'),
    system('resolution', 'Resolution', 'resolution'),
    system('resolutiondate', 'Resolved', 'datetime'),
    system('reporter', 'Reporter', 'user'),
    system('creator', 'Creator', 'user'),
    system('assignee', 'Assignee', 'user'),
    system('duedate', 'Due date', 'date'),
    system('created', 'Created', 'datetime'),
    system('updated', 'Updated', 'datetime'),
    system('statuscategorychangedate', 'Status Category Changed', 'datetime'),
    system('issuelinks', 'Linked Issues', 'array', 'issuelinks'),
    system('comment', 'Comment', 'comments-page'),
  ]) {
    state.fields.set(field.id, field);
  }
  for (const [name, description, subtask] of [
    ['Task', 'A small, distinct piece of work.', false],
    ['Service Request', 'Requests for help or information.', false],
    ['Service Request with Approvals', 'Requests that need approval before they are fulfilled.', false],
    ['Change', 'Changes to IT systems, planned and approved.', false],
    ['Incident', 'Service disruptions.', false],
    ['Sub-task', 'Part of a larger piece of work.', true],
  ] as const) {
    const id = state.nextId('issuetype');
    state.issueTypes.set(id, { id, name, description, subtask, hierarchyLevel: subtask ? -1 : 0 });
  }
  for (const [name, inward, outward] of [
    ['Blocks', 'is blocked by', 'blocks'],
    ['Relates', 'relates to', 'relates to'],
    ['Cloners', 'is cloned by', 'clones'],
    ['Caused', 'is caused by', 'causes'],
  ] as const) {
    const id = state.nextId('linktype');
    state.linkTypes.set(id, { id, name, inward, outward });
  }
}
