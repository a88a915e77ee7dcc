import type { ResolverResult } from '../../../src/app/resolvers/contracts';
import { describeDuration, parseDuration, type GrantState, type LifecycleEvent } from '../../../src/core';

export type GrantAnswer = ResolverResult<'getGrant'>;
export type Credential = ResolverResult<'revealCredential'>;

type Appearance = 'default' | 'inprogress' | 'moved' | 'new' | 'removed' | 'success';

/** Each state at a glance: the words people read and the lozenge colour. */
export const STATE_VIEW: Record<GrantState, { label: string; appearance: Appearance; summary: string }> = {
  requested: { label: 'Requested', appearance: 'new', summary: 'The request is being checked against the policy.' },
  'awaiting-approval': { label: 'Waiting for approval', appearance: 'moved', summary: 'An approver has to approve this request.' },
  approved: { label: 'Approved', appearance: 'inprogress', summary: 'Approved; access is being set up.' },
  scheduled: { label: 'Scheduled', appearance: 'inprogress', summary: 'Approved; access starts when its window opens.' },
  granting: { label: 'Granting', appearance: 'inprogress', summary: 'The database login is being created.' },
  active: { label: 'Active', appearance: 'success', summary: 'Access is active.' },
  expired: { label: 'Expired', appearance: 'default', summary: 'Access ended at the end of its window.' },
  revoked: { label: 'Revoked', appearance: 'removed', summary: 'Access was revoked.' },
  denied: { label: 'Denied', appearance: 'removed', summary: 'The policy denied this request.' },
  declined: { label: 'Declined', appearance: 'removed', summary: 'An approver declined this request.' },
  failed: { label: 'Failed', appearance: 'removed', summary: 'Access could not be granted; an administrator can retry it.' },
};

/** States whose access (granted or on its way) is revoked; a request still waiting for approval is cancelled instead. */
export const REVOCABLE: ReadonlySet<GrantState> = new Set(['approved', 'scheduled', 'granting', 'active']);

/** Whoever may see the panel may revoke (requester, approvers, agents, admins); the resolver checks again. */
export function mayRevoke(answer: GrantAnswer): boolean {
  return answer.viewer.isRequester || answer.viewer.roles.length > 0;
}

/** "1 h 05 min 09 s" style countdown to `until` from `now`; "0 s" once passed. */
export function countdown(until: string, now: number): string {
  const left = Math.max(0, Math.floor((Date.parse(until) - now) / 1000));
  const hours = Math.floor(left / 3600);
  const minutes = Math.floor((left % 3600) / 60);
  const seconds = left % 60;
  const pad = (value: number) => String(value).padStart(2, '0');
  if (hours) return `${hours} h ${pad(minutes)} min ${pad(seconds)} s`;
  if (minutes) return `${minutes} min ${pad(seconds)} s`;
  return `${seconds} s`;
}

/** Each lifecycle event as people say it, for the history. */
export const EVENT_WORDS: Record<LifecycleEvent, string> = {
  'policy-approved': 'Approved by policy',
  'policy-needs-approval': 'Sent for approval',
  'policy-denied': 'Denied by policy',
  'approval-approved': 'Approved',
  'approval-declined': 'Declined',
  'window-not-open': 'Scheduled for its window',
  'grant-started': 'Granting started',
  'grant-succeeded': 'Access granted',
  'grant-failed': 'Granting failed',
  'grant-retried': 'Retried',
  expired: 'Expired',
  revoked: 'Ended early',
  extended: 'Extended',
  'break-glass': 'Break-glass access granted',
};

/** The name of an account (or of the app's own actor) as getGrant gives it; never a bare id. */
export function nameOf(answer: Pick<GrantAnswer, 'people'>, accountId: string): string {
  return answer.people[accountId] ?? 'unknown user';
}

/** An ISO-8601 duration in words: PT1H30M → "1 hour 30 minutes" (as written when it does not parse). */
export function inWords(duration: string): string {
  try {
    return describeDuration(parseDuration(duration));
  } catch {
    return duration;
  }
}

/** A readable UTC time: 2026-11-23 10:00:00 UTC. */
export function utcTime(instant: string): string {
  return `${new Date(instant).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

export type Engine = NonNullable<GrantAnswer['engine']>;

/** How to reach the database with a revealed credential: the client command of the target's engine, or where to go instead. */
export type ConnectHelp =
  | { kind: 'client'; connectionString: string; command: { label: 'psql command' | 'mysql command'; text: string } }
  | { kind: 'console'; note: string }
  | { kind: 'address'; address: string };

/**
 * The command for the target's engine only; the password goes through the environment, not the command
 * line. An embedded (PGlite) target, the connector's zero-config demo, has no network address at all.
 */
export function connectHelp(credential: Credential, engine: Engine | null): ConnectHelp {
  const { host, port, database } = credential.connect;
  const user = encodeURIComponent(credential.username);
  const secret = encodeURIComponent(credential.password);
  const quoted = `'${credential.password.replaceAll("'", "'\\''")}'`;
  switch (engine) {
    case 'postgres':
      return {
        kind: 'client',
        connectionString: `postgresql://${user}:${secret}@${host}:${port}/${encodeURIComponent(database)}`,
        command: { label: 'psql command', text: `PGPASSWORD=${quoted} psql "host=${host} port=${port} dbname=${database} user=${credential.username}"` },
      };
    case 'mysql':
      return {
        kind: 'client',
        connectionString: `mysql://${user}:${secret}@${host}:${port}/${encodeURIComponent(database)}`,
        command: { label: 'mysql command', text: `MYSQL_PWD=${quoted} mysql --host=${host} --port=${port} --user=${credential.username} ${database}` },
      };
    case 'pglite':
      return { kind: 'console', note: `This is the connector's embedded demo database (PGlite): it has no network address, so no database client reaches it.` };
    case null:
      return { kind: 'address', address: `${host}:${port}/${database}` };
  }
}
