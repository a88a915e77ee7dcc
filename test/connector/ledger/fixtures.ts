import type { GrantRecord } from '../../../src/connector/ledger/record';

export function record(grantId: string, changes: Partial<GrantRecord> = {}): GrantRecord {
  const at = new Date('2026-11-21T10:00:00Z').toISOString();
  return {
    grantId,
    fingerprint: 'f',
    target: 'demo',
    role: 'read',
    mode: 'ephemeral',
    dbUser: null,
    name: `jit_${grantId.toLowerCase()}`,
    username: `jit_${grantId.toLowerCase()}`,
    state: 'active',
    notBefore: null,
    notAfter: '2026-11-21T12:00:00.000Z',
    createdAt: at,
    updatedAt: at,
    revokedAt: null,
    revokeReason: null,
    attempts: 0,
    nextAttemptAt: null,
    lastError: null,
    needsCleanup: false,
    callbackPending: false,
    credential: null,
    ...changes,
  };
}
