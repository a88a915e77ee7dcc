import { isAdfDocument, textToAdf } from './adf';
import type { Field, FieldOption, State } from './state';
import { userDetails } from './views/user-view';

/** The outcome of checking one incoming field value: the value to store, or why it is refused. */
export type Normalized = { ok: true; value: unknown } | { ok: false; error: string };

const ok = (value: unknown): Normalized => ({ ok: true, value });
const fail = (error: string): Normalized => ({ ok: false, error });

function pickOption(field: Field, raw: unknown): FieldOption | string {
  const wanted =
    typeof raw === 'string'
      ? { value: raw, id: raw }
      : typeof raw === 'object' && raw !== null
        ? { id: 'id' in raw ? String(raw.id) : undefined, value: 'value' in raw ? String(raw.value) : undefined }
        : { id: undefined, value: undefined };
  // JSM sends a select value as the option id (its `validValues[].value`), Jira as {id} or {value}.
  const option = field.options.find((o) => (wanted.id !== undefined && o.id === wanted.id) || (wanted.value !== undefined && o.value === wanted.value));
  return option ?? `Option value '${wanted.id ?? wanted.value ?? String(raw)}' is not valid`;
}

function pickUser(state: State, raw: unknown): string | null {
  const accountId = typeof raw === 'string' ? raw : typeof raw === 'object' && raw !== null && 'accountId' in raw ? raw.accountId : null;
  return typeof accountId === 'string' && state.users.has(accountId) ? accountId : null;
}

/**
 * Checks and converts a value as Jira accepts it on write (`{id}`/`{value}` for options, `{accountId}`
 * for users, ADF or text for text areas) into what the store keeps. `null` clears a field.
 */
export function normalizeFieldValue(state: State, field: Field, raw: unknown): Normalized {
  if (raw === null) return field.id === 'summary' ? fail('You must specify a summary of the issue.') : ok(null);
  const { type, items } = field.schema;
  if (field.id === 'description' || field.schema.custom?.endsWith(':textarea')) {
    if (typeof raw === 'string') return ok(textToAdf(raw));
    return isAdfDocument(raw) ? ok(raw) : fail('Operation value must be an Atlassian Document.');
  }
  switch (type) {
    case 'string':
      if (typeof raw !== 'string') return fail('Operation value must be a string');
      if (field.id === 'summary' && raw.trim() === '') return fail('You must specify a summary of the issue.');
      return ok(raw);
    case 'number':
      return typeof raw === 'number' && Number.isFinite(raw) ? ok(raw) : fail('Operation value must be a number');
    case 'datetime':
      return typeof raw === 'string' && !Number.isNaN(Date.parse(raw)) ? ok(raw) : fail(`Invalid ${type}: '${String(raw)}'`);
    case 'date':
      // Jira takes a date as yyyy-MM-dd only (a due date with a time is refused).
      return typeof raw === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(raw) && !Number.isNaN(Date.parse(raw)) ? ok(raw) : fail(`Error parsing date string: ${String(raw)}`);
    case 'option': {
      const option = pickOption(field, raw);
      return typeof option === 'string' ? fail(option) : ok(option);
    }
    case 'user': {
      const accountId = pickUser(state, raw);
      return accountId ? ok(accountId) : fail('Specify a valid value for the user field');
    }
    case 'array': {
      if (!Array.isArray(raw)) return fail('Operation value must be an array');
      if (items === 'option') {
        const options = raw.map((entry) => pickOption(field, entry));
        const bad = options.find((o) => typeof o === 'string');
        return typeof bad === 'string' ? fail(bad) : ok(options);
      }
      if (items === 'user') {
        const ids = raw.map((entry) => pickUser(state, entry));
        return ids.every((id) => id !== null) ? ok(ids) : fail('Specify valid users for the field');
      }
      return raw.every((entry) => typeof entry === 'string') ? ok(raw) : fail('Operation value must be a list of strings');
    }
    default:
      return ok(raw);
  }
}

const optionView = (state: State, field: Field, option: FieldOption) => ({
  self: `${state.baseUrl}/rest/api/3/customFieldOption/${option.id}`,
  value: option.value,
  id: option.id,
});

/** A stored custom or simple field value rendered the way GET /rest/api/3/issue returns it. */
export function renderFieldValue(state: State, field: Field, stored: unknown): unknown {
  if (stored === null || stored === undefined) return null;
  const { type, items } = field.schema;
  const user = (accountId: unknown) => {
    const found = typeof accountId === 'string' ? state.users.get(accountId) : undefined;
    return found ? userDetails(state, found) : null;
  };
  if (type === 'option') return optionView(state, field, stored as FieldOption);
  if (type === 'user') return user(stored);
  if (type === 'array' && items === 'option') return (stored as FieldOption[]).map((o) => optionView(state, field, o));
  if (type === 'array' && items === 'user') return (stored as string[]).map(user);
  return stored;
}

/** A stored value as a changelog string (`fromString`/`toString`). */
export function fieldValueString(state: State, field: Field, stored: unknown): string | null {
  if (stored === null || stored === undefined) return null;
  const { type, items } = field.schema;
  if (type === 'option') return (stored as FieldOption).value;
  if (type === 'user') return state.users.get(String(stored))?.displayName ?? String(stored);
  if (type === 'array' && items === 'option') return (stored as FieldOption[]).map((o) => o.value).join(',');
  if (type === 'array' && items === 'user') return (stored as string[]).map((id) => state.users.get(id)?.displayName ?? id).join(',');
  if (typeof stored === 'string' || typeof stored === 'number') return String(stored);
  return JSON.stringify(stored);
}

/** The id side of a changelog item: option ids and account ids; null for plain values, as Jira does. */
export function fieldValueId(field: Field, stored: unknown): string | null {
  if (stored === null || stored === undefined) return null;
  const { type, items } = field.schema;
  if (type === 'option') return (stored as FieldOption).id;
  if (type === 'user') return String(stored);
  if (type === 'array' && items === 'option') return (stored as FieldOption[]).map((o) => o.id).join(',');
  if (type === 'array' && items === 'user') return (stored as string[]).join(',');
  return null;
}
