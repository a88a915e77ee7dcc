import type { EntityDefinition } from '../manifest-loader';
import { KvsError } from './kvs-error';

// Limits and error codes from Forge's "Storage limits" and "Error handling for the Key-Value Store" pages.
export const MAX_KEY_LENGTH = 500;
export const MAX_VALUE_BYTES = 240 * 1024;
export const MAX_SECRET_BYTES = 128 * 1024;
const MAX_DEPTH = 32;
const KEY_PATTERN = /^(?!\s+$)[a-zA-Z0-9:._\s#-]+$/;
// Custom entity `integer` is a 32-bit signed integer (storage-api-custom-entities reference); wider numbers need `float`.
const MIN_INTEGER = -(2 ** 31);
const MAX_INTEGER = 2 ** 31 - 1;

export function checkKey(key: string, emptyCode: 'KEY_TOO_SHORT' | 'EMPTY_KEY'): void {
  if (key.length === 0) throw new KvsError(400, emptyCode, 'Key cannot be empty');
  if (key.length > MAX_KEY_LENGTH) {
    throw new KvsError(400, 'KEY_TOO_LONG', `The provided key has exceeded the maximum ${MAX_KEY_LENGTH} characters`);
  }
  if (!KEY_PATTERN.test(key)) throw new KvsError(400, 'INVALID_KEY', `The provided key does not match ${KEY_PATTERN}`);
}

export function checkValue(value: unknown, maxBytes: number): void {
  if (value === undefined || value === null) throw new KvsError(400, 'BAD_REQUEST', 'A value is required');
  if (Buffer.byteLength(JSON.stringify(value)) > maxBytes) {
    throw new KvsError(400, 'MAX_SIZE', `The provided value has exceeded the maximum size of ${maxBytes} bytes`);
  }
  if (depthOf(value) > MAX_DEPTH) {
    throw new KvsError(400, 'MAX_DEPTH', `The provided value has exceeded the maximum object depth (${MAX_DEPTH})`);
  }
}

function depthOf(value: unknown): number {
  if (typeof value !== 'object' || value === null) return 0;
  const children = Object.values(value).map(depthOf);
  return 1 + (children.length === 0 ? 0 : Math.max(...children));
}

/** Custom entity values must be objects whose attributes the manifest declares, with the declared types. */
export function checkEntityValue(entity: EntityDefinition, value: unknown): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new KvsError(400, 'INVALID_ENTITY_VALUE', `A value of entity ${entity.name} must be an object`);
  }
  for (const [attribute, attributeValue] of Object.entries(value)) {
    const type = entity.attributes[attribute];
    if (type === undefined) {
      throw new KvsError(400, 'INVALID_ENTITY_VALUE', `Entity ${entity.name} declares no attribute ${attribute}`);
    }
    if (!hasType(attributeValue, type)) {
      throw new KvsError(
        400,
        'INVALID_ENTITY_VALUE',
        `Entity values must match one of the types defined in Custom Entities: attribute ${attribute} of entity ${entity.name} is not a valid ${type}`,
      );
    }
  }
}

function hasType(value: unknown, type: EntityDefinition['attributes'][string]): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'boolean':
      return typeof value === 'boolean';
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value) && value >= MIN_INTEGER && value <= MAX_INTEGER;
    case 'float':
      return typeof value === 'number' && Number.isFinite(value);
    case 'any':
      return true;
  }
}
