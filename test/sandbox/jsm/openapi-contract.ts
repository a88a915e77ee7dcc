import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/**
 * Atlassian's OpenAPI descriptions as contracts: the Jira platform one for `/rest/api/3` and the JSM one for
 * `/rest/servicedeskapi`, chosen by path. Find the operation for a method and concrete path, and validate
 * request and response bodies against its schemas. Each file is loaded once per worker.
 */
const SHARED = join(__dirname, '..', '..', '..', '..', 'shared', 'atlassian');
const SPECS = {
  platform: { file: join(SHARED, 'jira-platform.openapi.json'), errorSchema: 'ErrorCollection' },
  jsm: { file: join(SHARED, 'jira-service-management.openapi.json'), errorSchema: 'ErrorResponse' },
} as const;
type SpecName = keyof typeof SPECS;

export const specOf = (path: string): SpecName => (path.startsWith('/rest/servicedeskapi/') ? 'jsm' : 'platform');

type JsonObject = { [key: string]: unknown };
export type Operation = {
  requestBody?: { content?: Record<string, { schema?: JsonObject }> };
  responses?: Record<string, { content?: Record<string, { schema?: JsonObject }> }>;
  security?: Record<string, string[]>[];
  'x-atlassian-oauth2-scopes'?: { scopes: string[] }[];
  'x-experimental'?: boolean;
};

type Loaded = { spec: JsonObject; ajv: Ajv; paths: { template: string; pattern: RegExp }[]; compiled: Map<string, ValidateFunction> };
const loaded = new Map<SpecName, Loaded>();

const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

/** OpenAPI 3.0 `nullable: true` is not JSON Schema; turn it into a type union, recursively. */
function convertNullable(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(convertNullable);
  if (!isObject(node)) return node;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(node)) out[key] = key === 'example' || key === 'examples' ? value : convertNullable(value);
  if (out.nullable === true) {
    delete out.nullable;
    if (typeof out.type === 'string') out.type = [out.type, 'null'];
    else if (out.$ref || out.allOf || out.oneOf || out.anyOf) return { anyOf: [{ type: 'null' }, out] };
  }
  return out;
}

function load(name: SpecName): Loaded {
  const existing = loaded.get(name);
  if (existing) return existing;
  const raw = JSON.parse(readFileSync(SPECS[name].file, 'utf8')) as JsonObject;
  const spec = convertNullable(raw) as JsonObject;
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
  addFormats(ajv);
  const components = isObject(spec.components) ? spec.components : {};
  // One schema document holding the components, so `#/components/schemas/X` refs resolve inside it.
  ajv.addSchema({ $id: name, components }, name);
  const paths = Object.keys(isObject(spec.paths) ? spec.paths : {}).map((template) => ({
    template,
    pattern: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`),
  }));
  const result = { spec, ajv, paths, compiled: new Map<string, ValidateFunction>() };
  loaded.set(name, result);
  return result;
}

/** The path template (`/rest/api/3/issue/{issueIdOrKey}`) a concrete path belongs to; literal segments win. */
export function findPathTemplate(path: string): string | undefined {
  const candidates = load(specOf(path)).paths.filter((p) => p.pattern.test(path));
  const placeholders = (template: string) => template.split('{').length - 1;
  return candidates.sort((a, b) => placeholders(a.template) - placeholders(b.template))[0]?.template;
}

export function findOperation(method: string, path: string): { template: string; operation: Operation } | undefined {
  const bare = path.split('?')[0] ?? path;
  const { spec } = load(specOf(bare));
  const template = findPathTemplate(bare);
  if (!template) return undefined;
  const item = (spec.paths as JsonObject)[template];
  const operation = isObject(item) ? item[method.toLowerCase()] : undefined;
  return isObject(operation) ? { template, operation: operation as Operation } : undefined;
}

function validatorFor(name: SpecName, schema: JsonObject, cacheKey: string): ValidateFunction {
  const { ajv, compiled } = load(name);
  const existing = compiled.get(cacheKey);
  if (existing) return existing;
  // Rewrite local refs to point into the registered components document.
  const rewritten = JSON.parse(JSON.stringify(schema).replace(/"#\/components\//g, `"${name}#/components/`)) as JsonObject;
  const validate = ajv.compile(rewritten);
  compiled.set(cacheKey, validate);
  return validate;
}

export type ContractResult = { ok: true } | { ok: false; errors: string[] };

function check(name: SpecName, schema: JsonObject | undefined, body: unknown, cacheKey: string): ContractResult {
  if (!schema) return { ok: false, errors: [`no JSON schema for ${cacheKey}`] };
  const validate = validatorFor(name, schema, cacheKey);
  if (validate(body)) return { ok: true };
  return { ok: false, errors: (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`) };
}

function operationOrThrow(method: string, path: string) {
  const found = findOperation(method, path);
  if (!found) throw new Error(`${method} ${path} is not an operation of the ${specOf(path)} API`);
  return found;
}

export function validateRequestBody(method: string, path: string, body: unknown): ContractResult {
  const { template, operation } = operationOrThrow(method, path);
  return check(specOf(template), operation.requestBody?.content?.['application/json']?.schema, body, `${method} ${template} request`);
}

export function validateResponseBody(method: string, path: string, status: number, body: unknown): ContractResult {
  const { template, operation } = operationOrThrow(method, path);
  const name = specOf(template);
  const response = operation.responses?.[String(status)];
  // JSM documents 412 once for all experimental operations (its "Status codes" narrative), not per operation.
  if (!response && status === 412 && operation['x-experimental'] === true) return check(name, { $ref: '#/components/schemas/ErrorResponse' }, body, 'ErrorResponse');
  if (!response) return { ok: false, errors: [`${method} ${template} documents no ${status} response`] };
  const content = response.content ?? {};
  const schema = content['application/json']?.schema ?? Object.values(content)[0]?.schema;
  // Jira documents most error responses without a body schema; what it sends there is its error shape.
  const errorSchema = SPECS[name].errorSchema;
  if (!schema && status >= 400) return check(name, { $ref: `#/components/schemas/${errorSchema}` }, body, errorSchema);
  if (!schema) return body === null ? { ok: true } : { ok: false, errors: [`${method} ${template} ${status} documents no body`] };
  return check(name, schema, body, `${method} ${template} ${status}`);
}

export function documentedStatuses(method: string, path: string): string[] {
  return Object.keys(operationOrThrow(method, path).operation.responses ?? {});
}

/** The scope sets that allow an operation (any one suffices): `x-atlassian-oauth2-scopes`, else `security`. */
export function scopeSetsOf(operation: Operation): string[][] {
  const granular = (operation['x-atlassian-oauth2-scopes'] ?? []).map((entry) => entry.scopes);
  if (granular.length > 0) return granular;
  return (operation.security ?? []).flatMap((entry) => Object.values(entry)).filter((scopes) => scopes.length > 0);
}
