import { z } from 'zod';
import { activityPageSchema, statementRecordSchema } from '../../src/connector/gateway/statement-record';
import * as protocol from '../../src/protocol/schemas';
import { componentValidator, loadOpenApi, operations, type JsonSchema } from './support/openapi-document';
import { shapeOf } from './support/schema-shape';

const doc = loadOpenApi();
const resolve = (ref: string): JsonSchema => {
  const schema = doc.components.schemas[ref.replace('#/components/schemas/', '')];
  if (!schema) throw new Error(`unresolved ${ref}`);
  return schema;
};
const validatorFor = componentValidator(doc);
const component = (name: string) => validatorFor({ $ref: `#/components/schemas/${name}` });

/** Each OpenAPI component and the zod schema it describes; requests as the client sends them (input). */
const PAIRS: [string, z.ZodType, 'input' | 'output'][] = [
  ['GrantId', protocol.grantIdSchema, 'output'],
  ['TargetId', protocol.targetIdSchema, 'output'],
  ['RoleName', protocol.roleNameSchema, 'output'],
  ['Instant', protocol.isoInstantSchema, 'output'],
  ['GrantMode', protocol.grantModeSchema, 'output'],
  ['Principal', protocol.principalSchema, 'input'],
  ['CredentialKey', protocol.credentialKeySchema, 'input'],
  ['SealedCredential', protocol.sealedCredentialSchema, 'output'],
  ['CredentialPlaintext', protocol.credentialPlaintextSchema, 'output'],
  ['GrantRequest', protocol.grantRequestSchema, 'input'],
  ['ConnectInfo', protocol.connectInfoSchema, 'output'],
  ['GrantCreated', protocol.grantCreatedSchema, 'output'],
  ['GrantState', protocol.grantStateSchema, 'output'],
  ['GrantStatus', protocol.grantStatusSchema, 'output'],
  ['GrantList', protocol.grantListSchema, 'output'],
  ['RevokeResult', protocol.revokedSchema, 'output'],
  ['ExtendRequest', protocol.extendRequestSchema, 'input'],
  ['QueryRequest', protocol.queryRequestSchema, 'input'],
  ['QueryResult', protocol.queryResultSchema, 'output'],
  ['GrantSchema', protocol.grantSchemaSchema, 'output'],
  ['TargetSummary', protocol.targetSummarySchema, 'output'],
  ['TargetList', protocol.targetListSchema, 'output'],
  ['Health', protocol.healthSchema, 'output'],
  ['RevocationCallback', protocol.revocationCallbackSchema, 'output'],
  ['ErrorCode', protocol.errorCodeSchema, 'output'],
  ['ErrorBody', protocol.errorBodySchema, 'output'],
  ['StatementRecord', statementRecordSchema, 'output'],
  ['ActivityDigest', protocol.activityDigestSchema, 'output'],
  ['ActivityPage', activityPageSchema, 'output'],
];

const grantRequest = {
  grantId: 'SD-123.1',
  target: 'orders-prod',
  role: 'read',
  principal: { accountId: '5b10ac8d82e05b22cc7d4ef5', email: 'ana@example.com', dbUser: null },
  mode: 'ephemeral',
  credentialKey: { kty: 'OKP', crv: 'X25519', x: 'hSDwCYkwp1R0i33ctD73Wg2_Og0mOBr066SpjqqbTmo' },
  notBefore: '2026-11-21T10:00:00Z',
  notAfter: '2026-11-21T12:00:00+01:00',
  ticket: 'SD-123',
  reason: 'INC-88 slow checkout',
};
const sealed = 'eyJhbGciOiJFQ0RILUVTIiwiZW5jIjoiQTI1NkdDTSJ9..c6cZZmjL42E8zxOm.sgPeQswYDmS-AOX8q026dZ.4eRe1MxB_l-ga9RrhzYKDA';
const status = { grantId: 'SD-1', target: 'demo', role: 'read', username: 'jit_sd_1_abcdef', state: 'active', notBefore: null, notAfter: '2026-11-21T12:00:00.000Z' };

