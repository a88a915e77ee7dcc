import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * HMAC request signing of protocol v1: `v1=` + hex HMAC-SHA256 over
 * `TIMESTAMP.METHOD.PATH_WITH_QUERY.RAW_BODY`, keyed by one of the shared secrets.
 */

export const TIMESTAMP_HEADER = 'x-jit-timestamp';
export const SIGNATURE_HEADER = 'x-jit-signature';
export const MAX_CLOCK_SKEW_SECONDS = 300;

export interface SignedParts {
  timestamp: number;
  method: string;
  pathWithQuery: string;
  body: string | Uint8Array;
}

export function signingPayload(parts: SignedParts): Buffer {
  const head = Buffer.from(`${parts.timestamp}.${parts.method.toUpperCase()}.${parts.pathWithQuery}.`, 'utf8');
  const body = typeof parts.body === 'string' ? Buffer.from(parts.body, 'utf8') : Buffer.from(parts.body);
  return Buffer.concat([head, body]);
}

export function computeSignature(secret: string, parts: SignedParts): string {
  return 'v1=' + createHmac('sha256', secret).update(signingPayload(parts)).digest('hex');
}

/** Headers a client sends; `secrets` may hold several keys during a rotation (one value each). */
export function signRequest(secrets: string | readonly string[], parts: SignedParts): Record<string, string> {
  const keys = typeof secrets === 'string' ? [secrets] : secrets;
  return {
    [TIMESTAMP_HEADER]: String(parts.timestamp),
    [SIGNATURE_HEADER]: keys.map((key) => computeSignature(key, parts)).join(','),
  };
}

export type VerifyFailure = 'missing_signature' | 'bad_signature' | 'stale_timestamp';
export type VerifyResult = { ok: true; signature: string; timestamp: number } | { ok: false; reason: VerifyFailure };

export interface VerifyInput {
  secrets: readonly string[];
  timestampHeader: string | undefined;
  signatureHeader: string | undefined;
  method: string;
  pathWithQuery: string;
  body: string | Uint8Array;
  nowSeconds: number;
}

/**
 * Checks the timestamp window first, then every offered `v1=` value against every secret in constant
 * time. Returns the matching signature so the caller can refuse a replay of it.
 */
export function verifySignature(input: VerifyInput): VerifyResult {
  if (!input.timestampHeader || !input.signatureHeader) return { ok: false, reason: 'missing_signature' };
  if (!/^\d{1,12}$/.test(input.timestampHeader)) return { ok: false, reason: 'bad_signature' };
  const timestamp = Number(input.timestampHeader);
  if (Math.abs(input.nowSeconds - timestamp) > MAX_CLOCK_SKEW_SECONDS) return { ok: false, reason: 'stale_timestamp' };

  const offered = input.signatureHeader
    .split(',')
    .map((value) => value.trim())
    .filter((value) => /^v1=[0-9a-f]{64}$/.test(value));
  const payload = signingPayload({ timestamp, method: input.method, pathWithQuery: input.pathWithQuery, body: input.body });
  for (const secret of input.secrets) {
    const expected = Buffer.from('v1=' + createHmac('sha256', secret).update(payload).digest('hex'));
    for (const candidate of offered) {
      const given = Buffer.from(candidate);
      if (given.length === expected.length && timingSafeEqual(given, expected)) return { ok: true, signature: candidate, timestamp };
    }
  }
  return { ok: false, reason: 'bad_signature' };
}
