import { z } from 'zod';
import { accessRequestSchema, grantRecordSchema, grantStateSchema, isoDurationSchema, settingsSchema, targetSchema } from '../../core';
import { activityDigestSchema, grantSchemaSchema, healthSchema, queryRequestSchema, queryResultSchema, targetSummarySchema } from '../../protocol';
import { changeOptionSchema, formOptionsSchema } from '../portal/request-form';
import { appConfigSchema } from '../storage/app-config';

/**
 * Payloads and results of every resolver, for the resolvers themselves and for the Custom UI (which
 * imports this module to build and check its calls). Every resolver answers with `resultEnvelope(result)`.
 */

const ticketRef = { ticket: z.string().regex(/^[A-Z][A-Z0-9_]*-\d+$/).optional() };
const instant = z.iso.datetime({ offset: true });
const viewerRoleSchema = z.enum(['admin', 'agent', 'approver']);

export const errorResultSchema = z.strictObject({
  ok: z.literal(false),
  error: z.strictObject({
    code: z.enum(['forbidden', 'invalid_payload', 'not_found', 'not_configured', 'conflict', 'jira_error', 'jira_rate_limited', 'connector_error', 'webhook_error', 'invalid_state', 'internal']),
    message: z.string(),
  }),
});

export function resultEnvelope<T extends z.ZodType>(data: T) {
  return z.discriminatedUnion('ok', [z.strictObject({ ok: z.literal(true), data }), errorResultSchema]);
}

export const emptyPayload = z.strictObject({});

