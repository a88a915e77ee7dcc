import type { IncomingMessage } from 'node:http';
import { MAX_BODY_BYTES } from '../../protocol';
import { ConnectorError } from '../errors';

/** The raw body bytes (signatures cover them exactly), refused past the protocol's size limit. */
export async function readBody(request: IncomingMessage): Promise<Buffer> {
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > MAX_BODY_BYTES) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw tooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function tooLarge(): ConnectorError {
  return new ConnectorError('payload_too_large', `request bodies are limited to ${MAX_BODY_BYTES} bytes`);
}
