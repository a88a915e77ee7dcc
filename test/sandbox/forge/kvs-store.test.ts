import { ForgeKvsAPIError } from '@forge/kvs';
import { checkResponseError } from '@forge/kvs/out/utils/error-handling';
import { handleKvsRequest } from '../../../src/sandbox/forge/kvs/kvs-http';
import { KvsStore } from '../../../src/sandbox/forge/kvs/kvs-store';
import type { EntityDefinition } from '../../../src/sandbox/forge/manifest-loader';

const grant: EntityDefinition = {
  name: 'grant',
  attributes: { status: 'string', endsAt: 'integer', score: 'float', tags: 'any' },
  indexes: [
    { name: 'by-status-end', range: ['endsAt'], partition: ['status'] },
    { name: 'endsAt', range: ['endsAt'], partition: [] },
  ],
};

function setup() {
  let now = Date.parse('2026-01-01T00:00:00Z');
  const store = new KvsStore([grant], () => now);
  const call = async (path: string, body: unknown) => {
    const response = handleKvsRequest(store, path, body);
    const text = await response.text();
    const isJson = response.headers.get('content-type') === 'application/json';
    return { status: response.status, body: text === '' ? undefined : isJson ? JSON.parse(text) : text };
  };
  return { store, call, tick: (ms: number) => (now += ms) };
}

describe('KVS key and value rules', () => {
  it.each([
    ['', 400, 'KEY_TOO_SHORT'],
    ['a'.repeat(501), 400, 'KEY_TOO_LONG'],
    ['a/b', 400, 'INVALID_KEY'],
    ['   ', 400, 'INVALID_KEY'],
    ['a:b.c_d-e#f g', 204, undefined],
    ['k'.repeat(500), 204, undefined],
  ])('set key %j answers %i %s', async (key, status, code) => {
    const { call } = setup();
    const result = await call('/api/v1/set', { key, value: 1 });
    expect(result.status).toBe(status);
    expect(result.body?.code).toBe(code);
  });

  it('limits plain values to 240 KiB and secrets to 128 KiB of JSON', async () => {
    const { call } = setup();
    const fits = (bytes: number) => 'x'.repeat(bytes - 2); // JSON adds two quotes
    expect((await call('/api/v1/set', { key: 'a', value: fits(240 * 1024) })).status).toBe(204);
    expect((await call('/api/v1/set', { key: 'a', value: fits(240 * 1024 + 1) })).body).toMatchObject({ code: 'MAX_SIZE' });
    expect((await call('/api/v1/secret/set', { key: 'a', value: fits(128 * 1024) })).status).toBe(204);
    expect((await call('/api/v1/secret/set', { key: 'a', value: fits(128 * 1024 + 1) })).body).toMatchObject({ code: 'MAX_SIZE' });
  });

  it('limits object depth to 32', async () => {
    const { call } = setup();
    const nest = (depth: number): unknown => (depth === 0 ? 1 : { a: nest(depth - 1) });
    expect((await call('/api/v1/set', { key: 'a', value: nest(32) })).status).toBe(204);
    expect((await call('/api/v1/set', { key: 'a', value: nest(33) })).body).toMatchObject({ code: 'MAX_DEPTH' });
  });
});

describe('KVS plain keys and secrets', () => {
  it('keeps secrets apart from plain keys and out of queries', async () => {
    const { call, store } = setup();
    await call('/api/v1/set', { key: 'k', value: 'plain' });
    await call('/api/v1/secret/set', { key: 'k', value: 'secret' });
    expect((await call('/api/v1/get', { key: 'k' })).body).toEqual({ key: 'k', value: 'plain', createdAt: expect.any(Number), updatedAt: expect.any(Number) });
    expect((await call('/api/v1/secret/get', { key: 'k' })).body?.value).toBe('secret');
    expect((await call('/api/v1/query', {})).body).toEqual({ data: [{ key: 'k', value: 'plain' }] });
    expect(store.inspect()).toEqual({ keys: { k: 'plain' }, entities: { grant: {} } });
    await call('/api/v1/secret/delete', { key: 'k' });
    expect((await call('/api/v1/secret/get', { key: 'k' })).body).toEqual({ code: 'KEY_NOT_FOUND', message: 'Provided key does not exist' });
    expect((await call('/api/v1/get', { key: 'k' })).status).toBe(200);
  });

  it('honours keyPolicy, returnValue and ttl', async () => {
    const { call, tick } = setup();
    await call('/api/v1/set', { key: 'k', value: 1 });
    expect((await call('/api/v1/set', { key: 'k', value: 2, options: { keyPolicy: 'FAIL_IF_EXISTS' } })).body).toMatchObject({
      code: 'KEY_ALREADY_EXISTS',
    });
    expect((await call('/api/v1/set', { key: 'k', value: 3, options: { keyPolicy: 'OVERRIDE', returnValue: 'PREVIOUS' } })).body).toEqual({
      key: 'k',
      value: 1,
    });
    expect((await call('/api/v1/set', { key: 'n', value: 1, options: { keyPolicy: 'OVERRIDE', returnValue: 'PREVIOUS' } })).status).toBe(204);
    await call('/api/v1/set', { key: 't', value: 'short-lived', options: { ttl: { value: 5, unit: 'MINUTES' } } });
    expect((await call('/api/v1/get', { key: 't', options: { metadataFields: ['EXPIRE_TIME'] } })).body?.expireTime).toBe(
      '2026-01-01T00:05:00.000Z',
    );
    tick(5 * 60_000);
    expect((await call('/api/v1/get', { key: 't' })).status).toBe(404);
  });

  it('pages a prefix query with a cursor and refuses a limit above 20', async () => {
    const { call } = setup();
    for (const key of ['a:1', 'a:2', 'a:3', 'b:1']) await call('/api/v1/set', { key, value: key });
    const where = [{ property: 'key', condition: 'BEGINS_WITH', values: ['a:'] }];
    const first = await call('/api/v1/query', { where, limit: 2 });
    expect(first.body.data.map((item: { key: string }) => item.key)).toEqual(['a:1', 'a:2']);
    const second = await call('/api/v1/query', { where, limit: 2, after: first.body.cursor });
    expect(second.body).toEqual({ data: [{ key: 'a:3', value: 'a:3' }] });
    expect((await call('/api/v1/query', { limit: 21 })).body).toMatchObject({ code: 'INVALID_LIMIT' });
  });
});

