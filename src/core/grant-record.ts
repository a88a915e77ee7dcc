import { z } from 'zod';
import { CoreError } from './core-error';
import { grantIdFor, nextGrantId } from './grant-id';
import { grantStateSchema, lifecycleEventSchema, transition, type LifecycleEvent } from './lifecycle';
import { assertNoSecrets } from './secret-guard';

/**
 * The machine-readable state of one request, stored in the issue property `jit-access`. Never holds a
 * password: the one-time credential lives in secret storage, and only when it was revealed is kept here.
 */

export const GRANT_PROPERTY_KEY = 'jit-access';
/** Jira's limit on an issue property's JSON. */
export const MAX_PROPERTY_CHARS = 32_768;
/** Older history entries are dropped past this (the ticket's comments keep the full audit); with the field limits below it keeps a full record well under MAX_PROPERTY_CHARS. */
export const MAX_HISTORY = 30;

const instantSchema = z.iso.datetime({ offset: true });
/** An Atlassian accountId, or `app`, `connector` or `sweep` for what the system did itself. */
const actorSchema = z.string().min(1).max(128);
const ruleRefSchema = z.strictObject({ id: z.string().min(1).max(64), name: z.string().min(1).max(120) });

export const historyEntrySchema = z.strictObject({
  at: instantSchema,
  from: grantStateSchema,
  to: grantStateSchema,
  event: lifecycleEventSchema,
  actor: actorSchema,
  rule: ruleRefSchema.optional(),
  note: z.string().max(200).optional(),
});

export const grantWindowSchema = z
  .strictObject({ notBefore: instantSchema, notAfter: instantSchema })
  .refine((window) => Date.parse(window.notBefore) < Date.parse(window.notAfter), { message: 'notAfter must be after notBefore' });

export const grantRecordSchema = z.strictObject({
  version: z.literal(1),
  ticket: z.string().min(1).max(64),
  state: grantStateSchema,
  target: z.string().min(1).max(40),
  accessLevel: z.string().min(1).max(64),
  /** The connector role the access level maps to. */
  role: z.string().min(1).max(40),
  requester: z.strictObject({ accountId: z.string().min(1).max(128) }),
  breakGlass: z.boolean(),
  /** Requested ISO-8601 duration, when one was asked for. */
  duration: z.string().max(32).optional(),
  change: z.strictObject({ key: z.string().min(1).max(64) }).optional(),
  /** The rule that decided. */
  rule: ruleRefSchema.optional(),
  approval: z.strictObject({ group: z.string().min(1).max(64), count: z.number().int().min(1) }).optional(),
  approvers: z.array(z.strictObject({ accountId: z.string().min(1).max(128), at: instantSchema })).max(20),
  window: grantWindowSchema.optional(),
  grantId: z.string().regex(/^[A-Za-z0-9._:-]{1,64}$/).optional(),
  username: z.string().min(1).max(63).optional(),
  connect: z.strictObject({ host: z.string(), port: z.number().int(), database: z.string() }).optional(),
  credential: z.strictObject({ revealedAt: instantSchema.optional() }).optional(),
  /** Grant attempts made so far, so the sweep knows when retries have run out. */
  attempts: z.number().int().min(0),
  lastError: z.string().max(500).optional(),
  /** Times an administrator retried the grant after it failed; each retry runs under a new grantId. */
  retries: z.number().int().min(1).optional(),
  /** The follow-up review issue of a break-glass grant. */
  reviewTask: z.string().max(64).optional(),
  history: z.array(historyEntrySchema).max(MAX_HISTORY),
  historyDropped: z.number().int().min(0),
  updatedAt: instantSchema,
});

export type HistoryEntry = z.infer<typeof historyEntrySchema>;
export type GrantWindow = z.infer<typeof grantWindowSchema>;
export type GrantRecord = z.infer<typeof grantRecordSchema>;

export interface NewGrantRecord {
  ticket: string;
  target: string;
  accessLevel: string;
  role: string;
  requesterAccountId: string;
  breakGlass: boolean;
  duration?: string;
  changeKey?: string;
  at: Date;
}

export function newGrantRecord(input: NewGrantRecord): GrantRecord {
  return grantRecordSchema.parse({
    version: 1,
    ticket: input.ticket,
    state: 'requested',
    target: input.target,
    accessLevel: input.accessLevel,
    role: input.role,
    requester: { accountId: input.requesterAccountId },
    breakGlass: input.breakGlass,
    // Break-glass grants straight from the request, so its grant id exists from the start.
    ...(input.breakGlass ? { grantId: grantIdFor(input.ticket) } : {}),
    duration: input.duration,
    change: input.changeKey ? { key: input.changeKey } : undefined,
    approvers: [],
    attempts: 0,
    history: [],
    historyDropped: 0,
    updatedAt: input.at.toISOString(),
  });
}

