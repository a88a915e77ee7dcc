import type { JsonSchema } from './openapi-document';

/**
 * A canonical form of a JSON schema, so the OpenAPI components (hand-written, with `$ref`s and OpenAPI 3.1's
 * `type: [x, 'null']`) compare equal to what `z.toJSONSchema` makes of the zod schemas (inlined, with
 * `anyOf: [x, {type: 'null'}]`). What it keeps: types, properties, required, additionalProperties, enums and
 * consts, patterns (except zod's own date-time pattern, which OpenAPI says as `format: date-time`), formats,
 * length limits, defaults, array items and unions. Descriptions and discriminators are documentation.
 */
export type Shape = { [key: string]: unknown };

const SAFE_INTEGER_BOUNDS = new Set([Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER]);

const isObject = (value: unknown): value is JsonSchema => typeof value === 'object' && value !== null && !Array.isArray(value);

export function shapeOf(schema: JsonSchema, resolve: (ref: string) => JsonSchema): Shape {
  if (typeof schema.$ref === 'string') return shapeOf({ ...resolve(schema.$ref), ...withoutKeys(schema, ['$ref']) }, resolve);
  const union = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined;
  if (union) {
    const members = union.filter((member) => member.type !== 'null');
    const nullable = members.length < union.length;
    const shapes = members.map((member) => shapeOf(member, resolve));
    const base = shapes.length === 1 ? (shapes[0] as Shape) : { oneOf: shapes };
    return nullable ? { ...base, nullable: true } : base;
  }
  const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string];
  const type = types.find((candidate) => candidate !== 'null');
  const shape: Shape = { type };
  if (types.includes('null')) shape.nullable = true;
  for (const key of ['enum', 'const', 'format', 'minLength', 'maxLength', 'default']) {
    if (schema[key] !== undefined) shape[key] = schema[key];
  }
  for (const key of ['minimum', 'maximum']) {
    const bound = schema[key];
    if (typeof bound === 'number' && !SAFE_INTEGER_BOUNDS.has(bound)) shape[key] = bound;
  }
  if (typeof schema.pattern === 'string' && schema.format !== 'date-time') shape.pattern = schema.pattern;
  if (type === 'object') {
    const properties = isObject(schema.properties) ? schema.properties : {};
    shape.properties = Object.fromEntries(
      Object.entries(properties)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, property]) => [name, shapeOf(property as JsonSchema, resolve)]),
    );
    shape.required = [...((schema.required as string[] | undefined) ?? [])].sort();
    shape.additionalProperties = schema.additionalProperties ?? true;
  }
  if (type === 'array' && isObject(schema.items)) shape.items = shapeOf(schema.items, resolve);
  return shape;
}

function withoutKeys(schema: JsonSchema, keys: string[]): JsonSchema {
  return Object.fromEntries(Object.entries(schema).filter(([key]) => !keys.includes(key) && key !== 'description'));
}
