import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { packet, PayloadReader, ProtocolViolation } from './packets';

/** Capability flags (MySQL's include/mysql_com.h). */
export const CLIENT = {
  LONG_PASSWORD: 0x1,
  FOUND_ROWS: 0x2,
  LONG_FLAG: 0x4,
  CONNECT_WITH_DB: 0x8,
  PROTOCOL_41: 0x200,
  SSL: 0x800,
  TRANSACTIONS: 0x2000,
  SECURE_CONNECTION: 0x8000,
  MULTI_STATEMENTS: 0x10000,
  MULTI_RESULTS: 0x20000,
  PLUGIN_AUTH: 0x80000,
  CONNECT_ATTRS: 0x100000,
  PLUGIN_AUTH_LENENC_CLIENT_DATA: 0x200000,
  SESSION_TRACK: 0x800000,
} as const;

/**
 * What the gateway offers. Left out on purpose: LOCAL_FILES (the server could make the client send its files),
 * COMPRESS, DEPRECATE_EOF and QUERY_ATTRIBUTES (results are relayed, or written, EOF-terminated, and a query is its
 * text alone). SESSION_TRACK is offered: the database session takes the client's choice, so an OK packet's info
 * reads the same to the client as the server wrote it (length-encoded, which clients without it misread).
 */
const OFFERED =
  CLIENT.LONG_PASSWORD |
  CLIENT.FOUND_ROWS |
  CLIENT.LONG_FLAG |
  CLIENT.CONNECT_WITH_DB |
  CLIENT.PROTOCOL_41 |
  CLIENT.TRANSACTIONS |
  CLIENT.SECURE_CONNECTION |
  CLIENT.MULTI_STATEMENTS |
  CLIENT.MULTI_RESULTS |
  CLIENT.PLUGIN_AUTH |
  CLIENT.CONNECT_ATTRS |
  CLIENT.PLUGIN_AUTH_LENENC_CLIENT_DATA |
  CLIENT.SESSION_TRACK;

export const NATIVE_PASSWORD = 'mysql_native_password';
/** utf8mb4_general_ci: known to MySQL and MariaDB alike. */
const UTF8MB4 = 45;

/** The scramble for mysql_native_password: 20 random bytes, none of them NUL (the greeting carries it as a C string). */
export function scramble(): Buffer {
  return Buffer.from(randomBytes(20).map((byte) => (byte % 255) + 1));
}

/** Protocol::HandshakeV10, sequence 0. */
export function greeting(options: { connectionId: number; scramble: Buffer; tls: boolean; serverVersion: string }): Buffer {
  const capabilities = OFFERED | (options.tls ? CLIENT.SSL : 0);
  const fixed = Buffer.alloc(1 + 2 + 2 + 1 + 10);
  fixed.writeUInt8(UTF8MB4, 0);
  fixed.writeUInt16LE(0x0002, 1);
  fixed.writeUInt16LE(capabilities >>> 16, 3);
  fixed.writeUInt8(options.scramble.length + 1, 5);
  const lower = Buffer.alloc(2);
  lower.writeUInt16LE(capabilities & 0xffff, 0);
  const id = Buffer.alloc(4);
  id.writeUInt32LE(options.connectionId, 0);
  return packet(
    0,
    Buffer.concat([
      Buffer.from([10]),
      Buffer.from(`${options.serverVersion}\0`, 'latin1'),
      id,
      options.scramble.subarray(0, 8),
      Buffer.from([0]),
      lower,
      fixed,
      options.scramble.subarray(8),
      Buffer.from([0]),
      Buffer.from(`${NATIVE_PASSWORD}\0`, 'latin1'),
    ]),
  );
}

export interface HandshakeResponse {
  capabilities: number;
  collation: number;
  /** An SSLRequest: the client asks for TLS and sends the rest of its response over it. */
  sslRequest: boolean;
  user: string;
  authResponse: Buffer;
  database: string | undefined;
  plugin: string | undefined;
}

/** Protocol::HandshakeResponse41 (or the SSLRequest that precedes it over TLS). Throws ProtocolViolation. */
export function readHandshakeResponse(payload: Buffer): HandshakeResponse {
  const reader = new PayloadReader(payload);
  const capabilities = reader.uint32();
  if ((capabilities & CLIENT.PROTOCOL_41) === 0) throw new ProtocolViolation('the client does not speak protocol 4.1');
  reader.uint32();
  const collation = reader.uint8();
  reader.bytes(23);
  if (reader.remaining === 0) {
    if ((capabilities & CLIENT.SSL) === 0) throw new ProtocolViolation('a handshake response without a user');
    return { capabilities, collation, sslRequest: true, user: '', authResponse: Buffer.alloc(0), database: undefined, plugin: undefined };
  }
  const user = reader.cstring().toString('utf8');
  const authResponse =
    capabilities & CLIENT.PLUGIN_AUTH_LENENC_CLIENT_DATA
      ? reader.bytes(reader.lenenc())
      : capabilities & CLIENT.SECURE_CONNECTION
        ? reader.bytes(reader.uint8())
        : reader.cstring();
  const database = capabilities & CLIENT.CONNECT_WITH_DB && reader.remaining > 0 ? reader.cstring().toString('utf8') : undefined;
  const plugin = capabilities & CLIENT.PLUGIN_AUTH && reader.remaining > 0 ? reader.cstring().toString('latin1') : undefined;
  return { capabilities, collation, sslRequest: false, user, authResponse, database: database === '' ? undefined : database, plugin };
}

/** AuthSwitchRequest to mysql_native_password, for a client that answered with another plugin. */
export function authSwitch(sequence: number, salt: Buffer): Buffer {
  return packet(sequence, Buffer.concat([Buffer.from([0xfe]), Buffer.from(`${NATIVE_PASSWORD}\0`, 'latin1'), salt, Buffer.from([0])]));
}

function sha1(...parts: Buffer[]): Buffer {
  const hash = createHash('sha1');
  for (const part of parts) hash.update(part);
  return hash.digest();
}

/** What mysql_native_password verifies against: SHA1(SHA1(password)), never the password. */
export function nativeVerifier(password: string): Buffer {
  return sha1(sha1(Buffer.from(password, 'utf8')));
}

/** token = SHA1(password) XOR SHA1(salt + SHA1(SHA1(password))): recover SHA1(password) and check it hashes to the verifier. */
export function verifyNative(salt: Buffer, token: Buffer, verifier: Buffer): boolean {
  if (token.length !== 20 || verifier.length !== 20) return false;
  const mask = sha1(salt, verifier);
  const stage1 = Buffer.from(token.map((byte, index) => byte ^ (mask[index] ?? 0)));
  return timingSafeEqual(sha1(stage1), verifier);
}
