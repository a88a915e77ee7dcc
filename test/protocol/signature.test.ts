import { createHmac } from 'node:crypto';
import vectors from './signature-vectors.json';
import { computeSignature, signingString, signedContent, signRequest, verifySignature, MAX_CLOCK_SKEW_SECONDS } from '../../src/protocol';

describe('signature test vectors (also in docs/connector-api.md)', () => {
  it.each(vectors)('$method $pathWithQuery signs to the published value', (vector) => {
    expect(computeSignature(vector.key, vector)).toBe(vector.signature);
  });
});

describe('the framed signing string (v2)', () => {
  const deleteLonger = vectors.find((vector) => vector.method === 'DELETE' && vector.body === '')!;
  const deleteShorterWithBody = vectors.find((vector) => vector.method === 'DELETE' && vector.body !== '')!;

  it('tells apart the two requests one v1 signature served: DELETE …/X.1 with no body and DELETE …/X with body "1."', () => {
    const v1 = (vector: typeof deleteLonger) =>
      createHmac('sha256', vector.key).update(`${vector.timestamp}.${vector.method}.${vector.pathWithQuery}.${vector.body}`).digest('hex');
    expect(v1(deleteLonger)).toBe(v1(deleteShorterWithBody));
    expect(deleteLonger.signature).not.toBe(deleteShorterWithBody.signature);
    expect(
      verifySignature({
        secrets: [deleteLonger.key],
        timestampHeader: String(deleteLonger.timestamp),
        signatureHeader: deleteLonger.signature,
        method: 'DELETE',
        pathWithQuery: deleteShorterWithBody.pathWithQuery,
        body: deleteShorterWithBody.body,
        nowSeconds: deleteLonger.timestamp,
      }),
    ).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('is the five framed lines, the body as its SHA-256', () => {
    expect(signingString(signedContent({ timestamp: 1763719200, method: 'delete', pathWithQuery: '/v1/grants/SD-123.1', body: '' }))).toBe(
      'v2\n1763719200\nDELETE\n/v1/grants/SD-123.1\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
  });

  it('refuses to sign or accept a method or path holding a line break', () => {
    expect(() => computeSignature('k', { timestamp: 1, method: 'GET', pathWithQuery: '/v1/grants\nx', body: '' })).toThrow();
    const result = verifySignature({ secrets: ['k'], timestampHeader: '1', signatureHeader: `v2=${'0'.repeat(64)}`, method: 'GET', pathWithQuery: '/a\nb', body: '', nowSeconds: 1 });
    expect(result.ok).toBe(false);
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

  it('accepts the published signature and returns the signed content for replay tracking', () => {
    expect(verifySignature(base)).toEqual({ ok: true, content: signedContent(vector) });
  });

  it('accepts any one valid value among several, and any configured secret (rotation)', () => {
    const header = `v2=${'0'.repeat(64)}, ${vector.signature}`;
    expect(verifySignature({ ...base, signatureHeader: header, secrets: ['old', vector.key] }).ok).toBe(true);
  });

  it('returns the same signed content whichever of two rotation values is sent', () => {
    const both = signRequest(['old', vector.key], vector)['x-jit-signature']!.split(',');
    const one = verifySignature({ ...base, signatureHeader: both[0], secrets: ['old', vector.key] });
    const other = verifySignature({ ...base, signatureHeader: both[1], secrets: ['old', vector.key] });
    expect(one).toEqual(other);
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
    ['a v1 value', { signatureHeader: vector.signature.replace('v2=', 'v1=') }, 'bad_signature'],
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
