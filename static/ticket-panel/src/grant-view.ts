import type { ResolverResult } from '../../../src/app/resolvers/contracts';
import type { GrantRecord, GrantState } from '../../../src/core';

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
  failed: { label: 'Failed', appearance: 'removed', summary: 'Access could not be granted.' },
};

/** States in which access can still be ended early (revoke now). */
export const REVOCABLE: ReadonlySet<GrantState> = new Set(['awaiting-approval', 'approved', 'scheduled', 'granting', 'active']);

/** What retryGrant accepts: a grant waiting to be (re)granted, or a break-glass request that never got its grant. */
export function isRetryable(grant: GrantRecord): boolean {
  return ['approved', 'scheduled', 'granting'].includes(grant.state) || (grant.state === 'requested' && grant.breakGlass);
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

/** A readable UTC time: 2026-11-23 10:00:00 UTC. */
export function utcTime(instant: string): string {
  return `${new Date(instant).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/**
 * How to connect with a revealed credential. The grant does not say which engine the target runs, so both
 * clients' commands are offered; the password is passed through the environment, not the command line.
 */
export function connectCommands(credential: Credential): { connectionString: string; psql: string; mysql: string } {
  const { host, port, database } = credential.connect;
  const user = encodeURIComponent(credential.username);
  const secret = encodeURIComponent(credential.password);
  return {
    connectionString: `postgresql://${user}:${secret}@${host}:${port}/${encodeURIComponent(database)}`,
    psql: `PGPASSWORD='${credential.password.replaceAll("'", "'\\''")}' psql "host=${host} port=${port} dbname=${database} user=${credential.username}"`,
    mysql: `MYSQL_PWD='${credential.password.replaceAll("'", "'\\''")}' mysql --host=${host} --port=${port} --user=${credential.username} ${database}`,
  };
}