describe('KVS custom entities', () => {
  const entity = (key: string, value: unknown) => ({ entityName: 'grant', key, value });

  it('checks values against the declared attributes', async () => {
    const { call } = setup();
    expect((await call('/api/v1/entity/set', entity('g', { status: 'a', endsAt: 1.5 }))).body).toMatchObject({ code: 'INVALID_ENTITY_VALUE' });
    expect((await call('/api/v1/entity/set', entity('g', { status: 'a', other: 1 }))).body).toMatchObject({ code: 'INVALID_ENTITY_VALUE' });
    expect((await call('/api/v1/entity/set', { entityName: 'nope', key: 'g', value: {} })).body).toMatchObject({ code: 'ENTITY_NOT_FOUND' });
    expect((await call('/api/v1/entity/set', entity('g', { status: 'a', endsAt: 2, score: 0.5, tags: ['x'] }))).status).toBe(204);
  });

  it('takes integer as 32-bit signed, as the platform does: epoch milliseconds need float', async () => {
    const { call, store } = setup();
    const epochMs = Date.parse('2026-01-01T00:00:00Z');
    for (const endsAt of [2 ** 31, -(2 ** 31) - 1, epochMs, 8.64e15]) {
      expect(await call('/api/v1/entity/set', entity('g', { status: 'a', endsAt }))).toEqual({
        status: 400,
        body: {
          code: 'INVALID_ENTITY_VALUE',
          message: 'Entity values must match one of the types defined in Custom Entities: attribute endsAt of entity grant is not a valid integer',
        },
      });
    }
    expect(store.inspect().entities).toEqual({ grant: {} });
    expect((await call('/api/v1/entity/set', entity('g', { status: 'a', endsAt: 2 ** 31 - 1, score: 8.64e15 }))).status).toBe(204);
    expect((await call('/api/v1/entity/set', entity('h', { status: 'a', endsAt: -(2 ** 31), score: epochMs }))).status).toBe(204);
  });

  it('queries an index by partition and range, sorted, filtered and paged', async () => {
    const { call } = setup();
    const rows: Array<[string, string, number, number]> = [
      ['g1', 'active', 10, 1],
      ['g2', 'active', 30, 2],
      ['g3', 'active', 20, 3],
      ['g4', 'expired', 15, 4],
      ['g5', 'active', 40, 5],
    ];
    for (const [key, status, endsAt, score] of rows) await call('/api/v1/entity/set', entity(key, { status, endsAt, score }));
    await call('/api/v1/entity/set', entity('sparse', { status: 'active' }));
    const query = (extra: object) => call('/api/v1/entity/query', { entityName: 'grant', indexName: 'by-status-end', partition: ['active'], ...extra });
    const keys = (result: { body: { data: Array<{ key: string }> } }) => result.body.data.map((item) => item.key);

    expect(keys(await query({}))).toEqual(['g1', 'g3', 'g2', 'g5']);
    expect(keys(await query({ range: { condition: 'BETWEEN', values: [15, 30] }, sort: 'DESC' }))).toEqual(['g2', 'g3']);
    expect(keys(await query({ filters: { or: [{ property: 'score', condition: 'EQUAL_TO', values: [1] }, { property: 'score', condition: 'GREATER_THAN', values: [4] }] } }))).toEqual(['g1', 'g5']);
    const first = await query({ limit: 3 });
    expect(keys(first)).toEqual(['g1', 'g3', 'g2']);
    const rest = await query({ limit: 3, cursor: first.body.cursor });
    expect(rest.body).toEqual({ data: [{ key: 'g5', value: { status: 'active', endsAt: 40, score: 5 } }] });
    expect((await call('/api/v1/entity/query', { entityName: 'grant', indexName: 'by-status-end' })).status).toBe(400);
    expect((await call('/api/v1/entity/query', { entityName: 'grant', indexName: 'by-nothing' })).body).toMatchObject({ code: 'INDEX_NOT_FOUND' });
    expect(keys(await call('/api/v1/entity/query', { entityName: 'grant', indexName: 'endsAt', range: { condition: 'LESS_THAN', values: [16] } }))).toEqual(['g1', 'g4']);
  });
});

