import { z } from 'zod';
import { createCustomField } from '../custom-fields';
import { badRequest } from '../errors';
import { json, parseBody, type Route } from '../router';
import type { Field } from '../state';

const createFieldBody = z.strictObject({
  name: z.string().min(1).max(255),
  description: z.string().optional(),
  type: z.string().min(1),
  searcherKey: z.string().optional(),
});

export function fieldDetails(field: Field) {
  const clauseNames = field.custom ? [`cf[${field.schema.customId ?? ''}]`, field.name] : [field.id];
  return {
    id: field.id,
    key: field.id,
    name: field.name,
    custom: field.custom,
    orderable: true,
    navigable: true,
    searchable: true,
    clauseNames,
    schema: field.schema,
  };
}

export const fieldRoutes: Route[] = [
  {
    method: 'GET',
    path: '/rest/api/3/field',
    flavour: 'jira',
    handler: (ctx) => json([...ctx.state.fields.values()].map(fieldDetails)),
  },
  {
    method: 'POST',
    path: '/rest/api/3/field',
    flavour: 'jira',
    handler: async (ctx) => {
      const body = parseBody(createFieldBody, await ctx.json());
      // Jira answers 400 (not 403) to a caller without the Administer Jira permission.
      if (ctx.actor.kind === 'user' && !ctx.actor.admin) throw badRequest('Only Jira administrators can create custom fields.');
      return json(fieldDetails(createCustomField(ctx.state, body)), 201);
    },
  },
];