/** Bodies both sides must judge alike: valid ones, and ones each schema must refuse for the same reason. */
const SAMPLES: [string, z.ZodType, unknown][] = [
  ['GrantRequest', protocol.grantRequestSchema, grantRequest],
  ['GrantRequest', protocol.grantRequestSchema, { grantId: 'a', target: 'b', role: 'c', principal: { accountId: 'x' }, credentialKey: grantRequest.credentialKey, notAfter: '2026-11-21T12:00:00Z' }],
  ['GrantRequest', protocol.grantRequestSchema, { grantId: 'a', target: 'b', role: 'c', principal: { accountId: 'x' }, notAfter: '2026-11-21T12:00:00Z' }],
  ['GrantRequest', protocol.grantRequestSchema, { ...grantRequest, mode: 'existing-login', principal: { accountId: 'x', dbUser: 'ana' } }],
  ['GrantRequest', protocol.grantRequestSchema, { ...grantRequest, credentialKey: undefined, mode: 'existing-login', principal: { accountId: 'x', dbUser: 'ana' } }],
  ['GrantRequest', protocol.grantRequestSchema, { ...grantRequest, credentialKey: { ...grantRequest.credentialKey, d: grantRequest.credentialKey.x } }],
  ['GrantRequest', protocol.grantRequestSchema, { ...grantRequest, credentialKey: { ...grantRequest.credentialKey, crv: 'P-256' } }],
  ['GrantRequest', protocol.grantRequestSchema, { ...grantRequest, extra: 1 }],
  ['GrantRequest', protocol.grantRequestSchema, { ...grantRequest, grantId: 'SD 123' }],
  ['GrantRequest', protocol.grantRequestSchema, { ...grantRequest, grantId: 'x'.repeat(65) }],
  ['GrantRequest', protocol.grantRequestSchema, { ...grantRequest, target: 'Orders' }],
  ['GrantRequest', protocol.grantRequestSchema, { ...grantRequest, mode: 'shared' }],
  ['GrantRequest', protocol.grantRequestSchema, { ...grantRequest, notAfter: '2026-11-21 12:00' }],
  ['GrantRequest', protocol.grantRequestSchema, { ...grantRequest, principal: { accountId: '' } }],
  ['GrantRequest', protocol.grantRequestSchema, { ...grantRequest, principal: { accountId: 'a', dbUser: '' } }],
  ['GrantRequest', protocol.grantRequestSchema, { ...grantRequest, reason: 'r'.repeat(2001) }],
  ['GrantCreated', protocol.grantCreatedSchema, { grantId: 'SD-1', state: 'active', username: 'u', credential: sealed, connect: { host: 'h', port: 5432, database: 'd' }, notAfter: '2026-11-21T12:00:00.000Z' }],
  ['GrantCreated', protocol.grantCreatedSchema, { grantId: 'SD-1', state: 'active', username: 'u', password: 'p', connect: { host: 'h', port: 5432, database: 'd' }, notAfter: '2026-11-21T12:00:00.000Z' }],
  ['GrantCreated', protocol.grantCreatedSchema, { grantId: 'SD-1', state: 'active', username: 'u', credential: 'not.a.jwe', connect: { host: 'h', port: 5432, database: 'd' }, notAfter: '2026-11-21T12:00:00.000Z' }],
  ['GrantCreated', protocol.grantCreatedSchema, { grantId: 'SD-1', state: 'revoked', username: 'u', connect: { host: 'h', port: 5432, database: 'd' }, notAfter: '2026-11-21T12:00:00.000Z' }],
  ['GrantCreated', protocol.grantCreatedSchema, { grantId: 'SD-1', state: 'pending', username: 'u', connect: { host: 'h', port: 5.5, database: 'd' }, notAfter: '2026-11-21T12:00:00.000Z' }],
  ['GrantStatus', protocol.grantStatusSchema, status],
  ['GrantStatus', protocol.grantStatusSchema, { ...status, username: null, notAfter: null, state: 'revoked', revokedAt: '2026-11-21T12:00:00.000Z', revokeReason: 'revoked before it was granted' }],
  ['GrantStatus', protocol.grantStatusSchema, { ...status, password: 'never' }],
  ['GrantStatus', protocol.grantStatusSchema, { ...status, state: 'granting' }],
  ['GrantStatus', protocol.grantStatusSchema, { ...status, revokedAt: null }],
  ['RevokeResult', protocol.revokedSchema, { grantId: 'SD-1', state: 'revoked', revokedAt: '2026-11-21T12:00:00.000Z' }],
  ['RevokeResult', protocol.revokedSchema, { grantId: 'SD-1', state: 'revoking' }],
  ['RevokeResult', protocol.revokedSchema, { grantId: 'SD-1', state: 'revoking', revokedAt: '2026-11-21T12:00:00.000Z' }],
  ['RevokeResult', protocol.revokedSchema, { grantId: 'SD-1', state: 'revoked' }],
  ['Health', protocol.healthSchema, { status: 'degraded', targets: [{ id: 'demo', reachable: false, problems: ['unreachable'] }] }],
  ['Health', protocol.healthSchema, { status: 'ok', targets: [{ id: 'demo', reachable: true }] }],
  ['Health', protocol.healthSchema, { status: 'down', targets: [] }],
  ['ErrorBody', protocol.errorBodySchema, { error: { code: 'grant_revoked', message: 'use a new grantId' } }],
  ['ErrorBody', protocol.errorBodySchema, { error: { code: 'teapot', message: 'no' } }],
  ['RevocationCallback', protocol.revocationCallbackSchema, { grantId: 'SD-1', state: 'expired', revokedAt: '2026-11-21T12:00:00.412Z', reason: 'expired' }],
  ['RevocationCallback', protocol.revocationCallbackSchema, { grantId: 'SD-1', state: 'revoking', revokedAt: '2026-11-21T12:00:00.412Z', reason: 'expired' }],
  ['RevocationCallback', protocol.revocationCallbackSchema, { grantId: 'SD-1', state: 'expired', revokedAt: '2026-11-21T12:00:00.412Z', reason: 'expired', activity: { sessions: 1 } }],
  ['ExtendRequest', protocol.extendRequestSchema, { notAfter: '2026-11-21T14:00:00Z' }],
  ['ExtendRequest', protocol.extendRequestSchema, { notAfter: '2026-11-21T14:00:00Z', reason: 'longer' }],
];