export const contracts = {
  getSettings: {
    payload: emptyPayload,
    result: z.strictObject({
      settings: settingsSchema,
      appConfig: appConfigSchema,
      /** `callbackUrl`: this installation's web trigger, for the connector's `callback.url`. */
      connector: z.strictObject({ url: z.string(), secretSet: z.boolean(), callbackUrl: z.string() }),
    }),
  },
  saveSettings: {
    payload: z.strictObject({ settings: z.unknown(), appConfig: z.unknown().optional() }),
    result: z.strictObject({ saved: z.literal(true) }),
  },
  setConnector: {
    payload: z.strictObject({ url: z.url({ protocol: /^https?$/ }), secret: z.string().min(16, 'the signing secret has at least 16 characters') }),
    result: z.strictObject({ saved: z.literal(true) }),
  },
  testConnection: {
    payload: z.strictObject({ saveTargets: z.boolean().default(true) }),
    result: z.strictObject({ health: healthSchema, targets: z.array(targetSummarySchema), savedTargets: z.boolean() }),
  },
  simulatePolicy: {
    payload: z.strictObject({ request: accessRequestSchema, at: instant.optional() }),
    result: z.strictObject({
      outcome: z.unknown(),
      rule: z.strictObject({ id: z.string(), name: z.string() }),
      reasons: z.array(z.string()),
      trace: z.array(z.unknown()),
      window: z.strictObject({ notBefore: instant, notAfter: instant, explanation: z.string() }).optional(),
    }),
  },
  setupRequestTypes: {
    payload: z.strictObject({ serviceDeskId: z.string().min(1, 'choose a service desk') }),
    result: z.strictObject({
      projectKey: z.string(),
      /** A type missing here was not created (team-managed project, or JSM refused): `nextSteps` says what to do by hand. */
      requestTypes: z.strictObject({ access: z.string().optional(), breakGlass: z.string().optional() }),
      fields: z.record(z.string(), z.string()),
      changeFields: z.record(z.string(), z.string()),
      nextSteps: z.array(z.string()),
    }),
  },
  listServiceDesks: {
    payload: emptyPayload,
    result: z.strictObject({ desks: z.array(z.strictObject({ id: z.string(), projectKey: z.string(), name: z.string() })) }),
  },
  setupChecklist: {
    payload: emptyPayload,
    result: z.strictObject({ items: z.array(z.strictObject({ id: z.string(), done: z.boolean(), detail: z.string() })) }),
  },
  auditGrants: {
    payload: z.strictObject({ from: instant, to: instant, cursor: z.string().optional() }),
    result: z.strictObject({
      rows: z.array(
        z.strictObject({
          ticket: z.string(),
          state: grantStateSchema,
          requester: z.string(),
          target: z.string(),
          accessLevel: z.string(),
          breakGlass: z.boolean(),
          rule: z.string().optional(),
          approvers: z.array(z.string()),
          /** Display names (account ids above, for joins); "unknown user" where Jira cannot name one. */
          requesterName: z.string(),
          approverNames: z.array(z.string()),
          justification: z.string().optional(),
          requestedAt: instant,
          notBefore: instant.optional(),
          notAfter: instant.optional(),
          flagged: z.string().optional(),
          /** When and by whom access (or the request) ended: expired, revoked, failed, denied, declined. */
          endedAt: instant.optional(),
          endedBy: z.string().optional(),
          endedByName: z.string().optional(),
        }),
      ),
      cursor: z.string().optional(),
    }),
  },
  getGrant: {
    payload: z.strictObject(ticketRef),
    result: z.strictObject({
      grant: grantRecordSchema.nullable(),
      reasons: z.array(z.string()),
      refusedApprovals: z.array(z.strictObject({ accountId: z.string(), at: instant, reason: z.string() })),
      credentialAvailable: z.boolean(),
      /** The caller's roles on this ticket, as the resolvers check them (what the panel offers follows from them). */
      viewer: z.strictObject({ isRequester: z.boolean(), roles: z.array(viewerRoleSchema) }),
      /** An extension the policy sent to approvers, waiting for an answer (`requestExtension {decision}`). */
      pendingExtension: z.strictObject({ extendBy: isoDurationSchema, requestedAt: instant, group: z.string(), groupName: z.string() }).nullable(),
      /** The engine of the grant's target, when the target is still known. */
      engine: targetSchema.shape.engine.nullable(),
      /** Display names of the accounts (and the app's own actors) the grant names, by id. */
      people: z.record(z.string(), z.string()),
      /** Whom requesters ask for help (app setting). */
      contact: z.string().nullable(),
    }),
  },
  getActivity: {
    payload: z.strictObject(ticketRef),
    /** What has been run under active access so far (a gateway target's digest: counts and tables, no literal); null otherwise. */
    result: z.strictObject({ digest: activityDigestSchema.nullable() }),
  },
  runQuery: {
    /** `export`: run for a download, which the level must allow (the result's `exportable`); the connector records it as one. */
    payload: z.strictObject({ ...ticketRef, sql: queryRequestSchema.shape.sql, export: z.boolean().default(false) }),
    /** The statement's rows (at most 500; `truncated` when more were cut off), or why the database or the level's guards refused it. */
    result: z.discriminatedUnion('outcome', [
      queryResultSchema.extend({ outcome: z.literal('rows') }),
      z.strictObject({ outcome: z.literal('refused'), message: z.string() }),
    ]),
  },
  getSchema: {
    payload: z.strictObject(ticketRef),
    /** The tables and columns the grant's login sees on its target (at most 5000 columns), each masked column named with its mask. */
    result: grantSchemaSchema,
  },
  revealCredential: {
    payload: z.strictObject(ticketRef),
    result: z.strictObject({
      username: z.string(),
      password: z.string(),
      connect: z.strictObject({ host: z.string(), port: z.number(), database: z.string() }),
      notAfter: instant,
    }),
  },
  revokeNow: {
    payload: z.strictObject({ ...ticketRef, reason: z.string().max(200).optional() }),
    result: z.strictObject({ state: grantStateSchema, pending: z.boolean() }),
  },
  cancelRequest: {
    payload: z.strictObject(ticketRef),
    result: z.strictObject({ state: grantStateSchema }),
  },
  requestExtension: {
    payload: z.union([
      z.strictObject({ ...ticketRef, extendBy: isoDurationSchema }),
      z.strictObject({ ...ticketRef, decision: z.enum(['approve', 'decline']) }),
    ]),
    result: z.strictObject({
      outcome: z.enum(['extended', 'needs-approval', 'denied', 'declined']),
      notAfter: instant.optional(),
      /** The policy's reasons (its trace, for the audit). */
      reasons: z.array(z.string()),
      /** What the panel shows the person who asked or answered: in sentences, no trace, no account id. */
      message: z.string(),
    }),
  },
  requestForm: {
    /** The request type the portal form is on (its view context's `request.typeId`). */
    payload: z.strictObject({ requestTypeId: z.string().min(1).max(40) }),
    result: formOptionsSchema,
  },
  findChanges: {
    payload: z.strictObject({ query: z.string().trim().max(100).default('') }),
    result: z.strictObject({ changes: z.array(changeOptionSchema) }),
  },
  retryGrant: {
    payload: z.strictObject(ticketRef),
    /** `grantId`: the connector grant id the queued job grants under (a new one when a failed grant is retried); null while the grant waits to start, which assigns it. */
    result: z.strictObject({ queued: z.literal(true), grantId: z.string().nullable() }),
  },
} as const;

export type ResolverName = keyof typeof contracts;
export type ResolverPayload<N extends ResolverName> = z.input<(typeof contracts)[N]['payload']>;
export type ResolverResult<N extends ResolverName> = z.infer<(typeof contracts)[N]['result']>;
