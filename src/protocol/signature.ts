import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * HMAC request signing of protocol v2: `v2=` + hex HMAC-SHA256, keyed by one of the shared secrets, over the
 * framed string `v2\nTIMESTAMP\nMETHOD\nPATH_WITH_QUERY\nhex(SHA-256(RAW_BODY))`. The body enters only as a
 * fixed-length digest and no field may hold a newline, so no two requests share a signing string.
 */

export const TIMESTAMP_HEADER = 'x-jit-timestamp';
export const SIGNATURE_HEADER = 'x-jit-signature';
export const MAX_CLOCK_SKEW_SECONDS = 300;
const SCHEME = 'v2';

export interface SignedParts {
  timestamp: number;
  method: string;
  pathWithQuery: string;
  body: string | Uint8Array;
}

export function bodyDigest(body: string | Uint8Array): string {
  return createHash('sha256').update(typeof body === 'string' ? Buffer.from(body, 'utf8') : body).digest('hex');
}

/** What one signature covers; the connector's replay memory is keyed on it. */
export interface SignedContent {
  timestamp: number;
  method: string;
  pathWithQuery: string;
  bodySha256: string;
}

export function signedContent(parts: SignedParts): SignedContent {
  return { timestamp: parts.timestamp, method: parts.method.toUpperCase(), pathWithQuery: parts.pathWithQuery, bodySha256: bodyDigest(parts.body) };
}

export function signingString(content: SignedContent): string {
  for (const field of [content.method, content.pathWithQuery]) {
    if (/[\r\n]/.test(field)) throw new Error('a signed method or path must not contain a line break');
  }
  return [SCHEME, String(content.timestamp), content.method, content.pathWithQuery, content.bodySha256].join('\n');
}

function hmac(secret: string, content: SignedContent): string {
  return createHmac('sha256', secret).update(signingString(content), 'utf8').digest('hex');
}

export function computeSignature(secret: string, parts: SignedParts): string {
  return `${SCHEME}=${hmac(secret, signedContent(parts))}`;
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

/** The header checks that need no body: present, well-formed, and a timestamp inside the window. */
export type HeaderCheck = { ok: true; timestamp: number; offered: string[] } | { ok: false; reason: VerifyFailure };

export function checkSignatureHeaders(input: { timestampHeader: string | undefined; signatureHeader: string | undefined; nowSeconds: number }): HeaderCheck {
  if (!input.timestampHeader || !input.signatureHeader) return { ok: false, reason: 'missing_signature' };
  if (!/^\d{1,12}$/.test(input.timestampHeader)) return { ok: false, reason: 'bad_signature' };
  const timestamp = Number(input.timestampHeader);
  if (Math.abs(input.nowSeconds - timestamp) > MAX_CLOCK_SKEW_SECONDS) return { ok: false, reason: 'stale_timestamp' };
  const pattern = new RegExp(`^${SCHEME}=[0-9a-f]{64}$`);
  const offered = input.signatureHeader
    .split(',')
    .map((value) => value.trim())
    .filter((value) => pattern.test(value));
  if (offered.length === 0) return { ok: false, reason: 'bad_signature' };
  return { ok: true, timestamp, offered };
}

export type VerifyResult = { ok: true; content: SignedContent } | { ok: false; reason: VerifyFailure };

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
 * Checks the headers, then every offered `v2=` value against every secret in constant time. Returns the signed
 * content, so the caller can refuse a replay of the request whichever of its signature values is sent.
 */
export function verifySignature(input: VerifyInput): VerifyResult {
  const headers = checkSignatureHeaders(input);
  if (!headers.ok) return headers;
  const content = signedContent({ timestamp: headers.timestamp, method: input.method, pathWithQuery: input.pathWithQuery, body: input.body });
  if (/[\r\n]/.test(content.method + content.pathWithQuery)) return { ok: false, reason: 'bad_signature' };
  for (const secret of input.secrets) {
    const expected = Buffer.from(`${SCHEME}=${hmac(secret, content)}`);
    for (const candidate of headers.offered) {
      const given = Buffer.from(candidate);
      if (given.length === expected.length && timingSafeEqual(given, expected)) return { ok: true, content };
    }
  }
  return { ok: false, reason: 'bad_signature' };
}

/** A stable key for one signed content: the same request signed with any secret maps to the same key. */
export function replayKey(content: SignedContent): string {
  return createHash('sha256').update(signingString(content), 'utf8').digest('hex');
}
