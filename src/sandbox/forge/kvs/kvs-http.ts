import { z } from 'zod';
import { ForgeEmulatorError } from '../errors';
import { queryEntity, queryKeys } from './entity-query';
import { KvsError, TransactionConditionFailed } from './kvs-error';
import * as requests from './kvs-requests';
import type { KvsStore, Namespace, StoredItem, TransactionOperation } from './kvs-store';

type Handler = (store: KvsStore, body: unknown) => Response;

const secret: Namespace = { kind: 'secret' };
const plain: Namespace = { kind: 'plain' };
const entityNs = (entityName: string): Namespace => ({ kind: 'entity', entityName });
const nsOf = (entityName: string | undefined): Namespace => (entityName === undefined ? plain : entityNs(entityName));

/** The KVS service behind `__forge_fetch__({type: 'kvs'}, path, init)`: the paths @forge/kvs 1.6.x calls. */
const ROUTES: Record<string, Handler> = {
  '/api/v1/get': (store, body) => get(store, plain, parse(requests.getRequest, body)),
  '/api/v1/secret/get': (store, body) => get(store, secret, parse(requests.getRequest, body)),
  '/api/v1/entity/get': (store, body) => {
    const request = parse(requests.entityGetRequest, body);
    return get(store, entityNs(request.entityName), request);
  },
  '/api/v1/set': (store, body) => set(store, plain, parse(requests.setRequest, body)),
  '/api/v1/secret/set': (store, body) => set(store, secret, parse(requests.setRequest, body)),
  '/api/v1/entity/set': (store, body) => {
    const request = parse(requests.entitySetRequest, body);
    return set(store, entityNs(request.entityName), request);
  },
  '/api/v1/delete': (store, body) => remove(store, plain, parse(requests.deleteRequest, body).key),
  '/api/v1/secret/delete': (store, body) => remove(store, secret, parse(requests.deleteRequest, body).key),
  '/api/v1/entity/delete': (store, body) => {
    const request = parse(requests.entityDeleteRequest, body);
    return remove(store, entityNs(request.entityName), request.key);
  },
  '/api/v1/query': (store, body) => {
    const request = parse(requests.queryRequest, body);
    const page = queryKeys(store.list(plain), request.where?.[0]?.values[0], request.after, request.limit);
    return json(200, { data: page.items.map((item) => present(item, request.options?.metadataFields)), cursor: page.cursor });
  },
  '/api/v1/entity/query': (store, body) => {
    const request = parse(requests.entityQueryRequest, body);
    const page = queryEntity(store.entity(request.entityName), store.list(entityNs(request.entityName)), request);
    return json(200, { data: page.items.map((item) => present(item, request.options?.metadataFields)), cursor: page.cursor });
  },
  '/api/v1/batch/set': (store, body) => {
    const items = parse(requests.batchSetRequest, body);
    return batch(items, (item) => store.set(nsOf(item.entityName), item.key, item.value, item.options));
  },
  '/api/v1/batch/get': (store, body) => {
    const items = parse(requests.batchGetRequest, body);
    return batch(items, (item) => {
      const found = store.get(nsOf(item.entityName), item.key);
      if (found === undefined) throw new KvsError(404, 'KEY_NOT_FOUND', 'Key does not exist');
      return present(found, item.options?.metadataFields);
    });
  },
  '/api/v1/batch/delete': (store, body) => {
    const items = parse(requests.batchDeleteRequest, body);
    return batch(items, (item) => store.delete(nsOf(item.entityName), item.key));
  },
  '/api/v1/transaction': (store, body) => {
    const request = parse(requests.transactionRequest, body);
    const operations: TransactionOperation[] = [
      ...(request.set ?? []).map((s) => ({ op: 'set' as const, ns: nsOf(s.entityName), key: s.key, value: s.value, options: s.options, conditions: s.conditions })),
      ...(request.delete ?? []).map((d) => ({ op: 'delete' as const, ns: nsOf(d.entityName), key: d.key, conditions: d.conditions })),
      ...(request.check ?? []).map((c) => ({ op: 'check' as const, ns: entityNs(c.entityName), key: c.key, conditions: c.conditions })),
    ];
    store.transact(operations);
    return new Response(null, { status: 204 });
  },
};

export function handleKvsRequest(store: KvsStore, path: string, body: unknown): Response {
  const route = ROUTES[path];
  if (route === undefined) {
    throw new ForgeEmulatorError('UNKNOWN_SEAM_CALL', `The Forge emulator's KVS has no endpoint ${path}`);
  }
  try {
    return route(store, body);
  } catch (error) {
    if (error instanceof KvsError) return json(error.status, { code: error.code, message: error.message });
    if (error instanceof TransactionConditionFailed) return new Response(error.message, { status: error.status, headers: { 'content-type': 'text/plain' } });
    throw error;
  }
}

function parse<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    throw new ForgeEmulatorError('SEAM_MISMATCH', `Unexpected KVS request body: ${z.prettifyError(parsed.error)}`);
  }
  return parsed.data;
}

function get(store: KvsStore, ns: Namespace, request: z.infer<typeof requests.getRequest>): Response {
  const item = store.get(ns, request.key);
  if (item === undefined) return json(404, { code: 'KEY_NOT_FOUND', message: 'Provided key does not exist' });
  return json(200, present(item, ['CREATED_AT', 'UPDATED_AT', 'EXPIRE_TIME']));
}

function set(store: KvsStore, ns: Namespace, request: z.infer<typeof requests.setRequest>): Response {
  const { returnValue, returnMetadataFields, ...options } = request.options ?? {};
  const { previous, latest } = store.set(ns, request.key, request.value, options);
  const returned = returnValue === 'LATEST' ? latest : returnValue === 'PREVIOUS' ? previous : undefined;
  if (returned === undefined) return new Response(null, { status: 204 });
  return json(200, present(returned, returnMetadataFields));
}

function remove(store: KvsStore, ns: Namespace, key: string): Response {
  store.delete(ns, key);
  return new Response(null, { status: 204 });
}

/** Batch calls fail whole when empty or when a key repeats; otherwise each item succeeds or fails alone. */
function batch<T extends { key: string; entityName?: string }>(items: T[], run: (item: T) => unknown): Response {
  const ids = items.map((item) => `${item.entityName ?? ''}/${item.key}`);
  if (items.length === 0 || new Set(ids).size !== ids.length) {
    return json(400, { code: 'BAD_REQUEST', message: 'A batch needs at least one item and no key twice' });
  }
  const successfulKeys: unknown[] = [];
  const failedKeys: unknown[] = [];
  for (const item of items) {
    const id = { key: item.key, ...(item.entityName !== undefined ? { entityName: item.entityName } : {}) };
    try {
      const result = run(item);
      successfulKeys.push(typeof result === 'object' && result !== null && 'value' in result ? { ...id, ...result } : id);
    } catch (error) {
      if (!(error instanceof KvsError)) throw error;
      failedKeys.push({ ...id, error: { code: error.code, message: error.message } });
    }
  }
  return json(200, { successfulKeys, failedKeys });
}

function present(item: StoredItem, fields: requests.MetadataFields | undefined): Record<string, unknown> {
  return {
    key: item.key,
    value: item.value,
    ...(fields?.includes('CREATED_AT') ? { createdAt: item.createdAt } : {}),
    ...(fields?.includes('UPDATED_AT') ? { updatedAt: item.updatedAt } : {}),
    ...(fields?.includes('EXPIRE_TIME') && item.expiresAt !== undefined
      ? { expireTime: new Date(item.expiresAt).toISOString() }
      : {}),
  };
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}
