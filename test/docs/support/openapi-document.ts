import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

/** docs/openapi/connector-v2.yaml, parsed, with ajv validators for its component schemas. */

export const OPENAPI_PATH = join(__dirname, '..', '..', '..', 'docs', 'openapi', 'connector-v2.yaml');

export type JsonSchema = { [key: string]: unknown };

const jsonSchema: z.ZodType<JsonSchema> = z.record(z.string(), z.unknown());
const mediaSchema = z.looseObject({ schema: jsonSchema.optional() });
const responseSchema = z.looseObject({ $ref: z.string().optional(), content: z.record(z.string(), mediaSchema).optional() });
const operationSchema = z.looseObject({
  operationId: z.string(),
  security: z.array(z.record(z.string(), z.array(z.string()))).optional(),
  requestBody: z.looseObject({ content: z.record(z.string(), mediaSchema) }).optional(),
  responses: z.record(z.string(), responseSchema),
});
const METHODS = ['get', 'post', 'put', 'delete', 'patch'] as const;
const pathItemSchema = z.looseObject(Object.fromEntries(METHODS.map((method) => [method, operationSchema.optional()])));

export const openApiSchema = z.looseObject({
  openapi: z.string(),
  security: z.array(z.record(z.string(), z.array(z.string()))),
  paths: z.record(z.string(), pathItemSchema),
  components: z.looseObject({
    schemas: z.record(z.string(), jsonSchema),
    responses: z.record(z.string(), responseSchema),
    securitySchemes: z.record(z.string(), z.looseObject({ type: z.string(), in: z.string().optional(), name: z.string().optional() })),
  }),
});

export type OpenApi = z.infer<typeof openApiSchema>;
export type Operation = z.infer<typeof operationSchema>;

export function loadOpenApi(): OpenApi {
  return openApiSchema.parse(parseYaml(readFileSync(OPENAPI_PATH, 'utf8')));
}

/** Every (method, path template, operation) the document describes. */
export function operations(doc: OpenApi): { method: string; path: string; operation: Operation }[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    METHODS.flatMap((method) => {
      const operation = item[method];
      return operation ? [{ method: method.toUpperCase(), path, operation }] : [];
    }),
  );
}

/** An ajv (JSON Schema 2020-12, the dialect of OpenAPI 3.1) holding the components, so `#/components/…` refs resolve. */
export function componentValidator(doc: OpenApi): (schema: JsonSchema) => ValidateFunction {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ $id: 'connector-v2', components: doc.components }, 'connector-v2');
  return (schema) => ajv.compile(JSON.parse(JSON.stringify(schema).replace(/"#\/components\//g, '"connector-v2#/components/')) as JsonSchema);
}

/** The JSON schema of one response of an operation, through `#/components/responses` when referenced. */
export function responseBodySchema(doc: OpenApi, operation: Operation, status: number): JsonSchema | undefined {
  let response = operation.responses[String(status)];
  const ref = response?.$ref;
  if (ref !== undefined) response = doc.components.responses[ref.replace('#/components/responses/', '')];
  return response?.content?.['application/json']?.schema;
}