describe('KVS batches and transactions', () => {
  it('runs batch set, get and delete item by item, refusing empty batches and repeated keys', async () => {
    const { call } = setup();
    expect((await call('/api/v1/batch/set', [])).status).toBe(400);
    expect((await call('/api/v1/batch/set', [{ key: 'a', value: 1 }, { key: 'a', value: 2 }])).status).toBe(400);
    const set = await call('/api/v1/batch/set', [
      { key: 'a', value: 1 },
      { key: 'bad/key', value: 2 },
      { entityName: 'grant', key: 'g', value: { status: 'active', endsAt: 1 } },
    ]);
    expect(set.body).toEqual({
      successfulKeys: [{ key: 'a' }, { key: 'g', entityName: 'grant' }],
      failedKeys: [{ key: 'bad/key', error: { code: 'INVALID_KEY', message: expect.any(String) } }],
    });
    const get = await call('/api/v1/batch/get', [{ key: 'a' }, { key: 'missing' }, { entityName: 'grant', key: 'g' }]);
    expect(get.body).toEqual({
      successfulKeys: [
        { key: 'a', value: 1 },
        { key: 'g', entityName: 'grant', value: { status: 'active', endsAt: 1 } },
      ],
      failedKeys: [{ key: 'missing', error: { code: 'KEY_NOT_FOUND', message: 'Key does not exist' } }],
    });
    expect((await call('/api/v1/batch/delete', [{ key: 'a' }])).body).toEqual({ successfulKeys: [{ key: 'a' }], failedKeys: [] });
    expect((await call('/api/v1/get', { key: 'a' })).status).toBe(404);
  });

  it('applies all of a transaction or none of it', async () => {
    const { call, store } = setup();
    await call('/api/v1/entity/set', { entityName: 'grant', key: 'g1', value: { status: 'active', endsAt: 1 } });
    await call('/api/v1/set', { key: 'doomed', value: 1 });
    const activeOnly = { and: [{ property: 'status', condition: 'EQUAL_TO', values: ['active'] }] };
    const failing = await call('/api/v1/transaction', {
      set: [{ key: 'plain', value: 'x' }],
      delete: [{ key: 'doomed' }],
      check: [{ key: 'g2', entityName: 'grant', conditions: activeOnly }],
    });
    expect(failing).toEqual({ status: 409, body: 'Transaction conditions failed for g2' });
    expect(store.inspect().keys).toEqual({ doomed: 1 });

    const repeated = await call('/api/v1/transaction', {
      set: [
        { key: 'plain', value: 'x' },
        { key: 'g1', entityName: 'grant', value: { status: 'expired', endsAt: 1 }, conditions: activeOnly },
      ],
      delete: [{ key: 'doomed' }],
      check: [{ key: 'g1', entityName: 'grant', conditions: { and: [{ property: 'endsAt', condition: 'EXISTS', values: [true] }] } }],
    });
    expect(repeated.status).toBe(400); // g1 appears twice
    const applied = await call('/api/v1/transaction', {
      set: [
        { key: 'plain', value: 'x' },
        { key: 'g1', entityName: 'grant', value: { status: 'expired', endsAt: 1 }, conditions: activeOnly },
      ],
      delete: [{ key: 'doomed' }],
    });
    expect(applied.status).toBe(204);
    expect(store.inspect()).toEqual({ keys: { plain: 'x' }, entities: { grant: { g1: { status: 'expired', endsAt: 1 } } } });
  });
});

describe('a failed transaction condition, as @forge/kvs reports it', () => {
  it('is a ForgeKvsAPIError with no code of its own: the package names none, so nothing may rely on one', async () => {
    const store = new KvsStore([grant], () => 0);
    const response = handleKvsRequest(store, '/api/v1/transaction', {
      check: [{ key: 'absent', entityName: 'grant', conditions: { and: [{ property: 'status', condition: 'EXISTS', values: [true] }] } }],
    });
    const raised = await checkResponseError(response).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(raised).toBeInstanceOf(ForgeKvsAPIError);
    expect(raised).toMatchObject({ code: 'UNKNOWN_ERROR', responseDetails: { status: 409 } });
  });
});
