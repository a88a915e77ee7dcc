import { signRequest, type ActivityDigest, type RevocationCallback } from '../../protocol';
import type { GrantRecord } from '../ledger/record';

/**
 * Tells the app (its web trigger) about a revocation the connector made on its own, signed like every request
 * of the protocol, with the digest of what was run under the grant for a gateway target. Returns whether the app
 * acknowledged it with a 2xx; the caller retries otherwise.
 */
export async function reportRevocation(url: string, secrets: readonly string[], record: GrantRecord, now: Date, activity?: ActivityDigest): Promise<boolean> {
  const body: RevocationCallback = {
    grantId: record.grantId,
    state: record.state === 'expired' ? 'expired' : 'revoked',
    revokedAt: record.revokedAt ?? now.toISOString(),
    reason: record.revokeReason ?? 'revoked',
    ...(activity && { activity }),
  };
  const raw = JSON.stringify(body);
  const target = new URL(url);
  const headers = signRequest(secrets[0] ?? '', {
    timestamp: Math.floor(now.getTime() / 1000),
    method: 'POST',
    pathWithQuery: target.pathname + target.search,
    body: raw,
  });
  try {
    const response = await fetch(target, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: raw, signal: AbortSignal.timeout(10_000) });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}
