import type { EntityDefinition, EntityIndex } from '../manifest-loader';
import { type Condition, type Filters, attributeOf, compareValues, matchesCondition, matchesFilters } from './filter-conditions';
import { KvsError } from './kvs-error';
import type { StoredItem } from './kvs-store';

export const DEFAULT_QUERY_LIMIT = 10;
// Forge documents 20 as the key-value query maximum; the entity maximum is not documented, 100 is our choice.
export const MAX_KEY_QUERY_LIMIT = 20;
export const MAX_ENTITY_QUERY_LIMIT = 100;

export type EntityQuery = {
  indexName: string;
  partition?: unknown[];
  range?: { condition: Condition; values: unknown[] };
  filters?: Filters;
  sort?: 'ASC' | 'DESC';
  cursor?: string;
  limit?: number;
};
export type Page = { items: StoredItem[]; cursor?: string };

type Position = { sortKey: unknown[]; key: string };

/**
 * Runs an index query the way the Custom Entity Store does: only items carrying every partition and range
 * attribute are in the index; the partition must match exactly, `where` applies to the (first) range
 * attribute, filters run after, results are ordered by range then key, and a cursor continues after the last
 * item returned.
 */
export function queryEntity(entity: EntityDefinition, items: StoredItem[], query: EntityQuery): Page {
  const index = findIndex(entity, query.indexName);
  const partition = query.partition ?? [];
  if (partition.length !== index.partition.length) {
    throw new KvsError(400, 'BAD_REQUEST', `Index ${index.name} needs partition values for [${index.partition.join(', ')}]`);
  }
  const limit = checkLimit(query.limit, MAX_ENTITY_QUERY_LIMIT);
  const direction = query.sort === 'DESC' ? -1 : 1;
  const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
  const [rangeAttribute] = index.range;
  const matching = items
    .filter((item) => [...index.partition, ...index.range].every((a) => attributeOf(item.value, a) !== undefined))
    .filter((item) => index.partition.every((a, i) => attributeOf(item.value, a) === partition[i]))
    .filter((item) => {
      if (query.range === undefined || rangeAttribute === undefined) return true;
      return matchesCondition(attributeOf(item.value, rangeAttribute), query.range.condition, query.range.values);
    })
    .filter((item) => query.filters === undefined || matchesFilters(item.value, query.filters))
    .map((item) => ({ item, position: { sortKey: index.range.map((a) => attributeOf(item.value, a)), key: item.key } }))
    .sort((a, b) => direction * comparePositions(a.position, b.position))
    .filter(({ position }) => after === undefined || direction * comparePositions(position, after) > 0);
  return paginate(matching, limit);
}

/** Key-value query: optional BEGINS_WITH on the key, ordered by key. */
export function queryKeys(items: StoredItem[], prefix: string | undefined, cursor: string | undefined, limit: number | undefined): Page {
  const after = cursor === undefined ? undefined : decodeCursor(cursor);
  const matching = items
    .filter((item) => prefix === undefined || item.key.startsWith(prefix))
    .map((item) => ({ item, position: { sortKey: [], key: item.key } }))
    .filter(({ position }) => after === undefined || comparePositions(position, after) > 0);
  return paginate(matching, checkLimit(limit, MAX_KEY_QUERY_LIMIT));
}

function paginate(matching: Array<{ item: StoredItem; position: Position }>, limit: number): Page {
  const page = matching.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map(({ item }) => item),
    ...(matching.length > limit && last !== undefined ? { cursor: encodeCursor(last.position) } : {}),
  };
}

function findIndex(entity: EntityDefinition, name: string): EntityIndex {
  const index = entity.indexes.find((candidate) => candidate.name === name);
  if (index === undefined) {
    throw new KvsError(400, 'INDEX_NOT_FOUND', `Entity ${entity.name} declares no index ${name}`);
  }
  return index;
}

function checkLimit(limit: number | undefined, max: number): number {
  if (limit === undefined) return DEFAULT_QUERY_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > max) {
    throw new KvsError(400, 'INVALID_LIMIT', `limit must be an integer from 1 to ${max}`);
  }
  return limit;
}

function comparePositions(a: Position, b: Position): number {
  for (let i = 0; i < a.sortKey.length; i += 1) {
    const order = compareValues(a.sortKey[i], b.sortKey[i]);
    if (order !== 0) return order;
  }
  return compareValues(a.key, b.key);
}

function encodeCursor(position: Position): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

function decodeCursor(cursor: string): Position {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (typeof parsed === 'object' && parsed !== null && 'sortKey' in parsed && 'key' in parsed) {
      const { sortKey, key } = parsed;
      if (Array.isArray(sortKey) && typeof key === 'string') return { sortKey, key };
    }
  } catch {
    // fall through to the error below
  }
  throw new KvsError(400, 'INVALID_CURSOR', 'The cursor is not one this store returned');
}
