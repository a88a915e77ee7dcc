import vectors from './signature-vectors.json';
import { computeSignature, signRequest, verifySignature, MAX_CLOCK_SKEW_SECONDS } from '../../src/protocol';

describe('signature test vectors (also in docs/connector-api.md)', () => {
  it.each(vectors)('$method $pathWithQuery signs to the published value', (vector) => {
    expect(computeSignature(vector.key, vector)).toBe(vector.signature);
  });
});

describe('verifySignature', () => {
  const vector = vectors[0]!;
  const base = {
    secrets: [vector.key],
    timestampHeader: String(vector.timestamp),
    signatureHeader: vector.signature,
    method: vector.method,
    pathWithQuery: vector.pathWithQuery,
    body: vector.body,
    nowSeconds: vector.timestamp,
  };

  it('accepts the published signature and returns it for replay tracking', () => {
    expect(verifySignature(base)).toEqual({ ok: true, signature: vector.signature, timestamp: vector.timestamp });
  });

  it('accepts any one valid value among several, and any configured secret (rotation)', () => {
    const header = `v1=${'0'.repeat(64)}, ${vector.signature}`;
    expect(verifySignature({ ...base, signatureHeader: header, secrets: ['old', vector.key] }).ok).toBe(true);
  });

  it.each([
    ['no timestamp', { timestampHeader: undefined }, 'missing_signature'],
    ['no signature', { signatureHeader: undefined }, 'missing_signature'],
    ['wrong key', { secrets: ['other'] }, 'bad_signature'],
    ['changed body', { body: vector.body + ' ' }, 'bad_signature'],
    ['changed path', { pathWithQuery: '/v1/grants?x=1' }, 'bad_signature'],
    ['changed method', { method: 'PUT' }, 'bad_signature'],
    ['non-numeric timestamp', { timestampHeader: '12a' }, 'bad_signature'],
    ['uppercase hex', { signatureHeader: vector.signature.toUpperCase() }, 'bad_signature'],
    ['too old', { nowSeconds: vector.timestamp + MAX_CLOCK_SKEW_SECONDS + 1 }, 'stale_timestamp'],
    ['too far ahead', { nowSeconds: vector.timestamp - MAX_CLOCK_SKEW_SECONDS - 1 }, 'stale_timestamp'],
  ])('refuses %s', (_label, change, reason) => {
    expect(verifySignature({ ...base, ...change })).toEqual({ ok: false, reason });
  });

  it('accepts a timestamp exactly at the edge of the window', () => {
    expect(verifySignature({ ...base, nowSeconds: vector.timestamp + MAX_CLOCK_SKEW_SECONDS }).ok).toBe(true);
  });

  it('signRequest produces headers that verify, one value per secret', () => {
    const parts = { timestamp: 1763719300, method: 'GET', pathWithQuery: '/v1/targets', body: '' };
    const headers = signRequest(['a', 'b'], parts);
    expect(headers['x-jit-signature']!.split(',')).toHaveLength(2);
    const result = verifySignature({
      secrets: ['b'],
      timestampHeader: headers['x-jit-timestamp'],
      signatureHeader: headers['x-jit-signature'],
      ...parts,
      nowSeconds: parts.timestamp,
    });
    expect(result.ok).toBe(true);
  });
});
