import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/**
 * Atlassian's Jira platform OpenAPI description as a contract: find the operation for a method and
 * concrete path, and validate request and response bodies against its schemas. Loaded once per worker.
 */
const SPEC_PATH = join(__dirname, '..', '..', '..', '..', 'shared', 'atlassian', 'jira-platform.openapi.json');

type JsonObject = { [key: string]: unknown };
type Operation = { requestBody?: { content?: Record<string, { schema?: JsonObject }> }; responses?: Record<string, { content?: Record<string, { schema?: JsonObject }> }> };

let loaded: { spec: JsonObject; ajv: Ajv; paths: { template: string; pattern: RegExp }[] } | null = null;

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

function load() {
  if (loaded) return loaded;
  const raw = JSON.parse(readFileSync(SPEC_PATH, 'utf8')) as JsonObject;
  const spec = convertNullable(raw) as JsonObject;
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
  addFormats(ajv);
  const components = isObject(spec.components) ? spec.components : {};
  // One schema document holding the components, so `#/components/schemas/X` refs resolve inside it.
  ajv.addSchema({ $id: 'jira-platform', components }, 'jira-platform');
  const paths = Object.keys(isObject(spec.paths) ? spec.paths : {}).map((template) => ({
    template,
    pattern: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`),
  }));
  loaded = { spec, ajv, paths };
  return loaded;
}

/** The path template (`/rest/api/3/issue/{issueIdOrKey}`) a concrete path belongs to; literal segments win. */
export function findPathTemplate(path: string): string | undefined {
  const candidates = load().paths.filter((p) => p.pattern.test(path));
  const placeholders = (template: string) => template.split('{').length - 1;
  return candidates.sort((a, b) => placeholders(a.template) - placeholders(b.template))[0]?.template;
}

export function findOperation(method: string, path: string): { template: string; operation: Operation } | undefined {
  const { spec } = load();
  const template = findPathTemplate(path.split('?')[0] ?? path);
  if (!template) return undefined;
  const item = (spec.paths as JsonObject)[template];
  const operation = isObject(item) ? item[method.toLowerCase()] : undefined;
  return isObject(operation) ? { template, operation: operation as Operation } : undefined;
}

const compiled = new Map<string, ValidateFunction>();

function validatorFor(schema: JsonObject, cacheKey: string): ValidateFunction {
  const existing = compiled.get(cacheKey);
  if (existing) return existing;
  // Rewrite local refs to point into the registered components document.
  const rewritten = JSON.parse(JSON.stringify(schema).replace(/"#\/components\//g, '"jira-platform#/components/')) as JsonObject;
  const validate = load().ajv.compile(rewritten);
  compiled.set(cacheKey, validate);
  return validate;
}

export type ContractResult = { ok: true } | { ok: false; errors: string[] };

function check(schema: JsonObject | undefined, body: unknown, cacheKey: string): ContractResult {
  if (!schema) return { ok: false, errors: [`no JSON schema for ${cacheKey}`] };
  const validate = validatorFor(schema, cacheKey);
  if (validate(body)) return { ok: true };
  return { ok: false, errors: (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`) };
}

function operationOrThrow(method: string, path: string) {
  const found = findOperation(method, path);
  if (!found) throw new Error(`${method} ${path} is not an operation of the Jira platform API`);
  return found;
}

export function validateRequestBody(method: string, path: string, body: unknown): ContractResult {
  const { template, operation } = operationOrThrow(method, path);
  return check(operation.requestBody?.content?.['application/json']?.schema, body, `${method} ${template} request`);
}

export function validateResponseBody(method: string, path: string, status: number, body: unknown): ContractResult {
  const { template, operation } = operationOrThrow(method, path);
  const response = operation.responses?.[String(status)];
  if (!response) return { ok: false, errors: [`${method} ${template} documents no ${status} response`] };
  const content = response.content ?? {};
  const schema = content['application/json']?.schema ?? Object.values(content)[0]?.schema;
  // Jira documents most error responses without a body schema; what it sends there is an ErrorCollection.
  if (!schema && status >= 400) return check({ $ref: '#/components/schemas/ErrorCollection' }, body, 'ErrorCollection');
  if (!schema) return body === null ? { ok: true } : { ok: false, errors: [`${method} ${template} ${status} documents no body`] };
  return check(schema, body, `${method} ${template} ${status}`);
}

export function documentedStatuses(method: string, path: string): string[] {
  return Object.keys(operationOrThrow(method, path).operation.responses ?? {});
}
