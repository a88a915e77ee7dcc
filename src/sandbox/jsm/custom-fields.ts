import { badRequest } from './errors';
import type { Field, State } from './state';

const PREFIX = 'com.atlassian.jira.plugin.system.customfieldtypes:';

/** The custom field types the emulator stores, with the schema Jira reports for each. */
const CUSTOM_TYPES: Record<string, Pick<Field['schema'], 'type' | 'items'>> = {
  textfield: { type: 'string' },
  textarea: { type: 'string' },
  url: { type: 'string' },
  readonlyfield: { type: 'string' },
  float: { type: 'number' },
  datetime: { type: 'datetime' },
  datepicker: { type: 'date' },
  select: { type: 'option' },
  radiobuttons: { type: 'option' },
  multiselect: { type: 'array', items: 'option' },
  userpicker: { type: 'user' },
  multiuserpicker: { type: 'array', items: 'user' },
  labels: { type: 'array', items: 'string' },
};

/** Registers a custom field; the admin API and POST /field share it. */
export function createCustomField(state: State, input: { name: string; description?: string; type: string; options?: string[] }): Field {
  const shortType = input.type.startsWith(PREFIX) ? input.type.slice(PREFIX.length) : input.type;
  const schemaType = CUSTOM_TYPES[shortType];
  if (!schemaType) throw badRequest('', { type: `Custom field type '${input.type}' is not supported.` });
  const customId = Number(state.nextId('customfield'));
  const field: Field = {
    id: `customfield_${customId}`,
    name: input.name,
    description: input.description ?? '',
    custom: true,
    schema: { ...schemaType, custom: `${PREFIX}${shortType}`, customId },
    options: (input.options ?? []).map((value) => ({ id: state.nextId('option'), value })),
  };
  state.fields.set(field.id, field);
  return field;
}

