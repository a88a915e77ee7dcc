import { createHash, randomInt } from 'node:crypto';

/**
 * Password verifiers computed by the connector, so CREATE/ALTER USER carries a hash and never the plaintext
 * (which would otherwise sit in the general log, the binlog and PROCESSLIST).
 */

/** `mysql_native_password` (MySQL 4.1+, MariaDB): `'*' + upper(hex(sha1(sha1(password))))`, as `PASSWORD()`. */
export function nativePasswordHash(password: string): string {
  const inner = createHash('sha1').update(password, 'utf8').digest();
  return `*${createHash('sha1').update(inner).digest('hex').toUpperCase()}`;
}

const CRYPT_ALPHABET = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** MySQL stores `$A$<rounds/1000 as 3 hex digits>$`; 005 = 5000 rounds, the server's default. */
const SHA2_ITERATIONS = 5;
const SHA2_SALT_LENGTH = 20;

/**
 * `caching_sha2_password` authentication string (MySQL 8): `$A$005$` + 20-byte salt + 43-character
 * SHA-256 crypt digest (Drepper's "Unix crypt using SHA-256", 5000 rounds). MySQL keeps the whole 20-byte
 * salt where standard sha256-crypt truncates to 16. The server makes salts of random bytes; ours come from
 * the crypt alphabet so the string is printable and never contains `$` or NUL.
 */
export function cachingSha2PasswordHash(password: string, salt: string = randomSalt()): string {
  if (salt.length !== SHA2_SALT_LENGTH || [...salt].some((c) => !CRYPT_ALPHABET.includes(c))) {
    throw new Error(`caching_sha2_password salt must be ${SHA2_SALT_LENGTH} characters of the crypt alphabet`);
  }
  const digest = sha256CryptDigest(Buffer.from(password, 'utf8'), Buffer.from(salt, 'ascii'), SHA2_ITERATIONS * 1000);
  return `$A$${SHA2_ITERATIONS.toString(16).padStart(3, '0').toUpperCase()}$${salt}${digest}`;
}

function randomSalt(): string {
  return Array.from({ length: SHA2_SALT_LENGTH }, () => CRYPT_ALPHABET[randomInt(CRYPT_ALPHABET.length)]).join('');
}

function sha256(...parts: Buffer[]): Buffer {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
}

/** `length` bytes of `block` repeated. */
function repeatTo(block: Buffer, length: number): Buffer {
  const out = Buffer.alloc(length);
  for (let i = 0; i < length; i += block.length) block.copy(out, i, 0, Math.min(block.length, length - i));
  return out;
}

/** Drepper's SHA-256 crypt digest (43 characters), without truncating the salt. */
export function sha256CryptDigest(key: Buffer, salt: Buffer, rounds: number): string {
  const alternate = sha256(key, salt, key);
  const parts = [key, salt, repeatTo(alternate, key.length)];
  for (let n = key.length; n > 0; n >>= 1) parts.push(n & 1 ? alternate : key);
  const a = sha256(...parts);

  const keyBytes = repeatTo(sha256(...Array<Buffer>(key.length).fill(key)), key.length);
  const saltBytes = repeatTo(sha256(...Array<Buffer>(16 + (a[0] ?? 0)).fill(salt)), salt.length);

  let c = a;
  for (let i = 0; i < rounds; i++) {
    const round = [i & 1 ? keyBytes : c];
    if (i % 3) round.push(saltBytes);
    if (i % 7) round.push(keyBytes);
    round.push(i & 1 ? c : keyBytes);
    c = sha256(...round);
  }
  return encodeCryptBase64(c);
}

/** The byte order and 6-bit groups of sha256-crypt's final encoding. */
const ENCODING_ORDER: ReadonlyArray<readonly [number, number, number]> = [
  [0, 10, 20], [21, 1, 11], [12, 22, 2], [3, 13, 23], [24, 4, 14],
  [15, 25, 5], [6, 16, 26], [27, 7, 17], [18, 28, 8], [9, 19, 29],
];

function encodeCryptBase64(digest: Buffer): string {
  const byte = (i: number): number => digest[i] ?? 0;
  let out = '';
  const emit = (word: number, count: number): void => {
    for (let i = 0; i < count; i++, word >>= 6) out += CRYPT_ALPHABET[word & 0x3f];
  };
  for (const [x, y, z] of ENCODING_ORDER) emit((byte(x) << 16) | (byte(y) << 8) | byte(z), 4);
  emit((byte(31) << 8) | byte(30), 3);
  return out;
}