/** Fields a transition may set alongside the state change (the grant id is the record's own to assign). */
export type GrantRecordPatch = Partial<
  Pick<GrantRecord, 'rule' | 'approval' | 'window' | 'username' | 'connect' | 'attempts' | 'lastError' | 'reviewTask'>
>;

export interface TransitionInput {
  event: LifecycleEvent;
  at: Date;
  actor: string;
  /** The rule that decided this step; also stored as the record's rule. */
  rule?: { id: string; name: string };
  note?: string;
  /** The accounts whose approval counted (approval-approved; an extension an approver answered). */
  approvers?: readonly string[];
  set?: GrantRecordPatch;
}

/**
 * Applies one lifecycle event to a record: checks it is legal (CoreError `illegal_transition`),
 * appends the history entry and returns a new, validated record. An extension must move the end later.
 * A grant that starts gets its grant id here, before the connector is asked; a retry gets the next one
 * (the old one may be half-made or tombstoned at the connector), counts the retry and starts the
 * attempts afresh.
 */
export function recordTransition(record: GrantRecord, input: TransitionInput): GrantRecord {
  const to = transition(record.state, input.event);
  const at = input.at.toISOString();
  const window = input.set?.window ?? record.window;
  if (input.event === 'extended' && !(record.window && window && Date.parse(window.notAfter) > Date.parse(record.window.notAfter))) {
    throw new CoreError('illegal_transition', 'An extension must move the end of access later.', { state: record.state, event: input.event });
  }
  const retried = input.event === 'grant-retried';
  const entry: HistoryEntry = {
    at,
    from: record.state,
    to,
    event: input.event,
    actor: input.actor,
    ...(input.rule ? { rule: input.rule } : {}),
    ...(input.note ? { note: truncate(input.note, 200) } : {}),
  };
  const history = [...record.history, entry];
  const dropped = Math.max(0, history.length - MAX_HISTORY);
  const patched: GrantRecord = { ...record, ...input.set, ...(input.rule ? { rule: input.rule } : {}), ...grantIdOn(record, input.event) };
  const next = {
    ...(retried ? restarted(patched) : patched),
    state: to,
    approvers: [...record.approvers, ...(input.approvers ?? []).map((accountId) => ({ accountId, at }))],
    history: history.slice(dropped),
    historyDropped: record.historyDropped + dropped,
    updatedAt: at,
  };
  return parseRecord(next);
}

/** Marks the one-time credential as shown; a second reveal is refused (CoreError `credential_already_revealed`). */
export function markCredentialRevealed(record: GrantRecord, at: Date): GrantRecord {
  if (record.credential?.revealedAt) {
    throw new CoreError('credential_already_revealed', 'The credential was already shown once.', { revealedAt: record.credential.revealedAt });
  }
  return parseRecord({ ...record, credential: { revealedAt: at.toISOString() }, updatedAt: at.toISOString() });
}

/** Reads the stored property value; throws CoreError `invalid_grant_record` listing what is wrong. */
export function parseRecord(value: unknown): GrantRecord {
  const result = grantRecordSchema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
  throw new CoreError('invalid_grant_record', `The grant record is not valid: ${issues.join('; ')}`, { issues });
}

/**
 * The JSON to store as the issue property: validated, checked for secrets (pass the grant's password
 * when one is known) and for Jira's size limit (CoreError `record_too_large`).
 */
export function serializeRecord(record: GrantRecord, secretValues: readonly string[] = []): string {
  const valid = parseRecord(record);
  assertNoSecrets(valid, secretValues);
  const json = JSON.stringify(valid);
  if (json.length > MAX_PROPERTY_CHARS) {
    throw new CoreError('record_too_large', `The grant record has ${json.length} characters; Jira allows ${MAX_PROPERTY_CHARS}.`, {
      chars: json.length,
    });
  }
  return json;
}

function grantIdOn(record: GrantRecord, event: LifecycleEvent): Pick<GrantRecord, 'grantId'> {
  if (event === 'grant-retried') return { grantId: nextGrantId(record.ticket, record.grantId) };
  if (event === 'grant-started' || event === 'break-glass') return { grantId: record.grantId ?? grantIdFor(record.ticket) };
  return {};
}

/** The connector grant id of a grant that started; CoreError `invalid_grant_record` when it never did. */
export function grantIdOf(record: GrantRecord): string {
  if (record.grantId === undefined) {
    throw new CoreError('invalid_grant_record', `The grant of ${record.ticket} never started, so it has no grant id.`, { ticket: record.ticket, state: record.state });
  }
  return record.grantId;
}

/** A retried grant: attempts start again, the last attempt's error goes, the retry is counted. */
function restarted(record: GrantRecord): GrantRecord {
  const { lastError: _cleared, ...rest } = record;
  return { ...rest, attempts: 0, retries: (record.retries ?? 0) + 1 };
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
