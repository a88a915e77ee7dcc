import { createHash, createHmac, pbkdf2, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';

/**
 * SCRAM-SHA-256 password verifiers in the form PostgreSQL stores in pg_authid.rolpassword
 * (`SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>`, RFC 5802 / RFC 7677). The connector sends
 * this verifier in `PASSWORD '…'`, so the plaintext never appears in SQL text that a server log could record.
 */

/** PostgreSQL's default `scram_iterations` and salt length. */
export const SCRAM_ITERATIONS = 4096;
const SALT_BYTES = 16;

const pbkdf2Async = promisify(pbkdf2);

export interface ScramVerifierParts {
  iterations: number;
  salt: Buffer;
  storedKey: Buffer;
  serverKey: Buffer;
}

const VERIFIER = /^SCRAM-SHA-256\$([1-9][0-9]{0,9}):([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2}):([A-Za-z0-9+/]+={0,2})$/;

/**
 * PostgreSQL applies SASLprep to passwords, but leaves pure-ASCII input unchanged; full SASLprep (NFKC and the
 * RFC 3454 tables) is not implemented here, so non-ASCII passwords are refused rather than hashed differently
 * from what the server would compute. The connector only generates ASCII passwords.
 */
function assertAscii(password: string): void {
  const ascii = Array.from(password).every((char) => char.charCodeAt(0) > 0 && char.charCodeAt(0) < 0x80);
  if (!ascii) throw new RangeError('SCRAM verifier: only ASCII passwords are supported');
}

async function deriveKeys(password: string, salt: Buffer, iterations: number): Promise<{ storedKey: Buffer; serverKey: Buffer }> {
  assertAscii(password);
  // Asynchronous PBKDF2 runs in libuv's thread pool, so 4096 iterations do not block the event loop.
  const saltedPassword = await pbkdf2Async(Buffer.from(password, 'utf8'), salt, iterations, 32, 'sha256');
  const clientKey = createHmac('sha256', saltedPassword).update('Client Key').digest();
  return {
    storedKey: createHash('sha256').update(clientKey).digest(),
    serverKey: createHmac('sha256', saltedPassword).update('Server Key').digest(),
  };
}

export async function scramSha256Verifier(
  password: string,
  options: { salt?: Buffer; iterations?: number } = {},
): Promise<string> {
  const salt = options.salt ?? randomBytes(SALT_BYTES);
  const iterations = options.iterations ?? SCRAM_ITERATIONS;
  const { storedKey, serverKey } = await deriveKeys(password, salt, iterations);
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}

export function parseScramVerifier(text: string): ScramVerifierParts | null {
  const match = VERIFIER.exec(text);
  if (!match) return null;
  const [, iterations = '', salt = '', storedKey = '', serverKey = ''] = match;
  return {
    iterations: Number(iterations),
    salt: Buffer.from(salt, 'base64'),
    storedKey: Buffer.from(storedKey, 'base64'),
    serverKey: Buffer.from(serverKey, 'base64'),
  };
}
