import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ConnectorError } from '../../src/connector/errors';
import { computeSignature, errorCodeSchema, signedContent, signingString } from '../../src/protocol';
import vectors from '../protocol/signature-vectors.json';

const doc = readFileSync(join(__dirname, '..', '..', 'docs', 'connector-api.md'), 'utf8');

function between(marker: string): string {
  const match = new RegExp(`<!-- ${marker}:begin -->\\n([\\s\\S]*?)\\n<!-- ${marker}:end -->`).exec(doc);
  if (!match?.[1]) throw new Error(`docs/connector-api.md has no ${marker} block`);
  return match[1];
}

const vectorSchema = z.array(
  z.strictObject({ key: z.string(), timestamp: z.number().int(), method: z.string(), pathWithQuery: z.string(), body: z.string(), signature: z.string() }),
);

describe('docs/connector-api.md', () => {
  it('publishes exactly the signature test vectors the protocol tests use', () => {
    const block = /^```json\n([\s\S]*)\n```$/.exec(between('signature-vectors'));
    expect(block?.[1]).toBeDefined();
    expect(vectorSchema.parse(JSON.parse(block?.[1] ?? ''))).toEqual(vectors);
  });

  it('publishes vectors that sign to their signatures', () => {
    for (const vector of vectors) expect(computeSignature(vector.key, vector)).toBe(vector.signature);
  });

  it('shows the OpenSSL check of the DELETE vector with its real digest and signing string', () => {
    const vector = vectors[1];
    expect(vector).toMatchObject({ method: 'DELETE', body: '' });
    const content = signedContent(vector!);
    expect(signingString(content)).toBe(['v2', vector?.timestamp, vector?.method, vector?.pathWithQuery, content.bodySha256].join('\n'));
    expect(doc).toContain(`printf 'v2\\n%s\\n%s\\n%s\\n%s' ${vector?.timestamp} ${vector?.method} ${vector?.pathWithQuery} ${content.bodySha256} | openssl dgst -sha256 -hmac '${vector?.key}' -hex`);
    expect(doc).toContain(`SHA2-256(stdin)= ${vector?.signature.slice('v2='.length)}`);
  });

  it('lists every error code, in order, with the status the connector answers', () => {
    const rows = between('error-codes')
      .split('\n')
      .slice(2)
      .map((row) => /^\| `([a-z_]+)` \| (\d{3}) \|/.exec(row))
      .map((match) => [match?.[1], Number(match?.[2])]);
    const expected = errorCodeSchema.options.map((code) => [code, new ConnectorError(code, 'x').status]);
    expect(rows).toEqual(expected);
  });
});
