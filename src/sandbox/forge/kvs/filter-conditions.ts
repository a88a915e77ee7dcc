import { z } from 'zod';

export const CONDITIONS = [
  'BEGINS_WITH',
  'BETWEEN',
  'CONTAINS',
  'EQUAL_TO',
  'EXISTS',
  'GREATER_THAN',
  'GREATER_THAN_EQUAL_TO',
  'LESS_THAN',
  'LESS_THAN_EQUAL_TO',
  'NOT_CONTAINS',
  'NOT_EQUAL_TO',
  'NOT_EXISTS',
] as const;

export const filterItemSchema = z.strictObject({
  property: z.string(),
  condition: z.enum(CONDITIONS),
  values: z.array(z.unknown()),
});
export const filtersSchema = z
  .strictObject({ and: z.array(filterItemSchema).min(1).optional(), or: z.array(filterItemSchema).min(1).optional() })
  .refine((f) => (f.and === undefined) !== (f.or === undefined), { error: 'exactly one of and / or' });

export type Condition = (typeof CONDITIONS)[number];
export type Filters = z.infer<typeof filtersSchema>;

/** Orders numbers numerically and strings by code point; different types order by type name. */
export function compareValues(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  return typeof a < typeof b ? -1 : typeof a > typeof b ? 1 : 0;
}

/**
 * One condition against one attribute value; `undefined` is a missing attribute, which only NOT_EXISTS and
 * the negative conditions accept (the DynamoDB-style semantics the store's conditions follow).
 */
export function matchesCondition(value: unknown, condition: Condition, values: unknown[]): boolean {
  const [first, second] = values;
  if (condition === 'EXISTS') return value !== undefined;
  if (condition === 'NOT_EXISTS') return value === undefined;
  if (value === undefined) return condition === 'NOT_EQUAL_TO' || condition === 'NOT_CONTAINS';
  switch (condition) {
    case 'EQUAL_TO':
      return value === first;
    case 'NOT_EQUAL_TO':
      return value !== first;
    case 'BEGINS_WITH':
      return typeof value === 'string' && typeof first === 'string' && value.startsWith(first);
    case 'CONTAINS':
      return contains(value, first);
    case 'NOT_CONTAINS':
      return !contains(value, first);
    case 'GREATER_THAN':
      return sameType(value, first) && compareValues(value, first) > 0;
    case 'GREATER_THAN_EQUAL_TO':
      return sameType(value, first) && compareValues(value, first) >= 0;
    case 'LESS_THAN':
      return sameType(value, first) && compareValues(value, first) < 0;
    case 'LESS_THAN_EQUAL_TO':
      return sameType(value, first) && compareValues(value, first) <= 0;
    case 'BETWEEN':
      return sameType(value, first) && compareValues(value, first) >= 0 && compareValues(value, second) <= 0;
  }
}

function sameType(a: unknown, b: unknown): boolean {
  return typeof a === typeof b;
}

function contains(value: unknown, needle: unknown): boolean {
  if (typeof value === 'string') return typeof needle === 'string' && value.includes(needle);
  return Array.isArray(value) && value.includes(needle);
}

export function attributeOf(entityValue: unknown, property: string): unknown {
  if (typeof entityValue !== 'object' || entityValue === null) return undefined;
  return Object.entries(entityValue).find(([name]) => name === property)?.[1];
}

export function matchesFilters(entityValue: unknown, filters: Filters): boolean {
  const test = (item: z.infer<typeof filterItemSchema>) =>
    matchesCondition(attributeOf(entityValue, item.property), item.condition, item.values);
  if (filters.and !== undefined) return filters.and.every(test);
  return (filters.or ?? []).some(test);
}
