import { createHash } from 'node:crypto';
import type { GrantRequest, GrantStatus } from '../../protocol';
import type { GrantRecord } from '../ledger/record';

/** A stable digest of a grant request: the same grantId with a different body is a conflict. */
export function fingerprint(request: GrantRequest): string {
  return createHash('sha256').update(canonicalJson(request)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function newGrantRecord(request: GrantRequest, name: string, now: Date): GrantRecord {
  const at = now.toISOString();
  return {
    grantId: request.grantId,
    fingerprint: fingerprint(request),
    target: request.target,
    role: request.role,
    mode: request.mode,
    dbUser: request.principal.dbUser ?? null,
    name,
    username: null,
    state: 'granting',
    notBefore: request.notBefore ? new Date(request.notBefore).toISOString() : null,
    notAfter: new Date(request.notAfter).toISOString(),
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
  };
}

export function tombstone(grantId: string, now: Date): GrantRecord {
  const at = now.toISOString();
  return {
    grantId,
    fingerprint: '',
    target: '',
    role: '',
    mode: 'ephemeral',
    dbUser: null,
    name: '',
    username: null,
    state: 'tombstone',
    notBefore: null,
    notAfter: null,
    createdAt: at,
    updatedAt: at,
    revokedAt: at,
    revokeReason: 'revoked before it was granted',
    attempts: 0,
    nextAttemptAt: null,
    lastError: null,
    needsCleanup: false,
    callbackPending: false,
    credential: null,
  };
}

/** The protocol's view of a record; never a password (the ledger never has one). */
export function toStatus(record: GrantRecord): GrantStatus {
  const state = record.state === 'granting' ? 'pending' : record.state === 'tombstone' ? 'revoked' : record.state;
  return {
    grantId: record.grantId,
    target: record.target,
    role: record.role,
    username: record.username,
    state,
    notBefore: record.notBefore,
    notAfter: record.notAfter,
    ...(record.revokedAt ? { revokedAt: record.revokedAt } : {}),
    ...(record.revokeReason ? { revokeReason: record.revokeReason } : {}),
  };
}
