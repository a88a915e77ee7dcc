import { newGrantRecord, recordTransition, type GrantRecord } from '../../src/core';

export const T0 = new Date('2026-11-23T09:00:00Z');
export const minutes = (count: number): Date => new Date(T0.getTime() + count * 60_000);

export function requested(overrides: { breakGlass?: boolean } = {}): GrantRecord {
  return newGrantRecord({
    ticket: 'SD-123',
    target: 'orders-prod',
    accessLevel: 'read-only',
    role: 'read',
    requesterAccountId: 'acc-ana',
    breakGlass: overrides.breakGlass ?? false,
    duration: 'PT2H',
    at: T0,
  });
}

/** A read-only request on prod, approved by a DBA lead and granted at T0+10 min for two hours. */
export function activeRecord(): GrantRecord {
  const rule = { id: 'prod-needs-dba-lead', name: 'Production needs a DBA lead' };
  let record = recordTransition(requested(), {
    event: 'policy-needs-approval',
    at: minutes(0),
    actor: 'app',
    rule,
    set: { approval: { group: 'dba-leads', count: 1 } },
  });
  record = recordTransition(record, { event: 'approval-approved', at: minutes(5), actor: 'acc-lead', approvers: ['acc-lead'] });
  record = recordTransition(record, {
    event: 'grant-started',
    at: minutes(10),
    actor: 'app',
    set: { attempts: 1, window: { notBefore: minutes(10).toISOString(), notAfter: minutes(130).toISOString() } },
  });
  return recordTransition(record, {
    event: 'grant-succeeded',
    at: minutes(11),
    actor: 'connector',
    set: { username: 'jit_ana_1', connect: { host: 'orders.db.internal', port: 5432, database: 'orders' } },
  });
}

/** A read-only request on prod, approved automatically and failed at T0+30 min after five attempts with grant SD-123.1 (never made). */
export function failedRecord(): GrantRecord {
  let record = recordTransition(requested(), { event: 'policy-approved', at: T0, actor: 'app' });
  record = recordTransition(record, { event: 'grant-started', at: minutes(1), actor: 'app' });
  return recordTransition(record, {
    event: 'grant-failed',
    at: minutes(30),
    actor: 'app',
    note: 'unreachable: connect ECONNREFUSED',
    set: { attempts: 5, lastError: 'unreachable: connect ECONNREFUSED' },
  });
}
