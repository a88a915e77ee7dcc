import { badRequest } from '../errors';
import { normalizeFieldValue } from '../field-values';
import type { State } from '../state';

/** Fields set through other means (or not at all) on an edit; `project` and `issuetype` only on create. */
const STRUCTURAL = new Set(['project', 'issuetype', 'reporter', 'assignee']);
const WRITABLE_SYSTEM = new Set(['summary', 'description', 'labels', 'duedate']);

export type FieldWrites = {
  values: Map<string, unknown>;
  assigneeId: string | null | undefined;
  reporterId: string | undefined;
};

function accountIdOf(state: State, raw: unknown): string | null | 'invalid' {
  if (raw === null) return null;
  if (typeof raw === 'object' && 'accountId' in raw && typeof raw.accountId === 'string' && state.users.has(raw.accountId)) return raw.accountId;
  return 'invalid';
}

/**
 * Checks every entry of a `fields` object as Jira does and collects all errors into one 400.
 * `project` and `issuetype` are left to the caller (create needs them, edit refuses them).
 */
export function checkFieldWrites(state: State, fields: Record<string, unknown>, creating: boolean): FieldWrites {
  const errors: Record<string, string> = {};
  const values = new Map<string, unknown>();
  let assigneeId: string | null | undefined;
  let reporterId: string | undefined;
  for (const [fieldId, raw] of Object.entries(fields)) {
    if (fieldId === 'assignee' || fieldId === 'reporter') {
      const accountId = accountIdOf(state, raw);
      if (accountId === 'invalid' || (fieldId === 'reporter' && accountId === null)) errors[fieldId] = `Specify a valid value for ${fieldId}`;
      else if (fieldId === 'assignee') assigneeId = accountId;
      else if (accountId !== null) reporterId = accountId;
      continue;
    }
    if (STRUCTURAL.has(fieldId)) {
      if (!creating) errors[fieldId] = `Field '${fieldId}' cannot be set. It is not on the appropriate screen, or unknown.`;
      continue;
    }
    const field = state.fields.get(fieldId);
    if (!field || (!field.custom && !WRITABLE_SYSTEM.has(fieldId))) {
      errors[fieldId] = `Field '${fieldId}' cannot be set. It is not on the appropriate screen, or unknown.`;
      continue;
    }
    const result = normalizeFieldValue(state, field, raw);
    if (result.ok) values.set(fieldId, result.value);
    else errors[fieldId] = result.error;
  }
  if (creating && typeof fields.summary !== 'string') errors.summary ??= 'You must specify a summary of the issue.';
  if (Object.keys(errors).length > 0) throw badRequest('', errors);
  return { values, assigneeId, reporterId };
}
