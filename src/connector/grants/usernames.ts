import { randomBytes } from 'node:crypto';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

/**
 * `jit_` + the grantId reduced to [a-z0-9_] + `_` + six random characters, within the engine's length limit.
 * The random part keeps names unique when two grantIds sanitize alike; nothing of the request survives
 * unsanitized, and drivers quote the name anyway.
 */
export function ephemeralUsername(grantId: string, maxLength: number): string {
  const random = [...randomBytes(6)].map((byte) => ALPHABET[byte % 32]).join('');
  const room = maxLength - 'jit_'.length - 1 - random.length;
  const readable = grantId.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '').slice(0, room).replace(/_+$/, '');
  return readable ? `jit_${readable}_${random}` : `jit_${random}`;
}

/** A password for an ephemeral login: 192 random bits, URL-safe so it survives any connection string. */
export function generatePassword(): string {
  return randomBytes(24).toString('base64url');
}