describe('docs/openapi/connector-v2.yaml', () => {
  it('is OpenAPI 3.1 with the HMAC headers as its default security', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.security).toEqual([{ jitTimestamp: [], jitSignature: [] }]);
    expect(doc.components.securitySchemes).toMatchObject({
      jitTimestamp: { type: 'apiKey', in: 'header', name: 'X-Jit-Timestamp' },
      jitSignature: { type: 'apiKey', in: 'header', name: 'X-Jit-Signature' },
    });
  });

  it('describes exactly the endpoints the connector serves, unsigned only where the connector does not check', () => {
    const described = operations(doc).map(({ method, path, operation }) => `${method} ${path}${operation.security?.length === 0 ? ' (unsigned)' : ''}`);
    expect(described.sort()).toEqual(
      [
        'GET /metrics (unsigned)',
        'GET /v1/grants',
        'GET /v1/grants/{grantId}',
        'GET /v1/health (unsigned)',
        'GET /v1/targets',
        'DELETE /v1/grants/{grantId}',
        'POST /v1/grants',
        'POST /v1/grants/{grantId}/extend',
        'GET /v1/grants/{grantId}/activity',
        'POST /v1/grants/{grantId}/query',
        'GET /v1/grants/{grantId}/schema',
      ].sort(),
    );
  });

  it('compiles every component schema', () => {
    for (const name of Object.keys(doc.components.schemas)) expect(() => component(name)).not.toThrow();
  });

  it.each(PAIRS)('component %s has the shape of the zod schema', (name, schema, io) => {
    const generated = z.toJSONSchema(schema, { io }) as JsonSchema;
    expect(shapeOf(resolve(`#/components/schemas/${name}`), resolve)).toEqual(shapeOf(generated, resolve));
  });

  it('names a component for every wire schema in src/protocol/schemas.ts', () => {
    const wireSchemas = Object.entries(protocol).filter(([, value]) => value instanceof z.ZodType).map(([, value]) => value);
    const described = new Set(PAIRS.map(([, schema]) => schema));
    // grantStatusSchema's enum and the discriminated union members are covered through their parents.
    expect(wireSchemas.filter((schema) => !described.has(schema as z.ZodType))).toEqual([]);
  });

  it.each(SAMPLES.map(([name, schema, body], index) => [index, name, schema, body] as const))('sample %i judged alike by zod and by component %s', (_index, name, schema, body) => {
    const validate = component(name);
    expect({ openapi: validate(body), errors: validate.errors?.map((error) => error.message) }).toMatchObject({ openapi: schema.safeParse(body).success });
  });

  it('has samples that both accept and refuse, so agreement means something', () => {
    const verdicts = SAMPLES.map(([, schema, body]) => schema.safeParse(body).success);
    expect(verdicts.filter(Boolean).length).toBeGreaterThanOrEqual(10);
    expect(verdicts.filter((ok) => !ok).length).toBeGreaterThanOrEqual(10);
  });
});
