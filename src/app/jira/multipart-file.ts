import { randomBytes } from 'node:crypto';

/**
 * A multipart/form-data body (RFC 7578) holding one file in the part `file`, the name Jira's attachment API
 * requires. The boundary is random and the file name is given as a quoted string with quotes and line breaks
 * left out, so neither can end the part early.
 */
export function multipartFile(file: { name: string; type: string; bytes: Uint8Array }): { body: ArrayBuffer; contentType: string } {
  const boundary = `jit-${randomBytes(16).toString('hex')}`;
  const name = file.name.replace(/["\r\n\\]/g, '_');
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: ${file.type}\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const joined = Buffer.concat([head, file.bytes, tail]);
  return { body: joined.buffer.slice(joined.byteOffset, joined.byteOffset + joined.byteLength) as ArrayBuffer, contentType: `multipart/form-data; boundary=${boundary}` };
}
